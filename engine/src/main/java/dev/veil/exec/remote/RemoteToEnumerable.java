package dev.veil.exec.remote;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.adapter.jdbc.JdbcImplementor;
import org.apache.calcite.plan.ConventionTraitDef;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterImpl;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.util.SqlString;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Where a remote sub-plan's rows come back into Veil, while the planner still chooses the
 * sub-plan. Once it has chosen, {@link RemoteQueries#seal} replaces this node by an
 * {@link EnumerableRemoteQuery} that holds the remote SQL of the chosen sub-plan.
 */
final class RemoteToEnumerable extends ConverterImpl implements EnumerableRel {
    private final RemoteConvention convention;

    RemoteToEnumerable(RelOptCluster cluster, RelTraitSet traits, RelNode input, RemoteConvention convention) {
        super(cluster, ConventionTraitDef.INSTANCE, traits, input);
        this.convention = requireNonNull(convention, "convention is null");
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new RemoteToEnumerable(getCluster(), traitSet, sole(inputs), convention);
    }

    /** Moving rows out of the remote costs a tenth of a row's processing, as in Calcite's JDBC adapter. */
    @Override
    public @Nullable RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
        RelOptCost cost = super.computeSelfCost(planner, mq);
        return cost == null ? null : cost.multiplyBy(0.1);
    }

    /** The remote statement of the chosen sub-plan, in the remote's dialect. */
    SqlString sql() {
        JdbcImplementor implementor = new JdbcImplementor(
                convention.dialect, (JavaTypeFactory) getCluster().getTypeFactory());
        SqlNode statement = implementor.visitRoot(getInput()).asStatement();
        return statement.toSqlString(convention.dialect);
    }

    /**
     * The leaf that runs this sub-plan's statement, with the conditions that bind its parameters
     * ({@link RemoteParameterCall}) in the order of their {@code ?} in the statement's text.
     */
    EnumerableRemoteQuery seal() {
        SqlString sql = sql();
        Map<Integer, RemoteParameterCall> calls = new HashMap<>();
        collect(getInput(), calls);
        List<RemoteParameterCall> parameters = new ArrayList<>();
        List<Integer> order = sql.getDynamicParameters();
        for (int id : order == null ? List.<Integer>of() : order) {
            RemoteParameterCall call = calls.get(id);
            if (call == null) {
                throw new IllegalStateException("the remote statement has a parameter no condition binds");
            }
            parameters.add(call);
        }
        return new EnumerableRemoteQuery(
                getCluster(),
                getTraitSet(),
                getRowType(),
                convention.database(),
                sql.getSql(),
                getCluster().getMetadataQuery().getRowCount(getInput()),
                0,
                parameters);
    }

    private static void collect(RelNode node, Map<Integer, RemoteParameterCall> calls) {
        node.accept(new RexShuttle() {
            @Override
            public RexNode visitCall(RexCall call) {
                if (call.getOperator() instanceof RemoteParameterCall p) {
                    calls.put(p.id(), p);
                }
                return super.visitCall(call);
            }
        });
        for (RelNode input : node.getInputs()) {
            collect(input, calls);
        }
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        return seal().implement(implementor, pref);
    }
}
