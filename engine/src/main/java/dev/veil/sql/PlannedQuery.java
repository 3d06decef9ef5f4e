package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import dev.veil.exec.Optimizer;
import dev.veil.exec.QueryExecution;
import dev.veil.budget.BudgetLedger;
import dev.veil.rewrite.PrivacyCost;
import dev.veil.rewrite.RewriteResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
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

    private final String text;

    private PlannedQuery(PlannerContext planner, List<ResultColumn> columns, EnumerableRel plan, RewriteResult rewrite,
            String text) {
        this.text = text;
        this.planner = planner;
        this.columns = List.copyOf(columns);
        this.plan = plan;
        this.rewrite = rewrite;
    }

    /** Plans a query ({@code SELECT}, {@code VALUES}, set operations, {@code WITH}). */
    public static PlannedQuery plan(SqlNode query, StatementContext context) {
        requireNonNull(query, "query is null");
        PlannerContext planner = new PlannerContext(context.warehouse(), context.principal(), context.policies());
        SqlNode validated = planner.validate(query);
        RelRoot root = planner.toRel(validated);
        return fromLogical(planner, root.project(), root.validatedRowType, context, query.toString());
    }

    /** Plans an already converted logical plan whose output is labelled by {@code labels}. */
    static PlannedQuery fromLogical(PlannerContext planner, RelNode logical, RelDataType labels, StatementContext context) {
        return fromLogical(planner, logical, labels, context, "INSERT ... SELECT");
    }

    /** Plans an already converted logical plan; {@code text} names it in the budget ledger. */
    static PlannedQuery fromLogical(PlannerContext planner, RelNode logical, RelDataType labels, StatementContext context,
            String text) {
        RelNode normalized = Optimizer.normalize(logical);
        RewriteResult rewrite = context.rewriter().rewrite(normalized, planner.principal(), context.settings().epsilon());
        EnumerableRel plan = Optimizer.optimize(rewrite.plan());
        List<ResultColumn> columns = new ArrayList<>();
        List<String> names = labels.getFieldNames();
        List<RelDataTypeField> fields = plan.getRowType().getFieldList();
        for (int i = 0; i < fields.size(); i++) {
            columns.add(new ResultColumn(names.get(i), fields.get(i).getType()));
        }
        return new PlannedQuery(planner, columns, plan, rewrite, text);
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
     * Starts the query; the caller closes the enumerator. A query with noisy results is first
     * charged to the user's privacy budget, durably, and fails with BUDGET_EXHAUSTED if it does not
     * fit: every run charges, since every run draws fresh noise.
     */
    public Enumerator<Object[]> execute(StatementContext context) {
        PrivacyCost cost = rewrite.cost();
        if (!cost.isZero()) {
            // The statement's audit entry notes the charge in the charge's own transaction.
            BudgetLedger.of(context.warehouse()).charge(context.principal(), cost.epsilon(), cost.delta(), text,
                    (catalog, charge) -> context.control().charged(catalog, charge.epsilon(), charge.delta()));
        }
        return QueryExecution.execute(plan, planner.rootSchema(), planner.typeFactory(), context.user(),
                context.cancelFlag(), StatementMemoryLimit.forStatement(context));
    }

    /** Starts the query as a result set. */
    public RowsResult run(StatementContext context) {
        return new RowsResult(columns, execute(context), rewrite.cost().epsilon(), rewrite.cost().delta());
    }
}
