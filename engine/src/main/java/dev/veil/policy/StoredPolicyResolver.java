package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.catalog.TableName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@link PolicyResolver} over the policies in {@code veil.db}. Rules, all failing closed:
 * <ul>
 *   <li>users with the role {@code admin} get unrestricted access;</li>
 *   <li>a policy without {@code FOR ROLE} applies to every other user; one {@code FOR ROLE r} only
 *       to users holding {@code r};</li>
 *   <li>of the column policies that apply, the most restrictive class wins ({@link ColumnClass}'s
 *       order); two masks combine into one no finer than either, two bounds intersect;</li>
 *   <li>every row filter that applies applies: they are joined with AND;</li>
 *   <li>the largest minimum group size wins, and SUPPRESS wins over REMAINDER;</li>
 *   <li>of the differential-privacy policies that apply, the smallest of each parameter wins
 *       ({@link Strictest}, which the rewrite uses across tables too);</li>
 *   <li>the privacy unit applies to every non-admin user; a {@code VIA} path that no longer
 *       reaches a unit fails with INVALID_POLICY rather than leave the table unprotected.</li>
 * </ul>
 * Every call reads one consistent snapshot of the policies, so a concurrent change is seen
 * entirely or not at all.
 */
public final class StoredPolicyResolver implements PolicyResolver {
    private final SqliteCatalog catalog;
    private final SqlitePolicyStore store;

    public StoredPolicyResolver(SqliteCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.store = new SqlitePolicyStore(catalog);
    }

    @Override
    public TableAccess access(TableName table, Principal principal) {
        requireNonNull(table, "table is null");
        requireNonNull(principal, "principal is null");
        if (principal.isAdmin()) {
            return TableAccess.unrestricted(table);
        }
        return catalog.read(c -> resolve(store.policies(table), store.unitPath(table), principal));
    }

    /**
     * The rules above applied to {@code policies} (the table's stored policies) and {@code unit} (its
     * resolved unit path) for {@code principal}: the one resolution, which test fakes delegate to.
     */
    public static TableAccess resolve(TablePolicies policies, Optional<UnitPath> unit, Principal principal) {
        requireNonNull(policies, "policies is null");
        requireNonNull(unit, "unit is null");
        requireNonNull(principal, "principal is null");
        if (principal.isAdmin()) {
            return TableAccess.unrestricted(policies.table());
        }
        List<String> applied = new ArrayList<>();
        policies.unit().ifPresent(u -> applied.add(u.toString()));

        Optional<MinGroupSize> minGroupSize = Optional.empty();
        for (MinGroupSizePolicy p : policies.minGroupSizes()) {
            if (appliesTo(p.role(), principal)) {
                applied.add(p.toString());
                minGroupSize = Optional.of(minGroupSize
                        .map(m -> Strictest.minGroupSize(m, p.size()))
                        .orElse(p.size()));
            }
        }

        Map<String, List<ColumnPolicy>> byColumn = new LinkedHashMap<>();
        for (ColumnPolicy p : policies.columns()) {
            if (appliesTo(p.role(), principal)) {
                applied.add(p.toString());
                byColumn.computeIfAbsent(p.column(), k -> new ArrayList<>()).add(p);
            }
        }
        Map<String, ColumnAccess> columns = new LinkedHashMap<>();
        byColumn.forEach((column, list) -> columns.put(column, combine(column, list)));

        List<String> filters = new ArrayList<>();
        for (RowFilterPolicy p : policies.rowFilters()) {
            if (appliesTo(p.role(), principal)) {
                applied.add(p.toString());
                filters.add(p.predicate());
            }
        }
        Optional<String> rowFilter = filters.isEmpty()
                ? Optional.empty()
                : Optional.of(
                        filters.size() == 1
                                ? filters.get(0)
                                : filters.stream().map(f -> "(" + f + ")").collect(Collectors.joining(" AND ")));

        Optional<DifferentialPrivacy> dp = Optional.empty();
        int dpPolicies = 0;
        for (DifferentialPrivacyPolicy p : policies.differentialPrivacyPolicies()) {
            if (appliesTo(p.role(), principal)) {
                applied.add(p.toString());
                dp = Optional.of(dp.map(d -> Strictest.differentialPrivacy(d, p.params()))
                        .orElse(p.params()));
                dpPolicies++;
            }
        }
        if (dpPolicies > 1) {
            applied.add(DifferentialPrivacyPolicy.definition(dp.get()) + " on " + policies.table()
                    + ": the strictest of the " + dpPolicies + " above");
        }

        policies.domains().forEach(d -> applied.add(d.toString()));
        Map<String, DomainPolicy> domains = new HashMap<>();
        policies.domains().forEach(d -> domains.put(d.column(), d));
        return new TableAccess(policies.table(), unit, minGroupSize, rowFilter, columns, applied, dp, domains);
    }

    private static boolean appliesTo(Optional<String> role, Principal principal) {
        return role.isEmpty() || principal.roles().contains(role.get());
    }

    /** The access to one column under every policy of it that applies. */
    private static ColumnAccess combine(String column, List<ColumnPolicy> policies) {
        ColumnClass strictest = ColumnClass.PUBLIC;
        for (ColumnPolicy p : policies) {
            strictest = Strictest.columnClass(strictest, p.columnClass());
        }
        ColumnClass winner = strictest;
        List<ColumnPolicy> deciding =
                policies.stream().filter(p -> p.columnClass() == winner).toList();
        Optional<Mask> mask = deciding.stream()
                .map(ColumnPolicy::mask)
                .flatMap(Optional::stream)
                .reduce(Strictest::mask);
        Optional<Bounds> bounds = deciding.stream()
                .map(ColumnPolicy::bounds)
                .flatMap(Optional::stream)
                .reduce(Strictest::bounds);
        String description = deciding.stream().map(ColumnPolicy::toString).collect(Collectors.joining(" and "));
        return new ColumnAccess(column, winner, bounds, mask, description);
    }
}
