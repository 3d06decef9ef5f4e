package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Loads Parquet files (one file, or every {@code .parquet} file of a folder or of a glob) into a
 * table, and infers a table's columns from one. Reading is Arrow's Dataset module (Arrow C++'s
 * Parquet reader through JNI), which decodes Parquet into the same Arrow vectors that the Arrow IPC
 * load reads; types therefore map as for {@link ArrowFileLoader}. The files are read one after
 * another into one new table version: all or nothing.
 */
public final class ParquetFileLoader {
    private static final int BATCH_ROWS = 32_768;

    private ParquetFileLoader() {}

    /** The columns of the first file's schema (names and types as for an Arrow IPC file). */
    public static List<Column> inferColumns(List<Path> files) {
        requireNonNull(files, "files is null");
        Path first = files.get(0);
        try (BufferAllocator allocator = new RootAllocator();
                FileSystemDatasetFactory factory = factory(allocator, first)) {
            List<Field> fields = inspect(factory, first).getFields();
            List<String> rawNames = new ArrayList<>();
            for (Field field : fields) {
                rawNames.add(field.getName());
            }
            List<String> names = ColumnNames.normalize(rawNames);
            List<Column> columns = new ArrayList<>(fields.size());
            for (int i = 0; i < fields.size(); i++) {
                columns.add(new Column(
                        names.get(i),
                        ArrowFileLoader.veilType(fields.get(i), first.toString()),
                        fields.get(i).isNullable()));
            }
            return columns;
        }
    }

    /** Appends every row of every file to {@code table} as one new version. */
    public static LoadResult load(Warehouse warehouse, TableDef table, List<Path> files, LoadProgress progress) {
        return load(warehouse, table, files, progress, null);
    }

    /** As {@link #load(Warehouse, TableDef, List, LoadProgress)}, keeping only the rows {@code filter} keeps (null: all). */
    public static LoadResult load(
            Warehouse warehouse, TableDef table, List<Path> files, LoadProgress progress, LoadFilter filter) {
        requireNonNull(warehouse, "warehouse is null");
        requireNonNull(table, "table is null");
        requireNonNull(files, "files is null");
        requireNonNull(progress, "progress is null");
        long started = System.nanoTime();
        long totalBytes = 0;
        for (Path file : files) {
            totalBytes += size(file);
        }
        ProgressReporter reporter = new ProgressReporter(progress, totalBytes);
        try (BufferAllocator allocator = warehouse.allocator().newChildAllocator("load parquet", 0, Long.MAX_VALUE);
                ArrowTableWriter writer = warehouse.newArrowWriter(table)) {
            writer.setFilter(filter);
            long rows = 0;
            long bytesDone = 0;
            for (Path file : files) {
                long before = bytesDone;
                try (FileSystemDatasetFactory factory = factory(allocator, file);
                        Dataset dataset = finish(factory, file);
                        Scanner scanner = dataset.newScan(new ScanOptions(BATCH_ROWS));
                        ArrowReader reader = scanner.scanBatches()) {
                    rows += ArrowFileLoader.appendAll(
                            reader,
                            inspect(factory, file),
                            table,
                            writer,
                            file.toString(),
                            reporter,
                            rows,
                            () -> before);
                } catch (VeilException e) {
                    throw e;
                } catch (Exception e) {
                    // Arrow's native reader reports a damaged or non-Parquet file as a RuntimeException.
                    throw cannotRead(file, e);
                }
                bytesDone += size(file);
            }
            TableVersion version = writer.commit();
            reporter.done(rows, totalBytes);
            return new LoadResult(
                    writer.rowCount(),
                    totalBytes,
                    Duration.ofNanos(System.nanoTime() - started),
                    version,
                    writer.skippedRows());
        }
    }

    private static FileSystemDatasetFactory factory(BufferAllocator allocator, Path file) {
        try {
            return new FileSystemDatasetFactory(
                    allocator,
                    NativeMemoryPool.getDefault(),
                    FileFormat.PARQUET,
                    file.toUri().toString());
        } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
            throw new VeilException(
                    ErrorCode.NOT_SUPPORTED,
                    "Parquet files need Arrow's native Dataset library, which cannot be loaded on this machine: "
                            + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            throw cannotRead(file, e);
        }
    }

    private static Schema inspect(FileSystemDatasetFactory factory, Path file) {
        try {
            return factory.inspect();
        } catch (RuntimeException e) {
            throw cannotRead(file, e);
        }
    }

    private static Dataset finish(FileSystemDatasetFactory factory, Path file) {
        try {
            return factory.finish();
        } catch (RuntimeException e) {
            throw cannotRead(file, e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    private static VeilException cannotRead(Path file, Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new VeilException(
                ErrorCode.BAD_INPUT_FILE, file + ": not a readable Parquet file (" + message.strip() + ")", e);
    }
}
