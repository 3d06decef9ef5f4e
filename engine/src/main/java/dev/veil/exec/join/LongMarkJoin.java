package dev.veil.exec.join;

import static java.util.Objects.requireNonNull;

import dev.veil.control.StatementControl;
import dev.veil.control.StatementMemory;
import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.exec.runtime.RowSizes;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.function.Predicate2;
import org.apache.calcite.rel.core.JoinRelType;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The work of {@link EnumerableLongMarkJoin}: a SEMI, ANTI or LEFT join that hashes its preserved
 * (left) input and streams the other (right) input past it, marking the left rows a right row
 * matches. It is the better plan when the left input is the smaller one (TPC-H Q4: a quarter's
 * orders against all line items; Q13: customers LEFT JOIN orders), the reverse of {@link
 * LongHashJoin}, which hashes the right input. A LEFT join gives its matches as the right input
 * streams, then the unmatched left rows with NULLs.
 *
 * <p>Keys are one or two integer-like columns held as primitive {@code long}s; {@code =} only, so a
 * NULL key matches nothing: a left row with a NULL key is never in a SEMI join's output and always
 * in an ANTI join's (NOT EXISTS semantics; NOT IN never reaches this operator as a plain anti join
 * unless the planner proved its keys are not NULL). Once every left row is marked, a SEMI join
 * stops reading the right input. SEMI and ANTI rows are left rows in left input order; LEFT rows
 * come in right input order, then left order.
 *
 * <p>The left rows and the table are accounted to the statement's memory as they grow and given back
 * when the join is closed; both loops read the statement's cancel flag.
 */
public final class LongMarkJoin {
    /** Bytes accounted at once: smaller reports cost locking, larger ones let more slip past the limit. */
    private static final long REPORT_BYTES = 64 * 1024;
    /** Right rows read between two looks at the cancel flag. */
    private static final int CANCEL_INTERVAL = 1 << 16;

    private LongMarkJoin() {}

