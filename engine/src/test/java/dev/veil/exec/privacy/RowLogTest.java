package dev.veil.exec.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link RowLog}: rows appended in batches of any size, across chunk boundaries, read back by position. */
class RowLogTest {
    @Test
    void batchesAcrossChunkBoundariesReadBackInScanOrder() {
        RowLog log = new RowLog(2);
        int[] sizes = {1, 999_999, 3, 48_575, 1_000_000, 7};
        long total = 0;
        for (int size : sizes) {
            double[] a = new double[size + 5];
            double[] b = new double[size + 5];
            for (int j = 0; j < a.length; j++) {
                a[j] = total + j; // the position, for rows [0, size)
                b[j] = -(total + j);
            }
            log.append(size, new double[][] {a, b});
            total += size;
        }
        assertEquals(total, log.size());
        for (long p = 0; p < total; p += 997) {
            assertEquals(p, log.get(0, p));
            assertEquals(-p, log.get(1, p));
        }
        assertEquals(total - 1, log.get(0, total - 1));
        long end = total;
        assertThrows(IndexOutOfBoundsException.class, () -> log.get(0, end));
        log.recycle();
        assertEquals(0, log.size());
    }

    @Test
    void aLogOfNoColumnsCountsRows() {
        RowLog log = new RowLog(0);
        log.append(10, new double[0][]);
        assertEquals(10, log.size());
        assertEquals(0, log.bytes());
    }
}
