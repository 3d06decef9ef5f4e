package dev.veil.exec.join;

import static java.util.Objects.requireNonNull;

import dev.veil.control.StatementControl;
import dev.veil.control.StatementMemory;
import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.exec.runtime.RowSizes;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * The work of {@link EnumerableLongHashJoin}: reads all rows of the build (right) input into a hash
 * table keyed by one or two integer-like columns held as primitive {@code long}s (open addressing,
 * linear probing, at most half full; rows with equal keys chained in their input order), then
 * streams the probe (left) input past it. A NULL key matches nothing. Output rows come in probe
 * order and, per probe row, in build order, as from Calcite's hash join.
 *
 * <p>The table and the build rows are accounted to the statement's memory as they grow (so a build
 * side beyond the limit fails with MEMORY_LIMIT_EXCEEDED rather than exhausting the heap) and given
 * back when the join is closed; the build loop reads the statement's cancel flag.
 */
public final class LongHashJoin {
    /** Bytes accounted at once: smaller reports cost locking, larger ones let more slip past the limit. */
    private static final long REPORT_BYTES = 64 * 1024;

    private LongHashJoin() {}

    /**
     * The join of {@code probe} and {@code build} (rows as arrays) on {@code probe[probeKeys[i]] =
     * build[buildKeys[i]]} for every i, and {@code remainder} (null for none) on the key matches.
     * {@code type} is INNER, LEFT, SEMI or ANTI; INNER and LEFT rows are a probe row followed by a
     * build row of {@code buildFields} fields (NULLs for a LEFT row without a match), SEMI and ANTI
     * rows are probe rows. Called from generated code.
     */
    public static Enumerable<Object[]> join(
            DataContext root,
            Enumerable<Object[]> probe,
            Enumerable<Object[]> build,
            int[] probeKeys,
            int[] buildKeys,
            String type,
            int buildFields,
            @Nullable Predicate2<Object[], Object[]> remainder) {
        int[] scales = new int[probeKeys.length];
        Arrays.fill(scales, -1);
        return join(root, probe, build, probeKeys, buildKeys, scales, type, buildFields, remainder);
    }

