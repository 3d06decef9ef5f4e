package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.TableName;
import dev.veil.plan.RestrictedTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexNode;

/**
 * The privacy rewrite: the one place a logical plan passes on its way from validation to
 * execution, for every statement that reads tables (queries, {@code INSERT ... SELECT},
 * {@code CREATE TABLE ... AS}). It receives the plan after sub-queries are expanded and
 * correlation removed, and before any optional optimization, and returns the plan whose output
 * obeys the principal's policies, or rejects the query.
 *
 * <p>The policies come with the plan: every restricted table is scanned through an
 * {@link RestrictedTable} carrying the principal's resolved access, the same one validation saw.
 * Such a view cannot execute, so a plan that did not pass here cannot run. The rewrite, step by
 * step ({@link PlanRewriter}): policies on each scan ({@link ScanStep}); uses of restricted
 * columns and of privacy units checked along the way; the privacy unit carried up to the first
 * aggregate that is not grouped by it, the privacy boundary ({@link BoundaryRewrite}); and at the
 * top, no protected row and no restricted value may remain in the output.
 */
public final class PrivacyRewriter {
    private final MaskKey maskKey;
    private final RowFilterCache rowFilters = new RowFilterCache();

    /** A rewriter whose HASH masks use {@code maskKey}. */
    public PrivacyRewriter(MaskKey maskKey) {
        this.maskKey = requireNonNull(maskKey, "maskKey is null");
    }

    /** Rewrites {@code plan} for {@code principal}; POLICY_VIOLATION when it would release protected data. */
    public RewriteResult rewrite(RelNode plan, Principal principal) {
        return rewrite(plan, principal, OptionalDouble.empty());
    }

    /**
     * Rewrites {@code plan} for {@code principal}, whose session asked for {@code epsilon} per
     * query (empty: the tables' policies decide); POLICY_VIOLATION when it would release
     * protected data.
     */
    public RewriteResult rewrite(RelNode plan, Principal principal, OptionalDouble epsilon) {
        return rewrite(plan, principal, epsilon, ScanRules.NONE);
    }

    /**
     * As above, with the statement's consent and retention rules ({@link ScanConditions}), which
     * apply to every principal, admins included.
     */
    public RewriteResult rewrite(RelNode plan, Principal principal, OptionalDouble epsilon, ScanRules rules) {
        return rewrite(plan, principal, epsilon, rules, DpQueryOptions.NONE);
    }

    /**
     * As above, for a statement with the options of a {@code SELECT WITH DIFFERENTIAL_PRIVACY}
     * (BigQuery's syntax), which may ask for less than the policies allow, never more.
     */
    public RewriteResult rewrite(
            RelNode plan, Principal principal, OptionalDouble epsilon, ScanRules rules, DpQueryOptions options) {
        requireNonNull(options, "options is null");
        requireNonNull(plan, "plan is null");
        requireNonNull(principal, "principal is null");
        requireNonNull(epsilon, "epsilon is null");
        requireNonNull(rules, "rules is null");
        Map<TableName, Set<String>> columnUse = ColumnUse.of(plan);
        boolean conditions = columnUse.keySet().stream().anyMatch(t -> ScanConditions.applies(t, rules));
        if (!conditions && !readsRestrictedTable(plan)) {
            if (options.present()) {
                throw DpBudget.noDpTable();
            }
            return RewriteResult.unchanged(IntervalFunctions.exact(GroupBounds.strip(plan, 0)));
        }
        RewriteContext ctx = new RewriteContext(principal, plan.getCluster(), maskKey, rowFilters);
        ctx.scanRules(rules, columnUse);
        ctx.dpOptions(options);
        rules.purpose().ifPresent(p -> ctx.log().policy("Purpose of the statement: '" + p + "'"));
        Piece root = new PlanRewriter(ctx).rewrite(JoinConditions.normalize(plan));
        if (root.isProtected()) {
            throw PrivacyErrors.rowsWithoutAggregation(root.unit().get());
        }
        for (int i = 0; i < root.width(); i++) {
            for (ColumnRestriction restriction : root.field(i).restrictions()) {
                throw PrivacyErrors.restrictedUse(restriction, principal, "in the query's output");
            }
        }
        DpBudget budget = DpBudget.allocate(
                GroupBounds.strip(IntervalFunctions.exact(userFields(root)), ctx.groupBoundsRead()), epsilon, options);
        RelNode rewritten = budget.plan();
        return new RewriteResult(
                rewritten,
                budget.cost(),
                ctx.log().policies(),
                ctx.log().rewrites(),
                ShownPlan.of(rewritten, ctx.rowFilters(), ctx.rexBuilder()),
                budget.allocation());
    }

    private static boolean readsRestrictedTable(RelNode plan) {
        for (RelOptTable table : RelOptUtil.findAllTables(plan)) {
            if (table.unwrap(RestrictedTable.class) != null) {
                return true;
            }
        }
        return false;
    }

    /** The root without any field the rewrite added. */
    private static RelNode userFields(Piece root) {
        RelNode rel = root.rel();
        if (rel.getRowType().getFieldCount() == root.width()) {
            return rel;
        }
        List<RexNode> exprs = new ArrayList<>();
        for (int i = 0; i < root.width(); i++) {
            exprs.add(rel.getCluster().getRexBuilder().makeInputRef(rel, i));
        }
        return LogicalProject.create(
                rel, List.of(), exprs, rel.getRowType().getFieldNames().subList(0, root.width()), Set.of());
    }
}
