package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A protected table's way to its privacy unit, resolved for the rewrite: the column of the table
 * where the path starts, the lookups that lead from it to the unit, and the unit itself (its
 * domain: the canonical column that every table protecting the same entity reaches).
 *
 * @param startColumn the table's column holding the unit (no steps) or the first foreign key
 * @param steps the lookups from the start value to the unit value; trivial ones removed
 * @param domain the unit column all paths to the same entity end in
 */
record UnitPathInfo(String startColumn, List<UnitStep> steps, ColumnId domain) {
    UnitPathInfo {
        requireNonNull(startColumn, "startColumn is null");
        steps = List.copyOf(requireNonNull(steps, "steps is null"));
        requireNonNull(domain, "domain is null");
    }
}