    /**
     * Like {@link #join(DataContext, Enumerable, Enumerable, int[], int[], String, int, Predicate2)},
     * with key {@code i} encoded at {@code scales[i]} ({@link JoinKeys}: -1 for an integer key, else the
     * decimal scale common to both sides). Called from generated code.
     */
    public static Enumerable<Object[]> join(
            DataContext root,
            Enumerable<Object[]> probe,
            Enumerable<Object[]> build,
            int[] probeKeys,
            int[] buildKeys,
            int[] scales,
            String type,
            int buildFields,
            @Nullable Predicate2<Object[], Object[]> remainder) {
        requireNonNull(probe, "probe is null");
        requireNonNull(build, "build is null");
        JoinRelType joinType = JoinRelType.valueOf(type);
        if (!supports(joinType)) {
            throw new IllegalArgumentException("unsupported join type " + type);
        }
        if (probeKeys.length != buildKeys.length || probeKeys.length < 1 || probeKeys.length > 2) {
            throw new IllegalArgumentException(
                    "one or two keys on each side, not " + probeKeys.length + " and " + buildKeys.length);
        }
        if (scales.length != probeKeys.length) {
            throw new IllegalArgumentException("one scale per key, not " + scales.length);
        }
        int[] pk = probeKeys.clone();
        int[] bk = buildKeys.clone();
        JoinKeys keys = JoinKeys.of(scales);
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object[]> enumerator() {
                StatementMemory.Account account = ExecutionContext.memory(root).account("a hash join");
                AtomicBoolean cancelFlag = ExecutionContext.cancelFlag(root);
                return new Joiner(probe, build, pk, bk, keys, joinType, buildFields, remainder, account, cancelFlag);
            }
        };
    }

    /** Whether {@link #join} implements joins of type {@code type}. */
    static boolean supports(JoinRelType type) {
        return type == JoinRelType.INNER
                || type == JoinRelType.LEFT
                || type == JoinRelType.SEMI
                || type == JoinRelType.ANTI;
    }

    /** A well-mixed hash of one or two keys. */
    static int hash(long k1, long k2) {
        long h = k1 * 0x9E3779B97F4A7C15L + k2;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 31) ^ (h >>> 47));
    }

    /**
     * The build side: a table of distinct keys (one or two longs per slot), each with the first
     * and last build row holding it; rows chained in input order through {@link #next}. A slot's
     * keys and rows lie side by side in one array, so that a probe usually costs one cache miss.
     */
    static final class Table {
        private final boolean twoKeys;
        /** Longs per slot: the keys, then the rows ({@link #rows(int, int)}). */
        private final int stride;
        /**
         * Per slot, its key or keys, then 1 + the index of the key's first row in the high 32 bits
         * and the index of its last row in the low 32 bits; 0 there for an empty slot.
         */
        private long[] slots;

        private int mask;

        private int distinct;
        private Object[][] rows = new Object[64][];
        /** Per row, 1 + the index of the next row with the same key; 0 for the last. */
        private int[] next = new int[64];

        private int rowCount;
        private int keyed;

        Table(boolean twoKeys) {
            this.twoKeys = twoKeys;
            this.stride = twoKeys ? 3 : 2;
            allocate(64);
        }

        private void allocate(int slotCount) {
            if ((long) slotCount * stride > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("a hash table of a join holds at most " + distinct + " keys");
            }
            slots = new long[slotCount * stride];
            mask = slotCount - 1;
        }

        private static long rows(int head, int tail) {
            return ((long) head << 32) | (tail & 0xFFFFFFFFL);
        }

        /** The bytes of the table's arrays (not of the rows they hold). */
        long bytes() {
            return 8L * slots.length + 12L * rows.length;
        }

        int rowCount() {
            return rowCount;
        }

        int distinct() {
            return distinct;
        }

        /** The rows with a key (no NULL in it). */
        int keyed() {
            return keyed;
        }

        /** Adds a row with keys {@code (k1, k2)} ({@code k2} 0 for one key), chained after its key's rows. */
        void add(long k1, long k2, Object[] row) {
            int r = store(row);
            keyed++;
            long[] s = slots;
            int last = stride - 1;
            int i = hash(k1, k2) & mask;
            while (true) {
                int at = i * stride;
                long meta = s[at + last];
                if (meta == 0) {
                    s[at] = k1;
                    if (twoKeys) {
                        s[at + 1] = k2;
                    }
                    s[at + last] = rows(r + 1, r);
                    if (++distinct * 2 > mask + 1) {
                        grow();
                    }
                    return;
                }
                if (s[at] == k1 && (!twoKeys || s[at + 1] == k2)) {
                    next[(int) meta] = r + 1;
                    s[at + last] = rows((int) (meta >>> 32), r);
                    return;
                }
                i = (i + 1) & mask;
            }
        }

        /**
         * Adds a row that has a NULL key: kept in input order with the others (a mark join's left side
         * emits it), matched by no probe.
         */
        void addUnkeyed(Object[] row) {
            store(row);
        }

        private int store(Object[] row) {
            if (rowCount == rows.length) {
                if (rowCount == Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("a hash table of a join holds at most " + rowCount + " rows");
                }
                int size = (int) Math.min(Integer.MAX_VALUE - 8L, rows.length * 2L);
                rows = Arrays.copyOf(rows, size);
                next = Arrays.copyOf(next, size);
            }
            int r = rowCount++;
            rows[r] = row;
            return r;
        }

        private void grow() {
            long[] old = slots;
            int oldCount = mask + 1;
            allocate(oldCount * 2);
            int last = stride - 1;
            for (int o = 0; o < oldCount; o++) {
                int from = o * stride;
                if (old[from + last] != 0) {
                    long k2 = twoKeys ? old[from + 1] : 0;
                    int i = hash(old[from], k2) & mask;
                    while (slots[i * stride + last] != 0) {
                        i = (i + 1) & mask;
                    }
                    System.arraycopy(old, from, slots, i * stride, stride);
                }
            }
        }

        /** 1 + the index of the first row with keys {@code (k1, k2)}, or 0 if there is none. */
        int first(long k1, long k2) {
            long[] s = slots;
            int last = stride - 1;
            int i = hash(k1, k2) & mask;
            while (true) {
                int at = i * stride;
                long meta = s[at + last];
                if (meta == 0) {
                    return 0;
                }
                if (s[at] == k1 && (!twoKeys || s[at + 1] == k2)) {
                    return (int) (meta >>> 32);
                }
                i = (i + 1) & mask;
            }
        }

        /** 1 + the index of the row after row {@code r} with the same key, or 0. */
        int next(int r) {
            return next[r];
        }

        Object[] row(int r) {
            return rows[r];
        }
    }

    /** Builds the table on the first {@link #moveNext}, then probes. */
    private static final class Joiner implements Enumerator<Object[]> {
        private final Enumerable<Object[]> probeInput;
        private final Enumerable<Object[]> buildInput;
        private final int[] probeKeys;
        private final int[] buildKeys;
        private final JoinKeys keys;
        private final JoinRelType type;
        private final int buildFields;
        private final @Nullable Predicate2<Object[], Object[]> remainder;
        private final StatementMemory.Account account;
        private final AtomicBoolean cancelFlag;

        private @Nullable Table table;
        /**
         * Build rows with a key value the encoding cannot hold (more fraction digits than the common
         * scale, or beyond a long), by their keys as numbers ({@link JoinKeys#numbers}), each list in
         * input order: only a probe row whose key cannot be encoded either can equal them (whether a
         * number encodes depends on the number alone), and it looks its keys up here, so such rows
         * cost a hash lookup each, as the others do, however many there are.
         */
        private final Map<List<BigDecimal>, List<Object[]>> unencoded = new HashMap<>();
        /** The build rows {@link #probeRow} is matched against when its keys did not encode, else null. */
        private @Nullable List<Object[]> unencodedMatches;

        private @Nullable Enumerator<Object[]> probe;
        private Object @Nullable [] probeRow;
        /** 1 + the next build row to try for {@link #probeRow}, or 0 when it has no more candidates. */
        private int candidate;

        private boolean matched;
        private Object @Nullable [] current;
        private boolean done;

        Joiner(
                Enumerable<Object[]> probeInput,
                Enumerable<Object[]> buildInput,
                int[] probeKeys,
                int[] buildKeys,
                JoinKeys keys,
                JoinRelType type,
                int buildFields,
                @Nullable Predicate2<Object[], Object[]> remainder,
                StatementMemory.Account account,
                AtomicBoolean cancelFlag) {
            this.probeInput = probeInput;
            this.buildInput = buildInput;
            this.probeKeys = probeKeys;
            this.buildKeys = buildKeys;
            this.keys = keys;
            this.type = type;
            this.buildFields = buildFields;
            this.remainder = remainder;
            this.account = account;
            this.cancelFlag = cancelFlag;
        }

        private void build() {
            Table t = new Table(buildKeys.length == 2);
            long rowBytes = 0;
            long reported = 0;
            int k1 = buildKeys[0];
            int k2 = buildKeys.length == 2 ? buildKeys[1] : -1;
            try (Enumerator<Object[]> in = buildInput.enumerator()) {
                while (in.moveNext()) {
                    Object[] row = in.current();
                    Object v1 = row[k1];
                    Object v2 = k2 < 0 ? ZERO : row[k2];
                    if (v1 == null || v2 == null) {
                        continue; // a NULL key matches no probe row, and no build row is output unmatched
                    }
                    long e1;
                    long e2;
                    try {
                        e1 = keys.encode(0, v1);
                        e2 = k2 < 0 ? 0 : keys.encode(1, v2);
                    } catch (ArithmeticException e) {
                        unencoded
                                .computeIfAbsent(JoinKeys.numbers(row, buildKeys), k -> new ArrayList<>())
                                .add(row);
                        rowBytes += RowSizes.row(row);
                        continue;
                    }
                    t.add(e1, e2, row);
                    rowBytes += RowSizes.row(row);
                    if (rowBytes + t.bytes() - reported >= REPORT_BYTES) {
                        StatementControl.check(cancelFlag);
                        reported = rowBytes + t.bytes();
                        account.holdAtLeast(reported);
                    }
                }
            }
            account.holdAtLeast(rowBytes + t.bytes());
            table = t;
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
                // Only now: the probe side's scans may filter on the key sets the build published.
                probe = probeInput.enumerator();
            }
            Table t = table;
            Enumerator<Object[]> p = probe;
            while (true) {
                if (probeRow != null) {
                    Object[] out = advance(t, probeRow);
                    if (out != null) {
                        current = out;
                        return true;
                    }
                    probeRow = null;
                }
                if (!p.moveNext()) {
                    current = null;
                    done = true;
                    return false;
                }
                Object[] row = p.current();
                Object v1 = row[probeKeys[0]];
                Object v2 = probeKeys.length == 2 ? row[probeKeys[1]] : ZERO;
                unencodedMatches = null;
                if (v1 == null || v2 == null) {
                    candidate = 0;
                } else {
                    try {
                        candidate = t.first(keys.encode(0, v1), probeKeys.length == 2 ? keys.encode(1, v2) : 0);
                    } catch (ArithmeticException e) {
                        unencodedMatches = unencoded.get(JoinKeys.numbers(row, probeKeys));
                        candidate = unencodedMatches == null ? 0 : 1;
                    }
                }
                matched = false;
                probeRow = row;
            }
        }

        /** The next output row for probe row {@code row}, or null when it has no more. */
        private Object @Nullable [] advance(Table t, Object[] row) {
            while (candidate != 0) {
                int r = candidate - 1;
                Object[] buildRow;
                List<Object[]> matches = unencodedMatches;
                if (matches != null) {
                    buildRow = matches.get(r);
                    candidate = r + 1 < matches.size() ? r + 2 : 0;
                } else {
                    candidate = t.next(r);
                    buildRow = t.row(r);
                }
                if (remainder != null && !remainder.apply(row, buildRow)) {
                    continue;
                }
                switch (type) {
                    case SEMI:
                        candidate = 0;
                        matched = true;
                        return row;
                    case ANTI:
                        candidate = 0;
                        matched = true;
                        return null;
                    default:
                        matched = true;
                        return concat(row, buildRow);
                }
            }
            if (!matched) {
                matched = true; // emits the row once
                if (type == JoinRelType.ANTI) {
                    return row;
                }
                if (type == JoinRelType.LEFT) {
                    return concat(row, null);
                }
            }
            return null;
        }

        private Object[] concat(Object[] left, Object @Nullable [] right) {
            Object[] out = new Object[left.length + buildFields];
            System.arraycopy(left, 0, out, 0, left.length);
            if (right != null) {
                System.arraycopy(right, 0, out, left.length, buildFields);
            }
            return out;
        }

        @Override
        public void reset() {
            throw new UnsupportedOperationException("a hash join does not reset");
        }

        @Override
        public void close() {
            table = null;
            unencoded.clear();
            unencodedMatches = null;
            probeRow = null;
            current = null;
            done = true;
            if (probe != null) {
                Enumerator<Object[]> p = probe;
                probe = null;
                p.close();
            }
            account.releaseAll();
        }
    }

    /** Stands for the second key of a one-key join: never null, key 0. */
    private static final Object ZERO = 0L;
}
