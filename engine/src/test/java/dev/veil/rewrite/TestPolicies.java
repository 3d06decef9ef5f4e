package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.TableName;
import dev.veil.policy.Bounds;
import dev.veil.policy.ColumnClass;
import dev.veil.policy.ColumnPolicy;
import dev.veil.policy.ColumnRef;
import dev.veil.policy.DifferentialPrivacy;
import dev.veil.policy.DifferentialPrivacyPolicy;
import dev.veil.policy.Mask;
import dev.veil.policy.MinGroupSize;
import dev.veil.policy.MinGroupSizePolicy;
import dev.veil.policy.PolicyResolver;
import dev.veil.policy.RowFilterPolicy;
import dev.veil.policy.StoredPolicyResolver;
import dev.veil.policy.TableAccess;
import dev.veil.policy.TablePolicies;
import dev.veil.policy.UnitPath;
import dev.veil.policy.UnitPolicy;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory policy store for tests, set up in Java (tests inject it into the engine; no SQL
 * reaches it). It holds the policy records the statements would store and hands them to the
 * production resolution ({@link StoredPolicyResolver#resolve}), so the rewrite tests exercise the
 * real "strictest wins" merge: policies without a role apply to every non-admin, a policy for a
 * role to principals holding that role, admins get unrestricted access.
 */
final class TestPolicies implements PolicyResolver {
    private final Map<TableName, UnitPolicy> units = new HashMap<>();
    private final List<MinGroupSizePolicy> groupSizes = new ArrayList<>();
    private final List<RowFilterPolicy> rowFilters = new ArrayList<>();
    private final List<ColumnPolicy> columns = new ArrayList<>();
    private final List<DifferentialPrivacyPolicy> dp = new ArrayList<>();

    static TableName table(String qualified) {
        String[] parts = qualified.split("\\.");
        return new TableName(parts[0], parts[1]);
    }

    /** {@code ALTER TABLE t SET PRIVACY UNIT (column)}. */
    TestPolicies unit(String table, String column) {
        units.put(table(table), UnitPolicy.direct(table(table), column));
        return this;
    }

    /** {@code ALTER TABLE t SET PRIVACY UNIT VIA (fk) REFERENCES parent (key)}. */
    TestPolicies unitVia(String table, String fk, String parent, String key) {
        units.put(table(table), UnitPolicy.via(table(table), fk, new ColumnRef(table(parent), key)));
        return this;
    }

    TestPolicies minGroupSize(String table, int k, boolean remainder, String role) {
        groupSizes.add(new MinGroupSizePolicy(table(table), Optional.ofNullable(role), new MinGroupSize(k, remainder)));
        return this;
    }

    TestPolicies minGroupSize(String table, int k) {
        return minGroupSize(table, k, false, null);
    }

    /** {@code ALTER TABLE t SET DIFFERENTIAL PRIVACY (EPSILON e, DELTA d, MAX GROUPS PER UNIT l0, MAX ROWS ... m)}. */
    TestPolicies differentialPrivacy(String table, double epsilon, double delta, int l0, int m) {
        dp.add(new DifferentialPrivacyPolicy(
                table(table), Optional.empty(), new DifferentialPrivacy(epsilon, delta, l0, m)));
        return this;
    }

    TestPolicies rowFilter(String table, String predicate, String role) {
        rowFilters.add(new RowFilterPolicy(table(table), Optional.ofNullable(role), predicate));
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

    private TestPolicies column(
            String table, String column, ColumnClass columnClass, Bounds bounds, Mask mask, String role) {
        columns.add(new ColumnPolicy(
                table(table),
                column,
                Optional.ofNullable(role),
                columnClass,
                Optional.ofNullable(bounds),
                Optional.ofNullable(mask)));
        return this;
    }

    @Override
    public TableAccess access(TableName table, Principal principal) {
        requireNonNull(table, "table is null");
        TablePolicies policies = new TablePolicies(
                table,
                Optional.ofNullable(units.get(table)),
                groupSizes.stream().filter(p -> p.table().equals(table)).toList(),
                columns.stream().filter(p -> p.table().equals(table)).toList(),
                List.of(),
                rowFilters.stream().filter(p -> p.table().equals(table)).toList(),
                dp.stream().filter(p -> p.table().equals(table)).toList());
        Optional<UnitPath> unit = units.containsKey(table) ? Optional.of(path(table, 0)) : Optional.empty();
        return StoredPolicyResolver.resolve(policies, unit, principal);
    }

    private UnitPath path(TableName table, int depth) {
        UnitPolicy u = units.get(table);
        if (depth > 10) {
            throw new IllegalStateException("cycle at " + table);
        }
        if (u.via().isEmpty()) {
            return new UnitPath(List.of(), table, u.column());
        }
        ColumnRef key = u.via().get();
        TableName parent = key.table();
        UnitPath.Hop hop = new UnitPath.Hop(table, u.column(), parent, key.column());
        if (!units.containsKey(parent)) {
            return new UnitPath(List.of(hop), parent, key.column());
        }
        UnitPath further = path(parent, depth + 1);
        List<UnitPath.Hop> hops = new ArrayList<>();
        hops.add(hop);
        hops.addAll(further.hops());
        return new UnitPath(hops, further.unitTable(), further.unitColumn());
    }
}
