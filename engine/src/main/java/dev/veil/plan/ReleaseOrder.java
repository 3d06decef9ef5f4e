package dev.veil.plan;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.SingleRel;

/**
 * The order in which rows leave a privacy boundary, as the privacy rewrite builds it on top of
 * every minimum-group-size boundary: its input's rows sorted by each field in turn ({@link #ROWS}),
 * so the order of the released groups depends only on the released rows themselves, never on the
 * order in which the data was stored or the aggregate met its groups. (The differentially private
 * aggregate sorts its own output the same way.) A user's ORDER BY above it still applies; a LIMIT
 * without ORDER BY keeps rows chosen by this order.
 *
 * <p>No optimizer rule knows this node, so none removes it or moves anything across it.
 */
public class ReleaseOrder extends SingleRel {
    /**
     * Rows compared field by field: NULL before any value, numbers by value, other values of one
     * class by their natural order, lists element by element; values no rule orders are compared
     * by their class name and text.
     */
    public static final Comparator<Object[]> ROWS = ReleaseOrder::compareRows;

    protected ReleaseOrder(RelOptCluster cluster, RelTraitSet traits, RelNode input) {
        super(cluster, traits, input);
    }

    /** A logical release order over {@code input}. */
    public static ReleaseOrder create(RelNode input) {
        RelOptCluster cluster = input.getCluster();
        return new ReleaseOrder(cluster, cluster.traitSetOf(Convention.NONE), input);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new ReleaseOrder(getCluster(), traitSet, sole(inputs));
    }

    private static int compareRows(Object[] a, Object[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            int c = compareValues(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    /** Two values compared as {@link #ROWS} compares the fields of rows. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int compareValues(Object a, Object b) {
        if (a == b) {
            return 0;
        }
        if (a == null) {
            return -1;
        }
        if (b == null) {
            return 1;
        }
        if (a.getClass() == b.getClass() && a instanceof Comparable comparable) {
            return comparable.compareTo(b);
        }
        if (a instanceof Number x && b instanceof Number y) {
            if (x instanceof Double || x instanceof Float || y instanceof Double || y instanceof Float) {
                int c = Double.compare(x.doubleValue(), y.doubleValue());
                return c != 0
                        ? c
                        : a.getClass().getName().compareTo(b.getClass().getName());
            }
            int c = new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString()));
            return c != 0 ? c : a.getClass().getName().compareTo(b.getClass().getName());
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            int n = Math.min(x.size(), y.size());
            for (int i = 0; i < n; i++) {
                int c = compareValues(x.get(i), y.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(x.size(), y.size());
        }
        if (a instanceof Object[] x && b instanceof Object[] y) {
            return compareRows(x, y);
        }
        int c = a.getClass().getName().compareTo(b.getClass().getName());
        return c != 0 ? c : String.valueOf(a).compareTo(String.valueOf(b));
    }
}
