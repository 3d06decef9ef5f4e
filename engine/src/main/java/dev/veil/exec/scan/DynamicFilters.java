package dev.veil.exec.scan;

import static java.util.Objects.requireNonNull;

import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.exec.runtime.ExecutionState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.vector.FieldVector;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.function.Function1;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The dynamic filters of one executing statement: the key sets that hash joins' build sides have
 * published, by filter number, for the scans on their probe sides (Trino's dynamic filtering).
 * A build side publishes its set only once it has passed on its last row, and withdraws it when
 * it starts again; a scan that finds no set for a filter reads every row, so an incomplete set
 * is never used.
 */
public final class DynamicFilters implements ExecutionState {
    /** Beyond this many distinct keys a build side publishes nothing: the set would cost more than it saves. */
    static final int MAX_KEYS = 1 << 21;

    /** For contexts that are not Veil's: never holds a set, so no scan filters. */
    private static final DynamicFilters NONE = new DynamicFilters(false);

    private final boolean enabled;
    private final Map<Integer, KeySet> published = new ConcurrentHashMap<>();

    DynamicFilters() {
        this(true);
    }

    private DynamicFilters(boolean enabled) {
        this.enabled = enabled;
    }

    /** The dynamic filters of the statement executing in {@code context}. */
    static DynamicFilters of(DataContext context) {
        return context instanceof ExecutionContext e ? e.state(DynamicFilters.class, DynamicFilters::new) : NONE;
    }

    /** The complete key set of filter {@code id}, or null while there is none. */
    @Nullable
    KeySet keys(int id) {
        return published.get(id);
    }

    private void publish(int id, KeySet keys) {
        if (enabled) {
            published.put(id, keys);
        }
    }

    void withdraw(int id) {
        published.remove(id);
    }

    /**
     * Publishes {@code keys} as the set of filter {@code id} of the statement executing in {@code
     * root}, for the scans that filter on it; null withdraws the set (the scans then read every
     * row). For the operators that collect key sets other than a build side's {@link #collect}.
     */
    public static void publish(DataContext root, int id, @Nullable KeySet keys) {
        DynamicFilters filters = of(root);
        if (keys == null || keys.size() > MAX_KEYS) {
            filters.withdraw(id);
        } else {
            filters.publish(id, keys);
        }
    }

    /**
     * The test of a batch's rows against those of {@code filters} whose key sets the statement
     * executing in {@code root} has published: a row passes when its value of each filter's column
     * (read through {@code lookup}) is in the filter's set; NULL is in no set. Null when no set is
     * published yet, so every row passes. Called once per batch, so a set published while a scan
     * runs takes effect from its next batch.
     */
    public static ScanPredicate.@Nullable RowTest test(
            DataContext root, List<ScanDynamicFilter> filters, ScanPredicate.VectorLookup lookup) {
        return filters.isEmpty() ? null : of(root).test(filters, lookup);
    }

    /**
     * The key sets of {@code filters} that the statement executing in {@code root} has published
     * now, fixed: a scan that tests every batch against them ({@link #test(List,
     * ScanPredicate.VectorLookup)}) applies each filter to all of its rows or (its set not yet
     * published, or withdrawn) to none, whatever the timing of the build sides. A differentially
     * private aggregate's input needs that: a filter taking effect from some batch on would make
     * which rows of other units it reads depend on how fast the scan ran, and so on the data.
     */
    public static DynamicFilters fixed(DataContext root, List<ScanDynamicFilter> filters) {
        DynamicFilters now = of(root);
        DynamicFilters fixed = new DynamicFilters(true);
        for (ScanDynamicFilter filter : filters) {
            KeySet keys = now.keys(filter.id());
            if (keys != null) {
                fixed.published.put(filter.id(), keys);
            }
        }
        return fixed;
    }

    /**
     * {@link #test(DataContext, List, ScanPredicate.VectorLookup)} with this statement's sets. The
     * tests run in order of their sets' density (keys per value of their range), the sparsest first:
     * a dense set (every supplier of TPC-H Q8) keeps nearly every row, and a sparse one (Q8's parts)
     * leaves it few rows to test. A test reads its column's values only for the rows it is given.
     */
    public ScanPredicate.@Nullable RowTest test(List<ScanDynamicFilter> filters, ScanPredicate.VectorLookup lookup) {
        List<KeyTest> tests = new ArrayList<>(filters.size());
        for (ScanDynamicFilter dynamic : filters) {
            KeySet keys = keys(dynamic.id());
            if (keys != null) {
                tests.add(new KeyTest(lookup.vector(dynamic.tableColumn()), lookup, dynamic.tableColumn(), keys));
            }
        }
        if (tests.isEmpty()) {
            return null;
        }
        tests.sort(Comparator.comparingDouble(t -> t.keys.density()));
        return tests.size() == 1 ? tests.get(0) : new AllTests(tests.toArray(KeyTest[]::new));
    }

    /**
     * Rows whose (integer) join key is in a dynamic filter's key set; NULL matches no key. The
     * batch's values of the column are decoded (once per batch, shared with the scan's other
     * predicates on it) when a filter is given many rows; a few rows, such as those that an earlier
     * test left, are read from the vector one by one.
     */
    private static final class KeyTest implements ScanPredicate.RowTest {
        /** Below one row in this many of the batch, the rows' values are read one by one. */
        private static final int SPARSE = 8;

        private final FieldVector vector;
        private final ScanPredicate.VectorLookup lookup;
        private final int column;
        private final KeySet keys;
        private long @Nullable [] values;

        KeyTest(FieldVector vector, ScanPredicate.VectorLookup lookup, int column, KeySet keys) {
            this.vector = vector;
            this.lookup = lookup;
            this.column = column;
            this.keys = keys;
        }

        private long[] values() {
            long[] v = values;
            if (v == null) {
                v = lookup.longs(column);
                values = v;
            }
            return v;
        }

        @Override
        public boolean test(int row) {
            return !vector.isNull(row) && keys.contains(LongColumns.value(vector, row));
        }

        @Override
        public int filter(int[] rows, int count) {
            if (Validity.hasNulls(vector) || (long) count * SPARSE < vector.getValueCount()) {
                return ScanPredicate.RowTest.super.filter(rows, count);
            }
            return keys.filter(values(), rows, count);
        }
    }

    /** Rows that pass every key test, the sparsest set's first. */
    private record AllTests(KeyTest[] tests) implements ScanPredicate.RowTest {
        @Override
        public boolean test(int row) {
            for (KeyTest t : tests) {
                if (!t.test(row)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int filter(int[] rows, int count) {
            int kept = count;
            for (KeyTest t : tests) {
                if (kept == 0) {
                    return 0;
                }
                kept = t.filter(rows, kept);
            }
            return kept;
        }
    }

    /**
     * Passes the rows of a hash join's build side through unchanged and, once the last has passed,
     * publishes for each filter {@code ids[i]} the set of non-null values of {@code keys[i]}.
     * Called from generated code.
     */
    public static Enumerable<Object> collect(
            DataContext root, Enumerable<Object> input, int[] ids, Function1<Object, Object>[] keys) {
        requireNonNull(input, "input is null");
        if (ids.length != keys.length) {
            throw new IllegalArgumentException(ids.length + " filters but " + keys.length + " keys");
        }
        DynamicFilters filters = of(root);
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object> enumerator() {
                return new Collector(filters, input.enumerator(), ids.clone(), keys.clone());
            }
        };
    }

    /** The build side's rows, with their keys collected on the way. */
    private static final class Collector implements Enumerator<Object> {
        private final DynamicFilters filters;
        private final Enumerator<Object> input;
        private final int[] ids;
        private final Function1<Object, Object>[] keys;
        /** One per filter; null once the filter is abandoned (too many keys, or keys that are not integers). */
        private final KeySet.Builder[] builders;

        private boolean finished;

        Collector(DynamicFilters filters, Enumerator<Object> input, int[] ids, Function1<Object, Object>[] keys) {
            this.filters = filters;
            this.input = input;
            this.ids = ids;
            this.keys = keys;
            this.builders = new KeySet.Builder[ids.length];
            start();
        }

        private void start() {
            for (int i = 0; i < ids.length; i++) {
                filters.withdraw(ids[i]);
                builders[i] = new KeySet.Builder();
            }
            finished = false;
        }

        @Override
        public Object current() {
            return input.current();
        }

        @Override
        public boolean moveNext() {
            if (input.moveNext()) {
                Object row = input.current();
                for (int i = 0; i < builders.length; i++) {
                    KeySet.Builder b = builders[i];
                    if (b != null) {
                        add(i, b, keys[i].apply(row));
                    }
                }
                return true;
            }
            if (!finished) {
                finished = true;
                for (int i = 0; i < builders.length; i++) {
                    if (builders[i] != null) {
                        filters.publish(ids[i], builders[i].build());
                        builders[i] = null;
                    }
                }
            }
            return false;
        }

        private void add(int i, KeySet.Builder b, @Nullable Object key) {
            if (key == null) {
                return; // a NULL key matches nothing
            }
            if (key instanceof Long l) {
                b.add(l);
            } else if (key instanceof Integer n) {
                b.add(n);
            } else {
                builders[i] = null;
                return;
            }
            if (b.size() > MAX_KEYS) {
                builders[i] = null;
            }
        }

        @Override
        public void reset() {
            input.reset();
            start();
        }

        @Override
        public void close() {
            input.close();
        }
    }
}
