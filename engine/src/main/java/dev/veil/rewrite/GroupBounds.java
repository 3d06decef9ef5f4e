package dev.veil.rewrite;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.plan.SafeOperator;
import java.util.Optional;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;

/**
 * {@code DP_GROUP_BOUNDS(x, lo, hi)}: the argument of a differentially private COUNT or SUM with
 * BigQuery's {@code contribution_bounds_per_group => (lo, hi)}, which {@code DpSelectOptions}
 * writes: {@code x} itself for every row, marking that each unit's total contribution to a group is
 * clamped to {@code [lo, hi]}. The DP boundary reads the bounds off its input ({@link #at}); the
 * rewrite then replaces every mark by {@code x} ({@link #strip}), so a plan that runs holds none.
 * A mark that no DP aggregate read is refused.
 */
public final class GroupBounds {
    /** The function, for the validator's operator table. */
    public static final SqlFunction FUNCTION =
            new SqlFunction(
                    "DP_GROUP_BOUNDS",
                    SqlKind.OTHER_FUNCTION,
                    ReturnTypes.ARG0_FORCE_NULLABLE, // nullable: COUNT keeps its argument
                    null,
                    OperandTypes.family(SqlTypeFamily.ANY, SqlTypeFamily.NUMERIC, SqlTypeFamily.NUMERIC),
                    SqlFunctionCategory.NUMERIC) {
                @Override
                public boolean isDeterministic() {
                    return false; // never folded away before the rewrite reads it
                }
            };

    private GroupBounds() {}

    /** The mark itself, looking through the safe wrapper; null if {@code e} is not one. */
    static RexCall mark(RexNode e) {
        if (e instanceof RexCall call) {
            SqlOperator op = call.getOperator() instanceof SafeOperator safe ? safe.inner() : call.getOperator();
            if (op == FUNCTION) {
                return call;
            }
        }
        return null;
    }

    /** The bounds {@code [lo, hi]} marked on field {@code field} of {@code rel}, if any. */
    static Optional<double[]> at(RelNode rel, int field) {
        if (rel instanceof Project project) {
            RexCall mark = mark(project.getProjects().get(field));
            if (mark != null
                    && mark.getOperands().get(1) instanceof RexLiteral lo
                    && mark.getOperands().get(2) instanceof RexLiteral hi
                    && lo.getValueAs(Double.class) != null
                    && hi.getValueAs(Double.class) != null) {
                return Optional.of(new double[] {lo.getValueAs(Double.class), hi.getValueAs(Double.class)});
            }
        }
        return Optional.empty();
    }

    /** Whether the marked value of field {@code field} of {@code rel} is a constant that is never NULL (COUNT(*)). */
    static boolean countsRows(RelNode rel, int field) {
        if (!(rel instanceof Project project)) {
            return false;
        }
        RexCall mark = mark(project.getProjects().get(field));
        return mark != null && mark.getOperands().get(0) instanceof RexLiteral literal && !literal.isNull();
    }

    /**
     * {@code plan} with every mark replaced by its value; refuses the plan if it held more marks
     * than the DP aggregates read ({@code read}).
     */
    static RelNode strip(RelNode plan, int read) {
        int[] found = {0};
        RexShuttle unmark = new RexShuttle() {
            @Override
            public RexNode visitCall(RexCall call) {
                RexNode visited = super.visitCall(call);
                RexCall mark = mark(visited);
                if (mark != null) {
                    found[0]++;
                    RexNode value = mark.getOperands().get(0);
                    return value.getType().equals(mark.getType())
                            ? value
                            : plan.getCluster().getRexBuilder().makeCast(mark.getType(), value, true, false);
                }
                return visited;
            }
        };
        RelNode stripped = plan.accept(new RelHomogeneousShuttle() {
            @Override
            public RelNode visit(RelNode other) {
                return super.visit(other).accept(unmark);
            }
        });
        if (found[0] > read) {
            throw new VeilException(
                    ErrorCode.NOT_SUPPORTED,
                    "contribution_bounds_per_group applies only to a COUNT or SUM directly over a table that is"
                            + " differentially private for you, in SELECT WITH DIFFERENTIAL_PRIVACY");
        }
        return stripped;
    }
}
