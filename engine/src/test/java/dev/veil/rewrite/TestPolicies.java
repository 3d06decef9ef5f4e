package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.TableName;
import dev.veil.policy.Bounds;
import dev.veil.policy.ColumnAccess;
import dev.veil.policy.ColumnClass;
import dev.veil.policy.DifferentialPrivacy;
import dev.veil.policy.Mask;
import dev.veil.policy.MinGroupSize;
import dev.veil.policy.PolicyResolver;
import dev.veil.policy.TableAccess;
import dev.veil.policy.UnitPath;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory policy resolver for tests, set up in Java (tests inject it into the engine; no SQL
 * reaches it). Policies without a role apply to every non-admin; a policy for a role applies to
 * principals holding that role. When several apply, the strictest column class wins, the largest
 * group size wins, and row filters are combined with AND. Admins get unrestricted access.
 */
final class TestPolicies implements PolicyResolver {
    private final Map<TableName, Unit> units = new HashMap<>();
    private final List<Scoped<MinGroupSize>> groupSizes = new ArrayList<>();
    private final List<Scoped<String>> rowFilters = new ArrayList<>();
    private final List<Scoped<ColumnAccess>> columns = new ArrayList<>();
    private final List<Scoped<DifferentialPrivacy>> dp = new ArrayList<>();

    private record Unit(String column, String fkTable, String fkKey) {
    }

    private record Scoped<T>(TableName table, String role, T policy) {
    }

    static TableName table(String qualified) {
        String[] parts = qualified.split("\\.");
        return new TableName(parts[0], parts[1]);
    }

    /** {@code ALTER TABLE t SET PRIVACY UNIT (column)}. */
    TestPolicies unit(String table, String column) {
        units.put(table(table), new Unit(column, null, null));
        return this;
    }

    /** {@code ALTER TABLE t SET PRIVACY UNIT VIA (fk) REFERENCES parent (key)}. */
    TestPolicies unitVia(String table, String fk, String parent, String key) {
        units.put(table(table), new Unit(fk, parent, key));
        return this;
    }

    TestPolicies minGroupSize(String table, int k, boolean remainder, String role) {
        groupSizes.add(new Scoped<>(table(table), role, new MinGroupSize(k, remainder)));
        return this;
    }

    TestPolicies minGroupSize(String table, int k) {
        return minGroupSize(table, k, false, null);
    }

    /** {@code ALTER TABLE t SET DIFFERENTIAL PRIVACY (EPSILON e, DELTA d, MAX GROUPS PER UNIT l0, MAX ROWS ... m)}. */
    TestPolicies differentialPrivacy(String table, double epsilon, double delta, int l0, int m) {
        dp.add(new Scoped<>(table(table), null, new DifferentialPrivacy(epsilon, delta, l0, m)));
        return this;
    }

    TestPolicies rowFilter(String table, String predicate, String role) {
        rowFilters.add(new Scoped<>(table(table), role, predicate));
        return this;
    }

    TestPolicies hidden(String table, String column, String role) {
        return column(table, column, ColumnClass.HIDDEN, null, null, role);
    }

    TestPolicies joinOnly(String table, String column, String role) {
        return column(table, column, ColumnClass.JOIN_ONLY, null, null, role);
    }

    TestPolicies aggregateOnly(String table, String column, String lower, String upper, String role) {
        Bounds bounds = lower == null ? null : new Bounds(new BigDecimal(lower), new BigDecimal(upper));
        return column(table, column, ColumnClass.AGGREGATE_ONLY, bounds, null, role);
    }

    TestPolicies masked(String table, String column, Mask mask, String role) {
        return column(table, column, ColumnClass.MASKED, null, mask, role);
    }

    private TestPolicies column(String table, String column, ColumnClass columnClass, Bounds bounds, Mask mask,
            String role) {
        String policy = "policy on " + table + "." + column + (role == null ? "" : " for role " + role);
        columns.add(new Scoped<>(table(table), role, new ColumnAccess(column, columnClass, Optional.ofNullable(bounds),
                Optional.ofNullable(mask), policy)));
        return this;
    }

    @Override
    public TableAccess access(TableName table, Principal principal) {
        requireNonNull(table, "table is null");
        if (principal.isAdmin()) {
            return UnrestrictedPolicies.unrestricted(table);
        }
        List<String> applied = new ArrayList<>();
        Optional<UnitPath> unit = Optional.ofNullable(units.get(table)).map(u -> path(table, 0));
        unit.ifPresent(u -> applied.add("privacy unit of " + table));
        Optional<MinGroupSize> size = Optional.empty();
        for (Scoped<MinGroupSize> s : groupSizes) {
            if (applies(s, table, principal)) {
                MinGroupSize m = s.policy();
                size = Optional.of(size.map(o -> new MinGroupSize(Math.max(o.k(), m.k()), o.remainder() && m.remainder()))
                        .orElse(m));
            }
        }
        List<String> filters = new ArrayList<>();
        for (Scoped<String> s : rowFilters) {
            if (applies(s, table, principal)) {
                filters.add("(" + s.policy() + ")");
            }
        }
        Map<String, ColumnAccess> access = new LinkedHashMap<>();
        for (Scoped<ColumnAccess> s : columns) {
            if (applies(s, table, principal)) {
                ColumnAccess c = s.policy();
                access.merge(c.column(), c, (a, b) -> a.columnClass().compareTo(b.columnClass()) >= 0 ? a : b);
            }
        }
        Optional<DifferentialPrivacy> differentialPrivacy = Optional.empty();
        for (Scoped<DifferentialPrivacy> s : dp) {
            if (applies(s, table, principal)) {
                DifferentialPrivacy d = s.policy();
                differentialPrivacy = Optional.of(differentialPrivacy.map(o -> o.strictest(d)).orElse(d));
            }
        }
        return new TableAccess(table, unit, size, filters.isEmpty() ? Optional.empty()
                : Optional.of(String.join(" AND ", filters)), access, applied, differentialPrivacy);
    }

    private UnitPath path(TableName table, int depth) {
        Unit u = units.get(table);
        if (depth > 10) {
            throw new IllegalStateException("cycle at " + table);
        }
        if (u.fkTable() == null) {
            return new UnitPath(List.of(), table, u.column());
        }
        TableName parent = table(u.fkTable());
        UnitPath.Hop hop = new UnitPath.Hop(table, u.column(), parent, u.fkKey());
        if (!units.containsKey(parent)) {
            return new UnitPath(List.of(hop), parent, u.fkKey());
        }
        UnitPath further = path(parent, depth + 1);
        List<UnitPath.Hop> hops = new ArrayList<>();
        hops.add(hop);
        hops.addAll(further.hops());
        return new UnitPath(hops, further.unitTable(), further.unitColumn());
    }

    private static boolean applies(Scoped<?> s, TableName table, Principal principal) {
        return s.table().equals(table) && (s.role() == null || principal.roles().contains(s.role()));
    }
}
