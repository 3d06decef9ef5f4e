package dev.veil.exec.aggregate;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A test on a group's aggregate results that a vectorized aggregation applies before it builds the
 * group's row: a conjunction of comparisons of an exact numeric result (a COUNT or an integer or
 * DECIMAL SUM) with a numeric literal, such as the {@code HAVING SUM(l_quantity) > 300} of TPC-H
 * Q18. A group whose result is NULL, or fails a comparison, is dropped; the filter that held the
 * condition stays above the aggregation and tests the rows that are left again, so this only saves
 * building rows that filter would drop. Immutable.
 */
final class GroupFilter {
    /**
     * One comparison {@code call's result <op> constant}.
     *
     * @param call the index of the aggregate call among the aggregation's calls
     * @param kind the comparison, with the result on its left
     * @param constant the literal, exact
     */
    record Comparison(int call, SqlKind kind, BigDecimal constant) {
        Comparison {
            requireNonNull(kind, "kind is null");
            requireNonNull(constant, "constant is null");
            if (call < 0) {
                throw new IllegalArgumentException("call is negative");
            }
        }

        boolean test(@Nullable Object value) {
            if (value == null) {
                return false;
            }
            BigDecimal v = value instanceof BigDecimal d ? d : BigDecimal.valueOf(((Number) value).longValue());
            int c = v.compareTo(constant);
            return switch (kind) {
                case EQUALS -> c == 0;
                case NOT_EQUALS -> c != 0;
                case LESS_THAN -> c < 0;
                case LESS_THAN_OR_EQUAL -> c <= 0;
                case GREATER_THAN -> c > 0;
                case GREATER_THAN_OR_EQUAL -> c >= 0;
                default -> throw new IllegalStateException("not a comparison: " + kind);
            };
        }
    }

    private final List<Comparison> comparisons;

    GroupFilter(List<Comparison> comparisons) {
        this.comparisons = List.copyOf(requireNonNull(comparisons, "comparisons is null"));
        if (this.comparisons.isEmpty()) {
            throw new IllegalArgumentException("a group filter tests at least one result");
        }
    }

    /**
     * The filter of those conjuncts of {@code condition} (over the aggregation's rows: {@code
     * groupCount} grouping columns, then one column per call) that compare an exact numeric call
     * with a numeric literal; null when there is none. {@code exact} tells whether call i's result
     * is an exact number (Long or BigDecimal).
     */
    static @Nullable GroupFilter of(RexNode condition, int groupCount, IntFunction<Boolean> exact) {
        List<Comparison> comparisons = new ArrayList<>();
        for (RexNode conjunct : RexUtil.flattenAnd(List.of(condition))) {
            Comparison c = comparison(conjunct, groupCount, exact);
            if (c != null) {
                comparisons.add(c);
            }
        }
        return comparisons.isEmpty() ? null : new GroupFilter(comparisons);
    }

    private static @Nullable Comparison comparison(RexNode node, int groupCount, IntFunction<Boolean> exact) {
        if (!(node instanceof RexCall call) || call.getOperands().size() != 2) {
            return null;
        }
        SqlKind kind = call.getKind();
        if (!SqlKind.COMPARISON.contains(kind)
                || kind == SqlKind.IS_DISTINCT_FROM
                || kind == SqlKind.IS_NOT_DISTINCT_FROM) {
            return null;
        }
        RexNode left = call.getOperands().get(0);
        RexNode right = call.getOperands().get(1);
        if (left instanceof RexLiteral && right instanceof RexInputRef) {
            RexNode swap = left;
            left = right;
            right = swap;
            kind = kind.reverse();
        }
        if (!(left instanceof RexInputRef ref) || !(right instanceof RexLiteral literal)) {
            return null;
        }
        int callIndex = ref.getIndex() - groupCount;
        if (callIndex < 0 || !exact.apply(callIndex) || !numeric(literal.getType())) {
            return null;
        }
        BigDecimal constant = literal.getValueAs(BigDecimal.class);
        return constant == null ? null : new Comparison(callIndex, kind, constant);
    }

    private static boolean numeric(RelDataType type) {
        return SqlTypeFamily.EXACT_NUMERIC.contains(type);
    }

    /** Whether a group whose call i has result {@code results.apply(i)} may pass the condition. */
    boolean accepts(IntFunction<Object> results) {
        for (Comparison c : comparisons) {
            if (!c.test(results.apply(c.call()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Comparison c : comparisons) {
            parts.add(
                    "call" + c.call() + " " + c.kind().sql + " " + c.constant().toPlainString());
        }
        return String.join(" AND ", parts);
    }
}
