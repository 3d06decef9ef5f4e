package dev.veil.exec;

import com.google.common.collect.BoundType;
import com.google.common.collect.Range;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.VeilType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUnknownAs;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.Sarg;

/**
 * A scan filter evaluated a batch at a time into a selection vector, for the common shape of
 * an AND of ranges (comparisons with literals, BETWEEN, IN) on INTEGER, BIGINT, DATE and DECIMAL
 * (precision 18 or less) columns. It keeps exactly the rows the same filter's
 * {@link ScanPredicate} accepts (NULL never passes); other filters use the ScanPredicate.
 * Immutable.
 */
final class VectorFilter {
    /** Values of one column within any of some closed ranges, in the column's long units. */
    private record Leaf(int column, ColumnType type, long[] lows, long[] highs) {
    }

    private final List<Leaf> leaves;

    private VectorFilter(List<Leaf> leaves) {
        this.leaves = List.copyOf(leaves);
    }

    /** The filter of {@code node} (input references are table columns), or null when its shape is not handled. */
    static VectorFilter compile(RexNode node, TableDef table) {
        List<Leaf> leaves = new ArrayList<>();
        List<RexNode> conjuncts = node.getKind() == SqlKind.AND ? ((RexCall) node).getOperands() : List.of(node);
        for (RexNode conjunct : conjuncts) {
            Leaf leaf = leaf(conjunct, table);
            if (leaf == null) {
                return null;
            }
            leaves.add(leaf);
        }
        return new VectorFilter(leaves);
    }

    private static Leaf leaf(RexNode node, TableDef table) {
        if (!(node instanceof RexCall call) || call.getOperands().size() != 2) {
            return null;
        }
        RexNode left = call.getOperands().get(0);
        RexNode right = call.getOperands().get(1);
        SqlKind kind = call.getKind();
        if (left instanceof RexLiteral && right instanceof RexInputRef) {
            RexNode t = left;
            left = right;
            right = t;
            kind = kind.reverse();
        }
        if (!(left instanceof RexInputRef ref) || !(right instanceof RexLiteral literal) || literal.isNull()) {
            return null;
        }
        ColumnType type = table.columns().get(ref.getIndex()).type();
        boolean longs = switch (type.type()) {
            case INTEGER, BIGINT, DATE -> true;
            case DECIMAL -> type.precision() <= 18;
            default -> false;
        };
        if (!longs) {
            return null;
        }
        List<long[]> ranges = new ArrayList<>();
        if (kind == SqlKind.SEARCH) {
            Sarg<?> sarg = literal.getValueAs(Sarg.class);
            if (sarg == null || sarg.nullAs == RexUnknownAs.TRUE) {
                return null;
            }
            for (Object o : sarg.rangeSet.asRanges()) {
                Range<?> r = (Range<?>) o;
                BigDecimal lo = r.hasLowerBound() ? units(r.lowerEndpoint(), type) : null;
                BigDecimal hi = r.hasUpperBound() ? units(r.upperEndpoint(), type) : null;
                if ((r.hasLowerBound() && lo == null) || (r.hasUpperBound() && hi == null)) {
                    return null;
                }
                add(ranges, lo, r.hasLowerBound() && r.lowerBoundType() == BoundType.CLOSED,
                        hi, r.hasUpperBound() && r.upperBoundType() == BoundType.CLOSED);
            }
        } else {
            BigDecimal v = units(literal.getValueAs(Comparable.class), type);
            if (v == null) {
                return null;
            }
            switch (kind) {
                case EQUALS -> add(ranges, v, true, v, true);
                case LESS_THAN -> add(ranges, null, false, v, false);
                case LESS_THAN_OR_EQUAL -> add(ranges, null, false, v, true);
                case GREATER_THAN -> add(ranges, v, false, null, false);
                case GREATER_THAN_OR_EQUAL -> add(ranges, v, true, null, false);
                default -> {
                    return null;
                }
            }
        }
        return new Leaf(ref.getIndex(), type, ranges.stream().mapToLong(r -> r[0]).toArray(),
                ranges.stream().mapToLong(r -> r[1]).toArray());
    }

    /** A bound in the column's long units (a DECIMAL's unscaled value, a DATE's day), or null if not numeric. */
    private static BigDecimal units(Object value, ColumnType type) {
        BigDecimal d;
        if (value instanceof BigDecimal b) {
            d = b;
        } else if (value instanceof Integer || value instanceof Long) {
            d = BigDecimal.valueOf(((Number) value).longValue());
        } else if (value instanceof DateString s && type.type() == VeilType.DATE) {
            d = BigDecimal.valueOf(s.getDaysSinceEpoch());
        } else {
            return null;
        }
        return type.type() == VeilType.DECIMAL ? d.movePointRight(type.scale()) : d;
    }

    private static void add(List<long[]> ranges, BigDecimal lo, boolean loClosed, BigDecimal hi, boolean hiClosed) {
        long low = lo == null ? Long.MIN_VALUE : clamp(loClosed ? lo.setScale(0, RoundingMode.CEILING)
                : lo.setScale(0, RoundingMode.FLOOR).add(BigDecimal.ONE));
        long high = hi == null ? Long.MAX_VALUE : clamp(hiClosed ? hi.setScale(0, RoundingMode.FLOOR)
                : hi.setScale(0, RoundingMode.CEILING).subtract(BigDecimal.ONE));
        if (low <= high) {
            ranges.add(new long[] {low, high});
        }
    }

    private static long clamp(BigDecimal d) {
        if (d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) >= 0) {
            return Long.MAX_VALUE;
        }
        if (d.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) <= 0) {
            return Long.MIN_VALUE;
        }
        return d.longValueExact();
    }

    /** Keeps the rows {@code sel[0..n)} that pass, in order, at the front of {@code sel}; returns how many. */
    int apply(FieldVector[] vectors, int[] sel, int n) {
        for (Leaf leaf : leaves) {
            n = apply(leaf, vectors[leaf.column()], sel, n);
            if (n == 0) {
                return 0;
            }
        }
        return n;
    }

    private static int apply(Leaf leaf, FieldVector v, int[] sel, int n) {
        boolean nullable = v.getNullCount() > 0;
        long address = v.getDataBuffer().memoryAddress();
        long[] lows = leaf.lows();
        long[] highs = leaf.highs();
        int width = switch (leaf.type().type()) {
            case INTEGER, DATE -> 4;
            case DECIMAL -> DecimalVector.TYPE_WIDTH;
            default -> 8;
        };
        long low = lows.length == 0 ? 0 : lows[0];
        long high = highs.length == 0 ? 0 : highs[0];
        int m = 0;
        for (int j = 0; j < n; j++) {
            int row = sel[j];
            if (nullable && v.isNull(row)) {
                continue;
            }
            // Unchecked reads: every row in sel is below the batch's row count, which the buffer holds.
            long x = width == 4 ? MemoryUtil.getInt(address + (long) row * 4)
                    : MemoryUtil.getLong(address + (long) row * width);
            if (lows.length == 1) {
                if (x >= low && x <= high) {
                    sel[m++] = row;
                }
                continue;
            }
            for (int i = 0; i < lows.length; i++) {
                if (x >= lows[i] && x <= highs[i]) {
                    sel[m++] = row;
                    break;
                }
            }
        }
        return m;
    }
}
