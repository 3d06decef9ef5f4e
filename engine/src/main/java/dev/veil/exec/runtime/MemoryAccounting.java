package dev.veil.exec.runtime;

import dev.veil.control.StatementMemory;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableAggregate;
import org.apache.calcite.adapter.enumerable.EnumerableCollect;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableHashJoin;
import org.apache.calcite.adapter.enumerable.EnumerableInterpreter;
import org.apache.calcite.adapter.enumerable.EnumerableIntersect;
import org.apache.calcite.adapter.enumerable.EnumerableLimitSort;
import org.apache.calcite.adapter.enumerable.EnumerableMinus;
import org.apache.calcite.adapter.enumerable.EnumerableNestedLoopJoin;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableSort;
import org.apache.calcite.adapter.enumerable.EnumerableTableSpool;
import org.apache.calcite.adapter.enumerable.EnumerableUnion;
import org.apache.calcite.adapter.enumerable.EnumerableWindow;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;

/**
 * Accounts the memory of Calcite's blocking operators, which keep rows in Java collections Veil
 * cannot see into: {@link #instrument} puts an {@link EnumerableMemoryAccount} under each input that
 * such an operator keeps (all rows of a sort, a window, a set operation, a hash join's build side or
 * a right or full nested-loop join's inner side; the first offset + fetch rows of a top-N sort; one
 * entry per group of a hash aggregate), and the node reports the estimated bytes ({@link RowSizes})
 * while the rows flow. An operator's account holds the most it ever kept until the statement ends.
 * Veil's own operators (the vectorized and the DP aggregation) account their structures themselves.
 */
public final class MemoryAccounting {
    /** Rows reported at once: smaller reports cost locking, larger ones let more slip past the limit. */
    private static final long REPORT_BYTES = 64 * 1024;

    private int nextId;

    private MemoryAccounting() {}

    /** {@code plan} with accounting nodes under the inputs its blocking operators keep. */
    public static EnumerableRel instrument(EnumerableRel plan) {
        return (EnumerableRel) new MemoryAccounting().visit(plan);
    }

    private RelNode visit(RelNode node) {
        // A subtree that Calcite's interpreter runs knows no Veil operator: it is left as it is.
        if (node instanceof EnumerableInterpreter || node.getConvention() != EnumerableConvention.INSTANCE) {
            return node;
        }
        List<RelNode> inputs = node.getInputs();
        List<RelNode> newInputs = new ArrayList<>(inputs.size());
        boolean changed = false;
        for (int i = 0; i < inputs.size(); i++) {
            RelNode input = inputs.get(i);
            RelNode visited = visit(input);
            RelNode accounted = account(node, i, visited);
            changed |= accounted != input;
            newInputs.add(accounted);
        }
        return changed ? node.copy(node.getTraitSet(), newInputs) : node;
    }

    /** {@code input} (input {@code i} of {@code node}) under an accounting node if {@code node} keeps its rows. */
    private RelNode account(RelNode node, int i, RelNode input) {
        if (node instanceof EnumerableLimitSort sort) {
            return rows(input, "a top-N sort", cap(sort.offset, sort.fetch));
        }
        if (node instanceof EnumerableSort) {
            return rows(input, "a sort", Long.MAX_VALUE);
        }
        if (node instanceof EnumerableAggregate aggregate) {
            boolean keepsRows = aggregate.getAggCallList().stream().anyMatch(MemoryAccounting::keepsValues);
            if (keepsRows) {
                return rows(input, "an aggregation", Long.MAX_VALUE);
            }
            int[] keys = aggregate.getGroupSet().toArray();
            if (keys.length == 0) {
                return input; // one group
            }
            long perGroup = RowSizes.ENTRY_OVERHEAD
                    + 24
                    + RowSizes.ACCUMULATOR * aggregate.getAggCallList().size()
                    + 8L * keys.length;
            return new EnumerableMemoryAccount(input, nextId++, "a hash aggregation", keys, perGroup, Long.MAX_VALUE);
        }
        if (node instanceof EnumerableHashJoin && i == 1) {
            return rows(input, "a hash join", Long.MAX_VALUE);
        }
        if (node instanceof EnumerableNestedLoopJoin join
                && i == 1
                && join.getJoinType().generatesNullsOnLeft()) {
            return rows(input, "a nested-loop join", Long.MAX_VALUE);
        }
        if (node instanceof EnumerableUnion union && !union.all) {
            return rows(input, "a UNION", Long.MAX_VALUE);
        }
        if (node instanceof EnumerableIntersect || node instanceof EnumerableMinus) {
            return rows(input, "an INTERSECT or EXCEPT", Long.MAX_VALUE);
        }
        if (node instanceof EnumerableWindow) {
            return rows(input, "a window function", Long.MAX_VALUE);
        }
        if (node instanceof EnumerableCollect || node instanceof EnumerableTableSpool) {
            return rows(input, "a collection of rows", Long.MAX_VALUE);
        }
        return input;
    }

    private RelNode rows(RelNode input, String what, long cap) {
        return new EnumerableMemoryAccount(input, nextId++, what, null, RowSizes.ENTRY_OVERHEAD, cap);
    }

