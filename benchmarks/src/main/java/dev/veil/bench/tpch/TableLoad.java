package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

/**
 * The measured load of one TPC-H table from its generated {@code .tbl} file into one engine.
 *
 * @param table the lower-case table name
 * @param rows the number of rows loaded
 * @param bytes the size of the source file
 * @param nanos the wall-clock time of the load
 */
public record TableLoad(String table, long rows, long bytes, long nanos) {
    public TableLoad {
        requireNonNull(table, "table is null");
        if (rows < 0 || bytes < 0 || nanos < 0) {
            throw new IllegalArgumentException("rows, bytes and nanos must not be negative for table " + table);
        }
    }

    /** The load time in seconds. */
    public double seconds() {
        return nanos / 1e9;
    }

    /** The load rate in megabytes (10^6 bytes) of source file per second. */
    public double megabytesPerSecond() {
        return nanos == 0 ? Double.NaN : bytes / 1e6 / seconds();
    }

    /** The load rate in rows per second. */
    public double rowsPerSecond() {
        return nanos == 0 ? Double.NaN : rows / seconds();
    }
}
