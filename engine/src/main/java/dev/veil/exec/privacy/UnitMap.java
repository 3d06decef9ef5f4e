package dev.veil.exec.privacy;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import dev.veil.exec.scan.VectorValues;
import dev.veil.storage.BatchScan;
import dev.veil.storage.Warehouse;
import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The answer of one {@link UnitLookup} step for one table version: for each key value of the key
 * column, the smallest non-NULL value of the next column among the rows holding that key (what
 * {@code SELECT key, MIN(next) ... GROUP BY key} gives). Keys that are NULL, or whose rows all
 * have a NULL next value, are absent, so looking them up gives NULL, as a left join would.
 * Immutable once built, so concurrent queries share it.
 */
abstract class UnitMap {
    /** The looked-up value for an input key (in the representation of its SQL type), or null. */
    abstract Object get(Object key);

    /** An estimate, on the high side, of the heap the map takes. */
    abstract long bytes();

    /** Reads the key and next columns of {@code version} and builds the map. */
    static UnitMap build(
            Warehouse warehouse,
            TableDef table,
            TableVersion version,
            int keyColumn,
            int nextColumn,
            AtomicBoolean cancelFlag) {
        ColumnType keyType = table.columns().get(keyColumn).type();
        ColumnType nextType = table.columns().get(nextColumn).type();
        if (LongUnitMap.holds(keyType.type()) && LongUnitMap.holds(nextType.type())) {
            LongUnitMap.Builder builder = new LongUnitMap.Builder(nextType.type());
            boolean complete = scan(warehouse, table, version, keyColumn, nextColumn, cancelFlag, batch -> {
                FieldVector keys = batch.getVector(0);
                FieldVector nexts = batch.getVector(1);
                int rows = batch.getRowCount();
                for (int i = 0; i < rows; i++) {
                    if (!keys.isNull(i) && !nexts.isNull(i)) {
                        builder.add(integral(keys, i), integral(nexts, i));
                    }
                }
            });
            if (complete) {
                return builder.build();
            }
            // A next value equal to the map's "absent" marker: the general map has no such marker.
        }
        ValueUnitMap.Builder builder = new ValueUnitMap.Builder();
        scan(warehouse, table, version, keyColumn, nextColumn, cancelFlag, batch -> {
            VectorValues.Reader keys = VectorValues.reader(batch.getVector(0), keyType);
            VectorValues.Reader nexts = VectorValues.reader(batch.getVector(1), nextType);
            int rows = batch.getRowCount();
            for (int i = 0; i < rows; i++) {
                Object key = keys.read(i);
                Object next = nexts.read(i);
                if (key != null && next != null) {
                    builder.add(key, next);
                }
            }
        });
        return builder.build();
    }

    /** Reads one batch's key (vector 0) and next (vector 1) values. */
    @FunctionalInterface
    private interface BatchConsumer {
        void accept(VectorSchemaRoot batch);
    }

    /** Feeds every batch to {@code consumer}; false when it gave up (see {@link LongUnitMap.Builder#add}). */
    private static boolean scan(
            Warehouse warehouse,
            TableDef table,
            TableVersion version,
            int keyColumn,
            int nextColumn,
            AtomicBoolean cancelFlag,
            BatchConsumer consumer) {
        try (BatchScan scan = warehouse.scan(table, version, new int[] {keyColumn, nextColumn})) {
            VectorSchemaRoot batch;
            while ((batch = scan.next()) != null) {
                if (cancelFlag.get()) {
                    throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
                }
                dev.veil.control.CpuScheduler.checkpoint();
                try {
                    consumer.accept(batch);
                } catch (LongUnitMap.MarkerValueException e) {
                    return false;
                }
            }
        }
        return true;
    }

    private static long integral(FieldVector vector, int i) {
        if (vector instanceof IntVector v) {
            return v.get(i);
        }
        if (vector instanceof BigIntVector v) {
            return v.get(i);
        }
        if (vector instanceof DateDayVector v) {
            return v.get(i);
        }
        return ((TimeStampMilliVector) vector).get(i);
    }

    /**
     * A key as the maps compare it: integral numbers as Long and decimals without trailing zeros,
     * so that values equal in SQL are equal in Java whatever their width or scale.
     */
    static Object normalize(Object key) {
        if (key instanceof Integer || key instanceof Short || key instanceof Byte) {
            return ((Number) key).longValue();
        }
        if (key instanceof BigDecimal d) {
            return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
        }
        return key;
    }
}
