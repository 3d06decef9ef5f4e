package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;
import dev.veil.policy.TableAccess;
import dev.veil.policy.UnitPath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves a protected table's declared path to its privacy unit ({@link UnitPath}) into the
 * start column, the lookups, and the canonical unit. Paths compose: when the unit a path ends in
 * is itself the start of its table's path (orders' {@code o_custkey} referencing
 * {@code customer.c_custkey}), the path continues there, so every table protecting the same
 * entity ends in the same unit. A lookup whose key is also the value it fetches is dropped (the
 * foreign key already holds the value).
 */
final class UnitPaths {
    private static final int MAX_DEPTH = 32;

    private final CatalogTables tables;
    private final Map<TableName, UnitPathInfo> resolved = new HashMap<>();

    UnitPaths(CatalogTables tables) {
        this.tables = requireNonNull(tables, "tables is null");
    }

    /** The resolved path of a protected table. */
    UnitPathInfo of(TableAccess access) {
        if (access.unit().isEmpty()) {
            throw new IllegalArgumentException(access.table() + " has no privacy unit");
        }
        return resolve(access, 0);
    }

    private UnitPathInfo resolve(TableAccess access, int depth) {
        UnitPathInfo known = resolved.get(access.table());
        if (known != null) {
            return known;
        }
        if (depth > MAX_DEPTH) {
            throw PrivacyErrors.invalidPolicy("The privacy unit paths starting at '" + access.table()
                    + "' form a cycle; fix the PRIVACY UNIT policies");
        }
        UnitPath path = access.unit().orElseThrow();
        List<UnitStep> steps = new ArrayList<>();
        String start;
        if (path.isDirect()) {
            start = path.unitColumn();
        } else {
            start = path.hops().get(0).fkColumn();
            for (int i = 0; i < path.hops().size(); i++) {
                UnitPath.Hop hop = path.hops().get(i);
                String next =
                        i + 1 < path.hops().size() ? path.hops().get(i + 1).fkColumn() : path.unitColumn();
                steps.add(new UnitStep(hop.toTable(), hop.keyColumn(), next));
            }
        }
        ColumnId domain = new ColumnId(path.unitTable(), path.unitColumn());
        // Continue along the unit table's own path when this one ends where that one starts.
        if (!path.unitTable().equals(access.table())) {
            TableAccess unitTable =
                    tables.byName(path.unitTable()).map(TableRef::access).orElse(null);
            if (unitTable != null && unitTable.unit().isPresent()) {
                UnitPathInfo further = resolve(unitTable, depth + 1);
                if (further.startColumn().equals(path.unitColumn())) {
                    steps.addAll(further.steps());
                    domain = further.domain();
                }
            }
        }
        steps.removeIf(step -> step.keyColumn().equals(step.nextColumn()));
        UnitPathInfo info = new UnitPathInfo(start, steps, domain);
        resolved.put(access.table(), info);
        return info;
    }
}
