package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.policy.TableAccess;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * How the rows of a plan node reach their privacy unit: fields that hold the value where the
 * unit path stands (the unit itself when no steps remain, else the key of the next lookup), the
 * lookups still to do, and the protected tables whose rows these are.
 *
 * @param fields the fields holding the current value, the first one preferred; never empty
 * @param steps lookups from that value to the unit value
 * @param domain the unit the rows belong to
 * @param sources the accesses of the protected tables whose rows flow here (for the group size and errors)
 */
record UnitHandle(List<Integer> fields, List<UnitStep> steps, ColumnId domain, List<TableAccess> sources) {
    UnitHandle {
        fields = List.copyOf(new LinkedHashSet<>(requireNonNull(fields, "fields is null")));
        steps = List.copyOf(requireNonNull(steps, "steps is null"));
        requireNonNull(domain, "domain is null");
        sources = List.copyOf(new LinkedHashSet<>(requireNonNull(sources, "sources is null")));
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a unit handle needs a field");
        }
    }

    int primary() {
        return fields.get(0);
    }

    boolean resolved() {
        return steps.isEmpty();
    }

    boolean holds(int field) {
        return fields.contains(field);
    }

    /** The handle with its fields renumbered; fields that {@code mapping} drops (-1) are left out. */
    UnitHandle remap(IntUnaryOperator mapping) {
        List<Integer> mapped = new ArrayList<>();
        for (int field : fields) {
            int target = mapping.applyAsInt(field);
            if (target >= 0) {
                mapped.add(target);
            }
        }
        return new UnitHandle(mapped, steps, domain, sources);
    }

    UnitHandle withFields(List<Integer> newFields) {
        return new UnitHandle(newFields, steps, domain, sources);
    }

    UnitHandle withSources(List<TableAccess> more) {
        List<TableAccess> all = new ArrayList<>(sources);
        all.addAll(more);
        return new UnitHandle(fields, steps, domain, all);
    }

    /** Names the protected tables for errors: {@code 'shop.orders', 'shop.lineitem'}. */
    String tableNames() {
        return PrivacyErrors.tableList(sources);
    }
}
