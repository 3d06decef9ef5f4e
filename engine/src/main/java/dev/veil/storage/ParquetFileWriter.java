package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.TableName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.dataset.file.DatasetFileWriter;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes rows to one Parquet file with Arrow's Dataset module: the rows are put into Arrow
 * batches of the columns' types (as a table's segments are), and Arrow C++'s Parquet writer
 * encodes them. Types map as in segments: DECIMAL(p, s) stays a decimal, DATE a date, TIMESTAMP a
 * timestamp in milliseconds without a time zone.
 */
public final class ParquetFileWriter {
    private static final int BATCH_ROWS = 8_192;
    private static final String PART = "part-{i}.parquet";
    private static final long RELEASE_WAIT_NANOS = 5_000_000_000L;

    private ParquetFileWriter() {}

    /**
     * Writes {@code rows} (in the value representation of the columns' types) as one Parquet file
     * at {@code output}, which must not exist; {@code workFolder} is an empty folder the writer may
     * use and that the caller removes. Returns the number of rows written.
     */
    public static long write(
            BufferAllocator allocator, List<Column> columns, Iterator<Object[]> rows, Path workFolder, Path output) {
        requireNonNull(allocator, "allocator is null");
        requireNonNull(columns, "columns is null");
        requireNonNull(rows, "rows is null");
        requireNonNull(workFolder, "workFolder is null");
        requireNonNull(output, "output is null");
        BufferAllocator child = allocator.newChildAllocator("parquet output", 0, Long.MAX_VALUE);
        RowReader reader = new RowReader(child, columns, rows);
        try {
            try {
                DatasetFileWriter.write(
                        child, reader, FileFormat.PARQUET, workFolder.toUri().toString(), new String[0], 1, PART);
            } catch (VeilException e) {
                throw e;
            } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
                throw new VeilException(
                        ErrorCode.NOT_SUPPORTED,
                        "Parquet files need Arrow's native Dataset library, which cannot be loaded on this machine: "
                                + e.getMessage(),
                        e);
            } catch (RuntimeException e) {
                if (reader.failure != null) {
                    throw reader.failure;
                }
                throw new VeilException(
                        ErrorCode.STORAGE_IO_ERROR, "Cannot write the Parquet file: " + e.getMessage(), e);
            }
            if (reader.failure != null) {
                throw reader.failure;
            }
            Path part = onlyFile(workFolder);
            Files.move(part, output);
            return reader.rows;
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot write the Parquet file '" + output + "': " + e.getMessage(), e);
        } finally {
            release(reader, child);
        }
    }

    /**
     * Closes the reader and then its allocator. Arrow C++ releases the last batches it was given
     * on its own threads, shortly after the write returns; the allocator is closed once they are
     * back (within a few seconds; if not, it is left open rather than failing a written file).
     */
    private static void release(RowReader reader, BufferAllocator child) {
        try {
            reader.close();
        } catch (IOException | RuntimeException e) {
            // Nothing was left to read; closing frees the batch vectors, which the allocator checks.
        }
        long deadline = System.nanoTime() + RELEASE_WAIT_NANOS;
        while (child.getAllocatedMemory() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (child.getAllocatedMemory() == 0) {
            child.close();
        }
    }

    private static Path onlyFile(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> found = files.filter(Files::isRegularFile).toList();
            if (found.size() != 1) {
                throw new IOException("the Parquet writer made " + found.size() + " files instead of one");
            }
            return found.get(0);
        }
    }

    /**
     * Arrow batches made from rows. The writer pulls them from native code, so a failure while
     * making a batch (a cancelled statement, a value that does not fit) is kept and rethrown by
     * {@link #write} rather than lost in the native error.
     */
    private static final class RowReader extends ArrowReader {
        private static final TableName OUTPUT = new TableName("copy", "output");

        private final List<Column> columns;
        private final Iterator<Object[]> source;
        private final Schema schema;
        private long rows;
        private boolean first = true;
        private RuntimeException failure;

        RowReader(BufferAllocator allocator, List<Column> columns, Iterator<Object[]> rows) {
            super(allocator);
            this.columns = List.copyOf(columns);
            this.source = rows;
            this.schema = ArrowSchemas.schema(columns);
        }

        @Override
        public boolean loadNextBatch() throws IOException {
            if (failure != null) {
                return false;
            }
            try {
                return fill();
            } catch (RuntimeException e) {
                failure = e;
                throw new IOException("the rows could not be read: " + e.getMessage(), e);
            }
        }

        private boolean fill() throws IOException {
            prepareLoadNextBatch();
            VectorSchemaRoot root = getVectorSchemaRoot();
            ValueWriter[] writers = new ValueWriter[columns.size()];
            for (int c = 0; c < writers.length; c++) {
                FieldVector vector = root.getVector(c);
                if (vector instanceof VarCharVector v) {
                    v.allocateNew((long) BATCH_ROWS * 16, BATCH_ROWS);
                } else {
                    vector.setInitialCapacity(BATCH_ROWS);
                    vector.allocateNew();
                }
                writers[c] = new ValueWriter(OUTPUT, columns.get(c), vector);
            }
            int n = 0;
            while (n < BATCH_ROWS && source.hasNext()) {
                Object[] row = source.next();
                for (int c = 0; c < writers.length; c++) {
                    writers[c].write(n, row[c]);
                }
                n++;
            }
            root.setRowCount(n);
            rows += n;
            // An empty result still gets its one (empty) batch, so the file has the schema.
            boolean more = n > 0 || first;
            first = false;
            return more;
        }

        @Override
        public long bytesRead() {
            return 0;
        }

        @Override
        protected void closeReadSource() {}

        @Override
        protected Schema readSchema() {
            return schema;
        }
    }
}