    /**
     * The left rows of {@code left} that some row of {@code right} matches (SEMI) or that none
     * matches (ANTI), or the LEFT join of the two (rows of {@code rightFields} right fields), on
     * {@code left[leftKeys[i]] = right[rightKeys[i]]} for every i and {@code remainder} (null for
     * none; NULL counts as false). Called from generated code.
     */
    public static Enumerable<Object[]> join(
            DataContext root,
            Enumerable<Object[]> left,
            Enumerable<Object[]> right,
            int[] leftKeys,
            int[] rightKeys,
            String type,
            int rightFields,
            @Nullable Predicate2<Object[], Object[]> remainder) {
        requireNonNull(left, "left is null");
        requireNonNull(right, "right is null");
        JoinRelType joinType = JoinRelType.valueOf(type);
        if (!supports(joinType)) {
            throw new IllegalArgumentException("a mark join is SEMI, ANTI or LEFT, not " + type);
        }
        if (leftKeys.length != rightKeys.length || leftKeys.length < 1 || leftKeys.length > 2) {
            throw new IllegalArgumentException(
                    "one or two keys on each side, not " + leftKeys.length + " and " + rightKeys.length);
        }
        int[] lk = leftKeys.clone();
        int[] rk = rightKeys.clone();
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object[]> enumerator() {
                StatementMemory.Account account = ExecutionContext.memory(root).account("a hash join");
                AtomicBoolean cancelFlag = ExecutionContext.cancelFlag(root);
                if (joinType == JoinRelType.LEFT) {
                    return new OuterMarker(left, right, lk, rk, rightFields, remainder, account, cancelFlag);
                }
                return new Marker(left, right, lk, rk, joinType == JoinRelType.SEMI, remainder, account, cancelFlag);
            }
        };
    }

    /** Whether {@link #join} implements joins of type {@code type}. */
    static boolean supports(JoinRelType type) {
        return type == JoinRelType.SEMI || type == JoinRelType.ANTI || type == JoinRelType.LEFT;
    }

    /**
     * Reads {@code input} into a table keyed by {@code keys}, accounting it to {@code account} as it
     * grows and looking at the cancel flag; returns the table (every left row in input order, those with a key chained
     * by key), whose {@link LongHashJoin.Table#keyed} says how many rows have a key.
     */
    private static LongHashJoin.Table read(
            Enumerable<Object[]> input, int[] keys, StatementMemory.Account account, AtomicBoolean cancelFlag) {
        boolean two = keys.length == 2;
        LongHashJoin.Table t = new LongHashJoin.Table(two);
        long rowBytes = 0;
        long reported = 0;
        try (Enumerator<Object[]> in = input.enumerator()) {
            while (in.moveNext()) {
                Object[] row = in.current();
                Object v1 = row[keys[0]];
                Object v2 = two ? row[keys[1]] : ZERO;
                boolean hasKey = v1 != null && v2 != null;
                if (hasKey) {
                    t.add(key(v1), two ? key(v2) : 0, row);
                } else {
                    t.addUnkeyed(row);
                }
                rowBytes += RowSizes.row(row);
                // The table's arrays, and the marks, a byte per row, made when the left side is read.
                if (rowBytes + t.bytes() + t.rowCount() - reported >= REPORT_BYTES) {
                    StatementControl.check(cancelFlag);
                    reported = rowBytes + t.bytes() + t.rowCount();
                    account.holdAtLeast(reported);
                }
            }
        }
        account.holdAtLeast(rowBytes + t.bytes() + t.rowCount());
        return t;
    }

    /** Reads the left input and then the right on the first {@link #moveNext}, then emits. */
    private static final class Marker implements Enumerator<Object[]> {
        private final Enumerable<Object[]> leftInput;
        private final Enumerable<Object[]> rightInput;
        private final int[] leftKeys;
        private final int[] rightKeys;
        private final boolean semi;
        private final @Nullable Predicate2<Object[], Object[]> remainder;
        private final StatementMemory.Account account;
        private final AtomicBoolean cancelFlag;

        private LongHashJoin.@Nullable Table table;
        private boolean[] marked = new boolean[0];
        /** The next left row to consider for output. */
        private int position;

        private Object @Nullable [] current;
        private boolean done;

        Marker(
                Enumerable<Object[]> leftInput,
                Enumerable<Object[]> rightInput,
                int[] leftKeys,
                int[] rightKeys,
                boolean semi,
                @Nullable Predicate2<Object[], Object[]> remainder,
                StatementMemory.Account account,
                AtomicBoolean cancelFlag) {
            this.leftInput = leftInput;
            this.rightInput = rightInput;
            this.leftKeys = leftKeys;
            this.rightKeys = rightKeys;
            this.semi = semi;
            this.remainder = remainder;
            this.account = account;
            this.cancelFlag = cancelFlag;
        }

        private void build() {
            LongHashJoin.Table t = read(leftInput, leftKeys, account, cancelFlag);
            table = t;
            marked = new boolean[t.rowCount()];
            if (t.keyed() > 0) {
                // Only now: the right side's scans may filter on the key sets the left side published.
                probe(t, t.keyed());
            }
        }

        /** Marks the left rows that right rows match; stops early once all {@code keyed} rows are. */
        private void probe(LongHashJoin.Table t, int keyed) {
            boolean two = rightKeys.length == 2;
            int open = keyed;
            int sinceCheck = 0;
            try (Enumerator<Object[]> in = rightInput.enumerator()) {
                while (open > 0 && in.moveNext()) {
                    if (++sinceCheck == CANCEL_INTERVAL) {
                        sinceCheck = 0;
                        StatementControl.check(cancelFlag);
                    }
                    Object[] row = in.current();
                    Object v1 = row[rightKeys[0]];
                    Object v2 = two ? row[rightKeys[1]] : ZERO;
                    if (v1 == null || v2 == null) {
                        continue;
                    }
                    int candidate = t.first(key(v1), two ? key(v2) : 0);
                    if (candidate == 0) {
                        continue;
                    }
                    if (remainder == null) {
                        // Without a remainder a key marks all its rows at once.
                        if (marked[candidate - 1]) {
                            continue;
                        }
                        for (int c = candidate; c != 0; c = t.next(c - 1)) {
                            marked[c - 1] = true;
                            open--;
                        }
                        continue;
                    }
                    for (int c = candidate; c != 0; c = t.next(c - 1)) {
                        int r = c - 1;
                        if (!marked[r] && remainder.apply(t.row(r), row)) {
                            marked[r] = true;
                            open--;
                        }
                    }
                }
            }
        }

        @Override
        public Object[] current() {
            if (current == null) {
                throw new NoSuchElementException();
            }
            return current;
        }

        @Override
        public boolean moveNext() {
            if (done) {
                return false;
            }
            if (table == null) {
                try {
                    build();
                } catch (RuntimeException | Error e) {
                    close();
                    throw e;
                }
            }
            LongHashJoin.Table t = table;
            while (position < t.rowCount()) {
                int r = position++;
                if (marked[r] == semi) {
                    current = t.row(r);
                    return true;
                }
            }
            current = null;
            done = true;
            return false;
        }

        @Override
        public void reset() {
            throw new UnsupportedOperationException("a mark join does not reset");
        }

        @Override
        public void close() {
            table = null;
            marked = new boolean[0];
            current = null;
            done = true;
            account.releaseAll();
        }
    }

    /**
     * A LEFT join: reads the left input into the table on the first {@link #moveNext}, then streams
     * the right input, giving each match as the left row followed by the right row (in right order,
     * and per right row in left order), and last the left rows nothing matched, followed by NULLs
     * (in left order).
     */
    private static final class OuterMarker implements Enumerator<Object[]> {
        private final Enumerable<Object[]> leftInput;
        private final Enumerable<Object[]> rightInput;
        private final int[] leftKeys;
        private final int[] rightKeys;
        private final int rightFields;
        private final @Nullable Predicate2<Object[], Object[]> remainder;
        private final StatementMemory.Account account;
        private final AtomicBoolean cancelFlag;

        private LongHashJoin.@Nullable Table table;
        private boolean[] marked = new boolean[0];
        private @Nullable Enumerator<Object[]> right;
        private Object @Nullable [] rightRow;
        /** 1 + the next left row to try for {@link #rightRow}, or 0 when it has no more candidates. */
        private int candidate;
        /** The next left row to consider for a NULL-extended row, once the right input is done. */
        private int position = -1;

        private int sinceCheck;
        private Object @Nullable [] current;
        private boolean done;

        OuterMarker(
                Enumerable<Object[]> leftInput,
                Enumerable<Object[]> rightInput,
                int[] leftKeys,
                int[] rightKeys,
                int rightFields,
                @Nullable Predicate2<Object[], Object[]> remainder,
                StatementMemory.Account account,
                AtomicBoolean cancelFlag) {
            this.leftInput = leftInput;
            this.rightInput = rightInput;
            this.leftKeys = leftKeys;
            this.rightKeys = rightKeys;
            this.rightFields = rightFields;
            this.remainder = remainder;
            this.account = account;
            this.cancelFlag = cancelFlag;
        }

        @Override
        public Object[] current() {
            if (current == null) {
                throw new NoSuchElementException();
            }
            return current;
        }

        @Override
        public boolean moveNext() {
            if (done) {
                return false;
            }
            try {
                if (table == null) {
                    LongHashJoin.Table t = read(leftInput, leftKeys, account, cancelFlag);
                    table = t;
                    marked = new boolean[t.rowCount()];
                    if (t.keyed() > 0) {
                        // Only now: the right side's scans may filter on the key sets the left side published.
                        right = rightInput.enumerator();
                    } else {
                        position = 0;
                    }
                }
                LongHashJoin.Table t = table;
                if (position < 0) {
                    Object[] out = nextMatch(t);
                    if (out != null) {
                        current = out;
                        return true;
                    }
                    position = 0;
                    closeRight();
                }
                while (position < t.rowCount()) {
                    int r = position++;
                    if (!marked[r]) {
                        current = concat(t.row(r), null);
                        return true;
                    }
                }
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
            current = null;
            done = true;
            return false;
        }

        /** The next match from the right input, or null when it is done. */
        private Object @Nullable [] nextMatch(LongHashJoin.Table t) {
            boolean two = rightKeys.length == 2;
            Enumerator<Object[]> in = right;
            while (true) {
                while (candidate != 0) {
                    int r = candidate - 1;
                    candidate = t.next(r);
                    Object[] leftRow = t.row(r);
                    if (remainder == null || remainder.apply(leftRow, rightRow)) {
                        marked[r] = true;
                        return concat(leftRow, rightRow);
                    }
                }
                if (!in.moveNext()) {
                    return null;
                }
                if (++sinceCheck == CANCEL_INTERVAL) {
                    sinceCheck = 0;
                    StatementControl.check(cancelFlag);
                }
                Object[] row = in.current();
                Object v1 = row[rightKeys[0]];
                Object v2 = two ? row[rightKeys[1]] : ZERO;
                rightRow = row;
                candidate = v1 == null || v2 == null ? 0 : t.first(key(v1), two ? key(v2) : 0);
            }
        }

        private Object[] concat(Object[] left, Object @Nullable [] rightValues) {
            Object[] out = new Object[left.length + rightFields];
            System.arraycopy(left, 0, out, 0, left.length);
            if (rightValues != null) {
                System.arraycopy(rightValues, 0, out, left.length, rightFields);
            }
            return out;
        }

        private void closeRight() {
            if (right != null) {
                Enumerator<Object[]> r = right;
                right = null;
                r.close();
            }
        }

        @Override
        public void reset() {
            throw new UnsupportedOperationException("a mark join does not reset");
        }

        @Override
        public void close() {
            table = null;
            marked = new boolean[0];
            rightRow = null;
            current = null;
            done = true;
            closeRight();
            account.releaseAll();
        }
    }

    /** The key of {@code value}, a non-null integer-like value (Integer, Long; a DATE is an Integer). */
    private static long key(Object value) {
        return ((Number) value).longValue();
    }

    /** Stands for the second key of a one-key join: never null, key 0. */
    private static final Object ZERO = 0L;
}
