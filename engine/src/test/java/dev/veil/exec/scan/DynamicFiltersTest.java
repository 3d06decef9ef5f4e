package dev.veil.exec.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.veil.exec.runtime.ExecutionContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.junit.jupiter.api.Test;

/**
 * The key sets of a statement's dynamic filters as a scan sees them: published sets are read per
 * batch, while {@link DynamicFilters#fixed} sets (a DP aggregate's scan) stay what they were when
 * the scan started, so a filter applies to all of a scan's rows or to none of them.
 */
class DynamicFiltersTest {
    private static final int ID = 4;
    private static final List<ScanDynamicFilter> FILTERS = List.of(new ScanDynamicFilter(ID, 0));

    private static ExecutionContext context() {
        return new ExecutionContext(
                CalciteSchema.createRootSchema(false).plus(),
                new JavaTypeFactoryImpl(),
                "test",
                Map.of(),
                new AtomicBoolean());
    }

    private static KeySet keys(long... values) {
        KeySet.Builder builder = new KeySet.Builder();
        for (long v : values) {
            builder.add(v);
        }
        return builder.build();
    }

    /** Which of {@code values} a test keeps, or null for no test (every row passes). */
    private static List<Long> kept(ScanPredicate.RowTest test, BigIntVector vector, long... values) {
        if (test == null) {
            return null;
        }
        int[] rows = new int[values.length];
        Arrays.setAll(rows, i -> i);
        int n = test.filter(rows, rows.length);
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(values[rows[i]]);
        }
        return out;
    }

    private static BigIntVector vector(BufferAllocator allocator, long... values) {
        BigIntVector vector = new BigIntVector("k", allocator);
        vector.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            vector.set(i, values[i]);
        }
        vector.setValueCount(values.length);
        return vector;
    }

    @Test
    void fixedSetsKeepTheSetPublishedWhenTheScanStarted() {
        ExecutionContext context = context();
        DynamicFilters.publish(context, ID, keys(1, 2));
        DynamicFilters fixed = DynamicFilters.fixed(context, FILTERS);
        DynamicFilters.publish(context, ID, keys(3));
        try (BufferAllocator allocator = new RootAllocator();
                BigIntVector vector = vector(allocator, 1, 2, 3)) {
            assertEquals(List.of(1L, 2L), kept(fixed.test(FILTERS, column -> vector), vector, 1, 2, 3));
            // The per-batch reading sees the set published since.
            assertEquals(List.of(3L), kept(DynamicFilters.test(context, FILTERS, column -> vector), vector, 1, 2, 3));
            DynamicFilters.publish(context, ID, null);
            assertEquals(List.of(1L, 2L), kept(fixed.test(FILTERS, column -> vector), vector, 1, 2, 3));
        }
    }

    @Test
    void aSetPublishedAfterTheScanStartedFiltersNoneOfItsRows() {
        ExecutionContext context = context();
        DynamicFilters fixed = DynamicFilters.fixed(context, FILTERS);
        DynamicFilters.publish(context, ID, keys(1));
        try (BufferAllocator allocator = new RootAllocator();
                BigIntVector vector = vector(allocator, 1, 2)) {
            assertNull(fixed.test(FILTERS, column -> vector));
            assertEquals(List.of(1L), kept(DynamicFilters.test(context, FILTERS, column -> vector), vector, 1, 2));
        }
    }

    @Test
    void anEmptyFixedSetKeepsNoRow() {
        ExecutionContext context = context();
        DynamicFilters.publish(context, ID, keys());
        DynamicFilters fixed = DynamicFilters.fixed(context, FILTERS);
        try (BufferAllocator allocator = new RootAllocator();
                BigIntVector vector = vector(allocator, 1, 2)) {
            assertEquals(List.of(), kept(fixed.test(FILTERS, column -> vector), vector, 1, 2));
        }
    }
}
