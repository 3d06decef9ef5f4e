package dev.veil.exec.privacy;

import java.util.ArrayList;
import java.util.List;

/**
 * Columns of doubles appended row by row in scan order, in the recycled chunks of {@link
 * ArenaChunks}: row {@code p} of a column is at {@code p / CHUNK}, offset {@code p % CHUNK}. A
 * batch's values go in by array copies, sequential writes whatever the rows hold. Every double a
 * reader reads was written first, so recycled chunks with stale values may back it.
 */
final class RowLog {
    private static final int CHUNK = ValueArena.CHUNK;
    private static final int SHIFT = Integer.numberOfTrailingZeros(CHUNK);

    private final List<List<double[]>> columns = new ArrayList<>();
    private long size;

    RowLog(int columnCount) {
        if (columnCount < 0) {
            throw new IllegalArgumentException("negative column count " + columnCount);
        }
        for (int c = 0; c < columnCount; c++) {
            columns.add(new ArrayList<>());
        }
    }

    /** The rows appended so far. */
    long size() {
        return size;
    }

    /** Appends rows {@code [0, n)} of {@code values}, one array per column, each at least {@code n} long. */
    void append(int n, double[][] values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("expected " + columns.size() + " columns, got " + values.length);
        }
        int done = 0;
        while (done < n) {
            int offset = (int) (size & (CHUNK - 1));
            int k = (int) (size >>> SHIFT);
            int piece = Math.min(n - done, CHUNK - offset);
            for (int c = 0; c < values.length; c++) {
                List<double[]> chunks = columns.get(c);
                if (k == chunks.size()) {
                    chunks.add(ArenaChunks.take(CHUNK));
                }
                System.arraycopy(values[c], done, chunks.get(k), offset, piece);
            }
            done += piece;
            size += piece;
        }
    }

    /** Column {@code column}'s value of row {@code row}, which must have been appended. */
    double get(int column, long row) {
        if (row < 0 || row >= size) {
            throw new IndexOutOfBoundsException("row " + row + " of " + size);
        }
        return columns.get(column).get((int) (row >>> SHIFT))[(int) (row & (CHUNK - 1))];
    }

    /** The heap the chunks take. */
    long bytes() {
        long bytes = 0;
        for (List<double[]> chunks : columns) {
            bytes += chunks.size() * ArenaChunks.bytes(CHUNK);
        }
        return bytes;
    }

    /** Gives the chunks to later runs; the log must not be used again. */
    void recycle() {
        List<double[]> all = new ArrayList<>();
        for (List<double[]> chunks : columns) {
            all.addAll(chunks);
            chunks.clear();
        }
        size = 0;
        ArenaChunks.give(all);
    }
}
