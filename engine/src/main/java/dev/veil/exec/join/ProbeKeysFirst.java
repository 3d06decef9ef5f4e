package dev.veil.exec.join;

import static java.util.Objects.requireNonNull;

import dev.veil.control.StatementControl;
import dev.veil.control.StatementMemory;
import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.exec.runtime.ExecutionState;
import dev.veil.exec.runtime.RowSizes;
import dev.veil.exec.scan.DynamicFilters;
import dev.veil.exec.scan.KeySet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.function.Function1;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The work of {@link ProbeBuffer} and {@link BuildAfterProbe}: a hash join whose build side is a
 * whole table reads its probe side first, when it is small, keeping its rows and collecting their
 * keys; it publishes the keys as dynamic filters on the build side's scan, which then skips the
 * table's rows that no probe row could match (TPC-H Q10: of the 150,000 customers, only those with
 * an order in the quarter are read, their names and addresses among them), and then gives the
 * kept probe rows to the join in their order.
 *
 * <p>The probe side is read when the join opens its build side ({@link #build}), which the hash join
 * does before it opens its probe side ({@link #probe}). At most {@code cap} probe rows are kept: a
 * probe side with more is closed, no filter is published (and any from an earlier enumeration
 * withdrawn) and the probe side runs again from the start when the join opens it, as without this
 * operator. The kept rows are accounted to the statement's memory and released once the join has
 * read them; the reading loop checks the statement's cancel flag. The join computes the same rows in
 * the same order: a skipped build row has a key no probe row has, so it would have matched none.
 */
public final class ProbeKeysFirst {
    /** Bytes accounted at once: smaller reports cost locking, larger ones let more slip past the limit. */
    private static final long REPORT_BYTES = 64 * 1024;

    private ProbeKeysFirst() {}

    /** The probe sides of one execution's joins, by link number. */
    static final class Probes implements ExecutionState {
        private final Map<Integer, Probe> probes = new HashMap<>();

        synchronized void register(int link, Probe probe) {
            probes.put(link, probe);
        }

        synchronized @Nullable Probe get(int link) {
            return probes.get(link);
        }
    }

    private static Probes probes(DataContext root) {
        return root instanceof ExecutionContext e ? e.state(Probes.class, Probes::new) : new Probes();
    }

    /**
     * The probe input {@code input} of join {@code link}, whose rows' keys ({@code keys[i]} of a
     * row) are published as filter {@code ids[i]} when the join's build side opens, if there are
     * at most {@code cap} rows. Called from generated code.
     */
    public static Enumerable<Object> probe(
            DataContext root,
            Enumerable<Object> input,
            int link,
            int[] ids,
            Function1<Object, Object>[] keys,
            long cap) {
        requireNonNull(input, "input is null");
        if (ids.length != keys.length || ids.length == 0) {
            throw new IllegalArgumentException(ids.length + " filters but " + keys.length + " keys");
        }
        if (cap < 0) {
            throw new IllegalArgumentException("cap is negative: " + cap);
        }
        Probe probe = new Probe(root, input, ids.clone(), keys.clone(), cap);
        probes(root).register(link, probe);
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object> enumerator() {
                return probe.enumerator();
            }
        };
    }

    /**
     * The build input {@code input} of join {@code link}: opening it first reads the join's probe
     * side ({@link #probe}) and publishes its keys. Called from generated code.
     */
    public static Enumerable<Object> build(DataContext root, Enumerable<Object> input, int link) {
        requireNonNull(input, "input is null");
        Probes probes = probes(root);
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object> enumerator() {
                Probe probe = probes.get(link);
                if (probe != null) {
                    probe.fill();
                }
                return input.enumerator();
            }
        };
    }

    /** One join's probe side and the rows kept of it. */
    static final class Probe {
        private final DataContext root;
        private final Enumerable<Object> input;
        private final int[] ids;
        private final Function1<Object, Object>[] keys;
        private final long cap;
        /** The rows read by the last {@link #fill}, until the join reads them; null when there are none. */
        private @Nullable List<Object> kept;

        private @Nullable StatementMemory.Account account;

        Probe(DataContext root, Enumerable<Object> input, int[] ids, Function1<Object, Object>[] keys, long cap) {
            this.root = root;
            this.input = input;
            this.ids = ids;
            this.keys = keys;
            this.cap = cap;
        }

        /** Reads the probe side, keeping its rows and publishing their keys, unless it has more than {@link #cap}. */
        void fill() {
            release();
            for (int id : ids) {
                DynamicFilters.publish(root, id, null);
            }
            KeySet.Builder[] builders = new KeySet.Builder[ids.length];
            for (int i = 0; i < ids.length; i++) {
                builders[i] = new KeySet.Builder();
            }
            StatementMemory.Account a = ExecutionContext.memory(root).account("a hash join's probe rows");
            account = a;
            AtomicBoolean cancelFlag = ExecutionContext.cancelFlag(root);
            List<Object> rows = new ArrayList<>();
            long bytes = 0;
            long reported = 0;
            try (Enumerator<Object> in = input.enumerator()) {
                while (in.moveNext()) {
                    if (rows.size() >= cap) {
                        release();
                        return; // too many: the join reads the probe side afresh, unfiltered
                    }
                    Object row = in.current();
                    rows.add(row);
                    for (int i = 0; i < builders.length; i++) {
                        KeySet.Builder b = builders[i];
                        if (b != null) {
                            builders[i] = add(b, keys[i].apply(row));
                        }
                    }
                    bytes += RowSizes.row(row) + 8;
                    if (bytes - reported >= REPORT_BYTES) {
                        StatementControl.check(cancelFlag);
                        reported = bytes;
                        a.holdAtLeast(bytes);
                    }
                }
            } catch (RuntimeException | Error e) {
                release();
                throw e;
            }
            a.holdAtLeast(bytes);
            kept = rows;
            for (int i = 0; i < ids.length; i++) {
                DynamicFilters.publish(root, ids[i], builders[i] == null ? null : builders[i].build());
            }
        }

        /** {@code b} with {@code key} added; null when the key is not an integer (no filter then). */
        private static KeySet.@Nullable Builder add(KeySet.Builder b, @Nullable Object key) {
            if (key == null) {
                return b; // a NULL key matches nothing
            }
            if (key instanceof Long l) {
                b.add(l);
            } else if (key instanceof Integer n) {
                b.add(n);
            } else {
                return null;
            }
            return b;
        }

        private void release() {
            kept = null;
            StatementMemory.Account a = account;
            account = null;
            if (a != null) {
                a.releaseAll();
            }
        }

        /** The kept rows, once, if {@link #fill} kept them; else the probe input's. */
        Enumerator<Object> enumerator() {
            List<Object> rows = kept;
            if (rows == null) {
                return input.enumerator();
            }
            kept = null;
            return new Replay(rows);
        }

        /** The kept rows in their order; releases their memory when done or closed. */
        private final class Replay implements Enumerator<Object> {
            private final List<Object> rows;
            private int next;
            private @Nullable Object current;
            private boolean positioned;

            Replay(List<Object> rows) {
                this.rows = rows;
            }

            @Override
            public Object current() {
                if (!positioned) {
                    throw new NoSuchElementException();
                }
                return current;
            }

            @Override
            public boolean moveNext() {
                if (next < rows.size()) {
                    current = rows.get(next);
                    rows.set(next, null);
                    next++;
                    positioned = true;
                    return true;
                }
                positioned = false;
                current = null;
                release();
                return false;
            }

            @Override
            public void reset() {
                throw new UnsupportedOperationException("a join's kept probe rows do not reset");
            }

            @Override
            public void close() {
                positioned = false;
                current = null;
                next = rows.size();
                release();
            }
        }
    }
}
