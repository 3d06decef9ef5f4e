package dev.veil.exec.aggregate;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.VeilType;
import dev.veil.exec.scan.ScanPredicate;
import dev.veil.exec.scan.Validity;
import dev.veil.schema.ArrowTable;
import dev.veil.storage.BatchScan;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.calcite.DataContext;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The build side of an inner equi-join that a {@link VectorInput} probes: the rows of a filtered
 * scan of a small table as a primitive map from their integral key (INTEGER or BIGINT) to a
 * bitmask of conditions over the row's columns, each evaluated once per build row as a scan
 * predicate (bit c set when condition c is TRUE; FALSE and NULL leave it clear, as a CASE's WHEN
 * takes them). A row with a NULL key matches nothing. When two rows share a key the map is not
 * made ({@link #load} gives null): the probe rows would each take several join rows, which the
 * caller then computes on the rows instead. Immutable.
 */
public final class BuildKeys {
    private final ArrowTable table;
    private final @Nullable ScanPredicate filter;
    private final int keyColumn;
    private final List<ScanPredicate> conditions;
    private final int[] loadedColumns;

    /**
     * The rows of {@code table} that {@code filter} (null: every row) keeps, keyed by {@code
     * keyColumn}, with at most 63 {@code conditions} over the table's columns.
     */
    public BuildKeys(ArrowTable table, @Nullable ScanPredicate filter, int keyColumn, List<ScanPredicate> conditions) {
        this.table = requireNonNull(table, "table is null");
        this.filter = filter;
        this.conditions = List.copyOf(conditions);
        TableDef def = table.definition();
        if (keyColumn < 0 || keyColumn >= def.columns().size()) {
            throw new IllegalArgumentException("no key column " + keyColumn + " in " + def.name());
        }
        if (!supportsKey(def.columns().get(keyColumn).type().type())) {
            throw new IllegalArgumentException("key column " + keyColumn + " of " + def.name() + " is not integral");
        }
        if (this.conditions.size() > 63) {
            throw new IllegalArgumentException("at most 63 conditions");
        }
        this.keyColumn = keyColumn;
        IntStream.Builder loaded = IntStream.builder();
        loaded.add(keyColumn);
        if (filter != null) {
            IntStream.of(filter.columns()).forEach(loaded::add);
        }
        for (ScanPredicate condition : this.conditions) {
            IntStream.of(condition.columns()).forEach(loaded::add);
        }
        this.loadedColumns = loaded.build().distinct().sorted().toArray();
    }

    /** Whether a key column of this type is read as it is joined: INTEGER and BIGINT. */
    public static boolean supportsKey(VeilType type) {
        return type == VeilType.INTEGER || type == VeilType.BIGINT;
    }

    /** The table it reads. */
    public ArrowTable table() {
        return table;
    }

    /** The conditions: bit c of a key's mask is condition c. */
    int conditionCount() {
        return conditions.size();
    }

    /**
     * Scans the table once: the map from each kept row's key to its conditions' mask, or null when a
     * key occurs twice among the kept rows.
     */
    @Nullable
    Index load(DataContext root, AtomicBoolean cancelFlag) {
        TableDef def = table.definition();
        BatchColumns columns = new BatchColumns(def, loadedColumns, filter, root);
        Index index = new Index();
        int[] scratch = new int[0];
        long[] masks = new long[0];
        try (BatchScan scan = table.warehouse().scan(def, table.version(), loadedColumns)) {
            while (true) {
                if (cancelFlag.get()) {
                    throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
                }
                dev.veil.control.CpuScheduler.checkpoint();
                VectorSchemaRoot batch = scan.next();
                if (batch == null) {
                    return index;
                }
                int rows = batch.getRowCount();
                if (rows == 0) {
                    continue;
                }
                int n = columns.select(batch, rows);
                if (n == 0) {
                    continue;
                }
                int[] sel = columns.selection();
                if (masks.length < rows) {
                    masks = new long[rows];
                    scratch = new int[rows];
                }
                for (int j = 0; j < n; j++) {
                    masks[sel[j]] = 0;
                }
                for (int c = 0; c < conditions.size(); c++) {
                    System.arraycopy(sel, 0, scratch, 0, n);
                    int kept = conditions.get(c).bind(columns).filter(scratch, n);
                    for (int i = 0; i < kept; i++) {
                        masks[scratch[i]] |= 1L << c;
                    }
                }
                FieldVector keys = columns.vectors[keyColumn];
                boolean nullable = Validity.hasNulls(keys);
                long[] values = columns.longs(keyColumn);
                for (int j = 0; j < n; j++) {
                    int row = sel[j];
                    if (nullable && keys.isNull(row)) {
                        continue; // a NULL key matches nothing
                    }
                    if (!index.put(values[row], masks[row])) {
                        return null;
                    }
                }
            }
        }
    }

    /** A map from distinct long keys to masks: open addressing, linear probing, at most half full. */
    static final class Index {
        /** What {@link #mask} gives for a key not in the map. */
        static final long ABSENT = -1;

        private long[] keys = new long[16];
        private long[] masks = new long[16];
        private boolean[] used = new boolean[16];
        private int size;

        /** Adds a key; false when it is there already. */
        boolean put(long key, long mask) {
            if (2 * (size + 1) > keys.length) {
                grow();
            }
            int m = keys.length - 1;
            for (int i = slot(key) & m; ; i = (i + 1) & m) {
                if (!used[i]) {
                    used[i] = true;
                    keys[i] = key;
                    masks[i] = mask;
                    size++;
                    return true;
                }
                if (keys[i] == key) {
                    return false;
                }
            }
        }

        /** The mask of {@code key}, or {@link #ABSENT}. */
        long mask(long key) {
            int m = keys.length - 1;
            for (int i = slot(key) & m; ; i = (i + 1) & m) {
                if (!used[i]) {
                    return ABSENT;
                }
                if (keys[i] == key) {
                    return masks[i];
                }
            }
        }

        /** The heap it holds. */
        long bytes() {
            return 17L * keys.length;
        }

        private static int slot(long key) {
            long h = key * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }

        private void grow() {
            long[] oldKeys = keys;
            long[] oldMasks = masks;
            boolean[] oldUsed = used;
            keys = new long[2 * oldKeys.length];
            masks = new long[keys.length];
            used = new boolean[keys.length];
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldUsed[i]) {
                    put(oldKeys[i], oldMasks[i]);
                }
            }
        }

        @Override
        public String toString() {
            return "BuildKeys.Index(" + size + " keys)";
        }
    }

    @Override
    public String toString() {
        return "join " + table.definition().name() + " on column " + keyColumn
                + (conditions.isEmpty() ? "" : " with " + conditions.size() + " condition(s)");
    }
}
