package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.budget.BudgetLedger;
import dev.veil.catalog.Principals.Principal;
import dev.veil.control.StatementControl;
import dev.veil.exec.Optimizer;
import dev.veil.exec.QueryExecution;
import dev.veil.exec.privacy.DpReleases;
import dev.veil.plan.DpAggregate;
import dev.veil.plan.DpSpec;
import dev.veil.rewrite.PrivacyCost;
import dev.veil.rewrite.RewriteResult;
import dev.veil.schema.InformationSchema;
import dev.veil.schema.SystemSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalValues;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.SqlNode;

/**
 * A query planned end to end: validated, converted, normalized, privacy-rewritten and optimized,
 * ready to run. Every statement that reads tables goes through here.
 */
public final class PlannedQuery {
    private final PlannerContext planner;
    private final List<ResultColumn> columns;
    private final EnumerableRel plan;
    private final RewriteResult rewrite;
    private final PrivacyCost cost;
    /** The numbers of the plan's DP aggregates, each charged once per execution. */
    private final Set<Integer> releases;

    private final String text;

    private PlannedQuery(
            PlannerContext planner,
            List<ResultColumn> columns,
            EnumerableRel plan,
            RewriteResult rewrite,
            PrivacyCost cost,
            Set<Integer> releases,
            String text) {
        this.text = text;
        this.cost = cost;
        this.releases = Set.copyOf(releases);
        this.planner = planner;
        this.columns = List.copyOf(columns);
        this.plan = plan;
        this.rewrite = rewrite;
    }

    /** Plans a query ({@code SELECT}, {@code VALUES}, set operations, {@code WITH}). */
    public static PlannedQuery plan(SqlNode query, StatementContext context) {
        requireNonNull(query, "query is null");
        PlannerContext planner = new PlannerContext(
                context.warehouse(),
                context.principal(),
                context.policies(),
                context.settings().schema(),
                context.cancelFlag());
        String text = query.toString();
        SqlNode validated = planner.validate(FriendlyNames.apply(query));
        // Each step of planning may be long on a huge statement: a cancel or a time limit lands between them.
        StatementControl.check(context.cancelFlag());
        RelRoot root = planner.toRel(validated);
        StatementControl.check(context.cancelFlag());
        return fromLogical(planner, root.project(), root.validatedRowType, context, text);
    }

    /** Plans an already converted logical plan whose output is labelled by {@code labels}. */
    static PlannedQuery fromLogical(
            PlannerContext planner, RelNode logical, RelDataType labels, StatementContext context) {
        return fromLogical(planner, logical, labels, context, "INSERT ... SELECT");
    }

    /** Plans an already converted logical plan; {@code text} names it in the budget ledger. */
    static PlannedQuery fromLogical(
            PlannerContext planner, RelNode logical, RelDataType labels, StatementContext context, String text) {
        checkSystemTables(logical, planner.principal());
        RelNode normalized = Optimizer.normalize(logical);
        StatementControl.check(context.cancelFlag());
        RewriteResult rewrite;
        if (EmptyPlans.alwaysEmpty(normalized)) {
            rewrite = probe(normalized, context);
        } else {
            rewrite = context.rewriter()
                    .rewrite(normalized, planner.principal(), context.settings().epsilon());
        }
        StatementControl.check(context.cancelFlag());
        EnumerableRel plan = Optimizer.optimize(rewrite.plan());
        Map<Integer, DpSpec> boundaries = DpReleases.boundaries(plan);
        PrivacyCost cost = cost(boundaries.values(), rewrite);
        List<ResultColumn> columns = new ArrayList<>();
        List<String> names = labels.getFieldNames();
        List<RelDataTypeField> fields = plan.getRowType().getFieldList();
        for (int i = 0; i < fields.size(); i++) {
            columns.add(new ResultColumn(names.get(i), fields.get(i).getType()));
        }
        return new PlannedQuery(planner, columns, plan, rewrite, cost, boundaries.keySet(), text);
    }

