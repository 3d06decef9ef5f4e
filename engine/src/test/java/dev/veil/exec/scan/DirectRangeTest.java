package dev.veil.exec.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DirectRangeTest {
    private static final int ROWS = 5_000;

    private BufferAllocator allocator;
    private long[] values;

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
        Random random = new Random(11);
        values = new long[ROWS];
        for (int i = 0; i < ROWS; i++) {
            values[i] = random.nextInt(2_000) - 1_000;
        }
    }

    @AfterEach
    void close() {
        allocator.close();
    }

    /** What the decoded path keeps: the selected rows whose value is in [lo, hi], in order. */
    private int[] expected(int[] selection, long lo, long hi) {
        return Arrays.stream(selection)
                .filter(r -> values[r] >= lo && values[r] <= hi)
                .toArray();
    }

    private void assertKeepsTheDecodedRows(FieldVector vector) {
        int[] all = new int[ROWS];
        Arrays.setAll(all, i -> i);
        int[] everyThird = Arrays.stream(all).filter(r -> r % 3 == 0).toArray();
        for (int[] selection : new int[][] {all, everyThird, {0}, {ROWS - 1}}) {
            for (long[] range : new long[][] {{-100, 250}, {Long.MIN_VALUE, 0}, {5, 5}, {2_000, Long.MAX_VALUE}}) {
                int[] rows = selection.clone();
                int kept = DirectRange.filter(vector, rows, rows.length, range[0], range[1]);
                assertArrayEquals(expected(selection, range[0], range[1]), Arrays.copyOf(rows, kept));
            }
        }
    }

    @Test
    void intAndDateColumnsKeepWhatTheDecodedValuesKeep() {
        try (IntVector ints = new IntVector("i", allocator);
                DateDayVector dates = new DateDayVector("d", allocator)) {
            ints.allocateNew(ROWS);
            dates.allocateNew(ROWS);
            for (int i = 0; i < ROWS; i++) {
                ints.set(i, (int) values[i]);
                dates.set(i, (int) values[i]);
            }
            ints.setValueCount(ROWS);
            dates.setValueCount(ROWS);
            assertKeepsTheDecodedRows(ints);
            assertKeepsTheDecodedRows(dates);
        }
    }

    @Test
    void bigintAndDecimalColumnsKeepWhatTheDecodedValuesKeep() {
        try (BigIntVector longs = new BigIntVector("b", allocator);
                DecimalVector decimals = new DecimalVector("m", allocator, 15, 2)) {
            longs.allocateNew(ROWS);
            decimals.allocateNew(ROWS);
            for (int i = 0; i < ROWS; i++) {
                longs.set(i, values[i]);
                decimals.set(i, BigDecimal.valueOf(values[i], 2));
            }
            longs.setValueCount(ROWS);
            decimals.setValueCount(ROWS);
            assertKeepsTheDecodedRows(longs);
            assertKeepsTheDecodedRows(decimals);
        }
    }

    @Test
    void otherTypesAndRowsBeyondTheVectorAreLeftToTheDecodedPath() {
        try (Float8Vector doubles = new Float8Vector("f", allocator);
                IntVector ints = new IntVector("i", allocator)) {
            doubles.allocateNew(4);
            doubles.setValueCount(4);
            int[] rows = {0, 1, 2, 3};
            assertEquals(-1, DirectRange.filter(doubles, rows, 4, 0, 1));
            ints.allocateNew(4);
            ints.setValueCount(4);
            int[] beyond = {0, 4};
            assertEquals(-1, DirectRange.filter(ints, beyond, 2, 0, 1));
            assertArrayEquals(new int[] {0, 4}, beyond);
        }
    }
}