    /** Whether an aggregate call keeps (some of) its input values: DISTINCT, collections, ordered sets. */
    private static boolean keepsValues(AggregateCall call) {
        if (call.isDistinct() || !call.collation.getFieldCollations().isEmpty()) {
            return true;
        }
        SqlKind kind = call.getAggregation().getKind();
        return switch (kind) {
            case COUNT,
                    SUM,
                    SUM0,
                    MIN,
                    MAX,
                    AVG,
                    ANY_VALUE,
                    SINGLE_VALUE,
                    BIT_AND,
                    BIT_OR,
                    BIT_XOR,
                    STDDEV_POP,
                    STDDEV_SAMP,
                    VAR_POP,
                    VAR_SAMP,
                    GROUPING,
                    GROUP_ID,
                    LITERAL_AGG,
                    ARG_MIN,
                    ARG_MAX,
                    COVAR_POP,
                    COVAR_SAMP,
                    REGR_COUNT,
                    REGR_SXX,
                    REGR_SYY -> false;
            default -> true;
        };
    }

    private static long cap(RexNode offset, RexNode fetch) {
        long o = offset == null ? 0 : literal(offset);
        long f = fetch == null ? Long.MAX_VALUE : literal(fetch);
        return o == Long.MAX_VALUE || f == Long.MAX_VALUE ? Long.MAX_VALUE : o + f;
    }

    private static long literal(RexNode node) {
        if (node instanceof RexLiteral literal) {
            Long value = literal.getValueAs(Long.class);
            if (value != null && value >= 0 && value < Long.MAX_VALUE / 2) {
                return value;
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * The rows of {@code input}, each (up to {@code cap} of one enumeration) accounted as kept;
     * called from generated code.
     */
    public static Enumerable<Object[]> rows(
            DataContext root, Enumerable<Object[]> input, int id, String what, long extraPerRow, long cap) {
        StatementMemory.Account account = ExecutionContext.memory(root).account(id, what);
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object[]> enumerator() {
                return new Counting(input.enumerator(), account) {
                    private long rows;

                    @Override
                    long bytes(Object[] row) {
                        return rows++ < cap ? RowSizes.row(row) + extraPerRow : 0;
                    }
                };
            }
        };
    }

    /**
     * The rows of {@code input}, with one entry of {@code extraPerGroup} bytes plus the key values
     * accounted per distinct value of the {@code keys} fields; called from generated code.
     */
    public static Enumerable<Object[]> groups(
            DataContext root, Enumerable<Object[]> input, int id, String what, int[] keys, long extraPerGroup) {
        StatementMemory.Account account = ExecutionContext.memory(root).account(id, what);
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object[]> enumerator() {
                return new Counting(input.enumerator(), account) {
                    private LongSet seen = new LongSet();

                    @Override
                    long bytes(Object[] row) {
                        if (seen == null) {
                            return 0;
                        }
                        long h = 0x9E3779B97F4A7C15L;
                        for (int k : keys) {
                            Object v = row[k];
                            h = (h ^ (v == null ? 0x5bd1e995 : v.hashCode())) * 0xff51afd7ed558ccdL;
                            h ^= h >>> 29;
                        }
                        if (!seen.add(h)) {
                            return 0;
                        }
                        long bytes = extraPerGroup;
                        for (int k : keys) {
                            bytes += RowSizes.value(row[k]);
                        }
                        return bytes;
                    }

                    @Override
                    void finished() {
                        seen = null;
                    }
                };
            }
        };
    }

    /** An enumerator that reports the bytes of its rows to an account, in steps of {@link #REPORT_BYTES}. */
    private abstract static class Counting implements Enumerator<Object[]> {
        private final Enumerator<Object[]> input;
        private final StatementMemory.Account account;
        private long total;
        private long reported;
        private Object[] current;
        private boolean closed;

        Counting(Enumerator<Object[]> input, StatementMemory.Account account) {
            this.input = input;
            this.account = account;
        }

        abstract long bytes(Object[] row);

        void finished() {}

        @Override
        public Object[] current() {
            // The row computed once: a projection below computes its values on each current().
            return current;
        }

        @Override
        public boolean moveNext() {
            try {
                if (!input.moveNext()) {
                    current = null;
                    account.holdAtLeast(total);
                    finished();
                    return false;
                }
                current = input.current();
                total += bytes(current);
                if (total - reported >= REPORT_BYTES) {
                    account.holdAtLeast(total);
                    reported = total;
                }
                return true;
            } catch (RuntimeException | Error e) {
                // Some of Calcite's operators read their input in a for-each loop that does not
                // close it on failure: close it here, so that the scans below free their buffers.
                current = null;
                close();
                throw e;
            }
        }

        @Override
        public void reset() {
            input.reset();
            current = null;
            total = 0;
            reported = 0;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                input.close();
            }
        }
    }

    /** A set of 64-bit hashes, open addressing; counts its own table in what it reports through the groups. */
    private static final class LongSet {
        private long[] slots = new long[1024];
        private boolean hasZero;
        private int size;

        boolean add(long h) {
            if (h == 0) {
                if (hasZero) {
                    return false;
                }
                hasZero = true;
                return true;
            }
            int mask = slots.length - 1;
            int i = (int) (h ^ (h >>> 32)) & mask;
            while (slots[i] != 0) {
                if (slots[i] == h) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            slots[i] = h;
            if (++size * 2 > slots.length) {
                grow();
            }
            return true;
        }

        private void grow() {
            long[] old = slots;
            slots = new long[old.length * 2];
            int mask = slots.length - 1;
            for (long h : old) {
                if (h != 0) {
                    int i = (int) (h ^ (h >>> 32)) & mask;
                    while (slots[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    slots[i] = h;
                }
            }
        }
    }
}