    /**
     * Refuses the statement if it names a system table its principal may not read. Checked on the
     * plan as the validator built it, before any simplification can remove the scan (a filter
     * that is always false, a zero limit), so that the answer never skips the check.
     */
    private static void checkSystemTables(RelNode logical, Principal principal) {
        logical.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(TableScan scan) {
                List<String> name = scan.getTable().getQualifiedName();
                if (name.size() == 2 && name.get(0).equals(SystemSchema.NAME)) {
                    SystemSchema.checkReadable(name.get(1), principal.name(), principal.isAdmin());
                }
                if (name.size() == 2 && name.get(0).equals(InformationSchema.NAME)) {
                    InformationSchema.checkReadable(name.get(1), principal.name(), principal.isAdmin());
                }
                return scan;
            }
        });
    }

    /**
     * The plan of a zero-row probe ({@link EmptyPlans}): an empty {@code VALUES} with the columns the
     * query returns when it is allowed (the privacy rewrite's output types, for instance those of DP
     * aggregates), or, when the rewrite refuses the query, the columns as the principal sees them
     * (HIDDEN columns are absent, masked ones typed as their mask's result). Nothing is read, so
     * nothing is released or charged: the answer depends on the plan alone, never on data.
     */
    private static RewriteResult probe(RelNode normalized, StatementContext context) {
        RelDataType type;
        try {
            type = context.rewriter()
                    .rewrite(normalized, context.principal(), context.settings().epsilon())
                    .plan()
                    .getRowType();
        } catch (VeilException refused) {
            type = normalized.getRowType();
        }
        if (type.getFieldCount() != normalized.getRowType().getFieldCount()) {
            type = normalized.getRowType();
        }
        RelNode empty = LogicalValues.createEmpty(normalized.getCluster(), type);
        return new RewriteResult(
                empty,
                PrivacyCost.ZERO,
                List.of(),
                List.of("Zero-row probe: the query returns no rows for any data (a constant-false filter or a"
                        + " zero limit); nothing is read, released or charged"),
                empty);
    }

    /**
     * What running the physical plan spends: the sum over its DP aggregates, each once (the
     * optimizer may drop one whose rows are never needed, never add one). Fails with
     * INTERNAL_ERROR when a DP aggregate of the plan is not among those the rewrite allocated, or
     * the plan would spend more than the rewrite's cost.
     */
    private static PrivacyCost cost(Collection<DpSpec> boundaries, RewriteResult rewrite) {
        Set<Integer> allocated = new HashSet<>();
        for (DpAggregate b : DpAggregate.findAll(rewrite.plan())) {
            allocated.add(b.spec().release());
        }
        double epsilon = 0;
        double delta = 0;
        for (DpSpec spec : boundaries) {
            if (!allocated.contains(spec.release())) {
                throw new VeilException(
                        ErrorCode.INTERNAL_ERROR,
                        "The physical plan has a differentially private "
                                + "aggregate that the privacy rewrite did not allocate a budget to");
            }
            if (spec.spent().isPresent()) {
                epsilon += spec.spent().get().epsilon();
                delta += spec.spent().get().delta();
            }
        }
        PrivacyCost allowed = rewrite.cost();
        double slack = 1e-9;
        if (epsilon > allowed.epsilon() * (1 + slack) || delta > allowed.delta() * (1 + slack)) {
            throw new VeilException(
                    ErrorCode.INTERNAL_ERROR,
                    "The physical plan would spend more privacy budget than " + "the privacy rewrite allocated");
        }
        return epsilon == 0 && delta == 0 ? PrivacyCost.ZERO : new PrivacyCost(epsilon, delta);
    }

    public List<ResultColumn> columns() {
        return columns;
    }

    public org.apache.calcite.adapter.java.JavaTypeFactory typeFactory() {
        return planner.typeFactory();
    }

    public RewriteResult rewrite() {
        return rewrite;
    }

    /** The physical plan as text, one operator per line. */
    public String explain() {
        return RelOptUtil.toString(plan);
    }

    /**
     * What one run of the physical plan spends: each of its differentially private aggregates
     * once, however often the plan enumerates it. At most the rewrite's cost (less when the
     * optimizer dropped an aggregate whose rows are never needed).
     */
    public PrivacyCost cost() {
        return cost;
    }

    /**
     * Starts the query; the caller closes the enumerator. A query with noisy results is first
     * charged to the user's privacy budget, durably, and fails with BUDGET_EXHAUSTED if it does not
     * fit: every run charges, once, since every run draws fresh noise, once per DP aggregate.
     */
    public Enumerator<Object[]> execute(StatementContext context) {
        if (!cost.isZero()) {
            // The statement's audit entry notes the charge in the charge's own transaction.
            BudgetLedger.of(context.warehouse())
                    .charge(
                            context.principal(),
                            cost.epsilon(),
                            cost.delta(),
                            text,
                            (catalog, charge) -> context.control().charged(catalog, charge.epsilon(), charge.delta()));
        }
        return QueryExecution.execute(
                plan,
                planner.rootSchema(),
                planner.typeFactory(),
                context.user(),
                context.cancelFlag(),
                releases,
                StatementMemoryLimit.forStatement(context));
    }

    /** Starts the query as a result set. */
    public RowsResult run(StatementContext context) {
        return new RowsResult(columns, execute(context), cost.epsilon(), cost.delta());
    }
}
