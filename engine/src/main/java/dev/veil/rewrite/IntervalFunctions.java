package dev.veil.rewrite;

import java.util.List;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * {@code DP_INTERVAL_LOW(x)} and {@code DP_INTERVAL_HIGH(x)}: the ends of the 95% confidence
 * interval of a noisy aggregate's output {@code x}, computed from the released value and the noise
 * parameters only, so they cost no budget. The privacy rewrite resolves each call to the interval
 * fields a differentially private boundary carries ({@link DpBoundary}); a value with no noise (an
 * exact answer, e.g. for an admin) is its own interval.
 */
public final class IntervalFunctions {
    /** {@code DP_INTERVAL_LOW(x)}. */
    public static final SqlFunction LOW = function("DP_INTERVAL_LOW");
    /** {@code DP_INTERVAL_HIGH(x)}. */
    public static final SqlFunction HIGH = function("DP_INTERVAL_HIGH");
    /** Both, for the validator's operator table. */
    public static final List<SqlOperator> ALL = List.of(LOW, HIGH);

    private IntervalFunctions() {}

    private static SqlFunction function(String name) {
        return new SqlFunction(
                name,
                SqlKind.OTHER_FUNCTION,
                ReturnTypes.DOUBLE_NULLABLE,
                null,
                OperandTypes.NUMERIC,
                SqlFunctionCategory.NUMERIC);
    }

    static boolean isInterval(RexNode e) {
        return e instanceof RexCall call && (call.getOperator() == LOW || call.getOperator() == HIGH);
    }

    /**
     * {@code e} with each interval call over a noisy field of {@code fields} replaced by that
     * field's interval end, and every other interval call by its argument (an exact value).
     */
    static RexNode resolve(RexNode e, List<FieldInfo> fields, RexBuilder rex) {
        return e.accept(new RexShuttle() {
            @Override
            public RexNode visitCall(RexCall call) {
                RexCall visited = (RexCall) super.visitCall(call);
                if (!isInterval(visited)) {
                    return visited;
                }
                RexNode arg = Lineage.stripCasts(visited.getOperands().get(0));
                if (arg instanceof RexInputRef ref
                        && fields.get(ref.getIndex()).interval().isPresent()) {
                    int low = fields.get(ref.getIndex()).interval().getAsInt();
                    int field = visited.getOperator() == LOW ? low : low + 1;
                    // Interval fields are DOUBLE NOT NULL (see DpAggregate), carried unchanged by projections.
                    RexNode end = rex.makeInputRef(rex.getTypeFactory().createSqlType(SqlTypeName.DOUBLE), field);
                    return ColumnPolicyExpressions.conform(rex, end, visited.getType());
                }
                return exact(visited, rex);
            }
        });
    }

    /** A plan with every interval call replaced by its argument: for plans with no noisy value. */
    static RelNode exact(RelNode plan) {
        RexBuilder rex = plan.getCluster().getRexBuilder();
        RexShuttle calls = new RexShuttle() {
            @Override
            public RexNode visitCall(RexCall call) {
                RexCall visited = (RexCall) super.visitCall(call);
                return isInterval(visited) ? exact(visited, rex) : visited;
            }
        };
        return plan.accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                RelNode visited = super.visit(other);
                return visited.accept(calls);
            }
        });
    }

    private static RexNode exact(RexCall call, RexBuilder rex) {
        return rex.makeCast(call.getType(), call.getOperands().get(0), true, false);
    }
}
