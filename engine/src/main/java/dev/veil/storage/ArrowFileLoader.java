package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import dev.veil.catalog.VeilType;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ViewVarCharVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.InvalidArrowFileException;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Loads Arrow IPC files (the file format, as written by {@code ArrowFileWriter}, pyarrow's
 * {@code ipc.new_file}, DuckDB, ...) into tables, and infers a table's columns from one.
 *
 * <p>Columns are matched by position. A field loads into a column of its own type or a wider
 * compatible one: integers into BIGINT, DOUBLE or DECIMAL (and BIGINT into INTEGER when each
 * value fits), DECIMAL into another DECIMAL (rounded half up) or DOUBLE, DATE into TIMESTAMP.
 * Like the CSV load, it is all-or-nothing.
 */
public final class ArrowFileLoader {
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private ArrowFileLoader() {}

    /**
     * The columns of the file's schema: names made identifiers as for a CSV header, types mapped
     * from Arrow (signed and unsigned integers, floating point, decimal up to 38 digits, UTF-8
     * strings, dates, timestamps of any unit), nullability as declared. Any other Arrow type
     * fails with NOT_SUPPORTED naming the field.
     */
    public static List<Column> inferColumns(Path file) {
        return inferColumns(null, file);
    }

    /** As {@link #inferColumns(Path)}, reading an upload of {@code warehouse} (if not null) as stored there. */
    public static List<Column> inferColumns(Warehouse warehouse, Path file) {
        requireNonNull(file, "file is null");
        try (BufferAllocator allocator = new RootAllocator();
                ArrowFileReader reader = open(warehouse, file, allocator)) {
            List<Field> fields = schema(reader, file).getFields();
            List<String> rawNames = new ArrayList<>();
            for (Field field : fields) {
                rawNames.add(field.getName());
            }
            List<String> names = ColumnNames.normalize(rawNames);
            List<Column> columns = new ArrayList<>(fields.size());
            for (int i = 0; i < fields.size(); i++) {
                columns.add(new Column(
                        names.get(i),
                        veilType(fields.get(i), file.toString()),
                        fields.get(i).isNullable()));
            }
            return columns;
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    /** Appends every row of {@code file} to {@code table} as one new version. */
    public static LoadResult load(Warehouse warehouse, TableDef table, Path file, LoadProgress progress) {
        return load(warehouse, table, file, progress, null);
    }

    /** As {@link #load(Warehouse, TableDef, Path, LoadProgress)}, keeping only the rows {@code filter} keeps (if not null). */
    public static LoadResult load(
            Warehouse warehouse, TableDef table, Path file, LoadProgress progress, LoadFilter filter) {
        requireNonNull(warehouse, "warehouse is null");
        requireNonNull(table, "table is null");
        requireNonNull(file, "file is null");
        requireNonNull(progress, "progress is null");
        long started = System.nanoTime();
        try (BufferAllocator allocator = warehouse.allocator().newChildAllocator("load " + file, 0, Long.MAX_VALUE);
                ArrowFileReader reader = open(warehouse, file, allocator);
                ArrowTableWriter writer = warehouse.newArrowWriter(table)) {
            writer.setFilter(filter);
            long totalBytes = Files.size(file);
            ProgressReporter reporter = new ProgressReporter(progress, totalBytes);
            long rows = appendAll(
                    reader, schema(reader, file), table, writer, file.toString(), reporter, 0, reader::bytesRead);
            TableVersion version = writer.commit();
            reporter.done(rows, totalBytes);
            return new LoadResult(
                    writer.rowCount(),
                    totalBytes,
                    Duration.ofNanos(System.nanoTime() - started),
                    version,
                    writer.skippedRows());
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    /**
     * Appends every row of every batch that {@code reader} yields to {@code writer}, after checking
     * that the batches' fields load into the table's columns (matched by position). Used for Arrow
     * IPC and Parquet files alike.
     *
     * @param source the file named in error messages
     * @param rowsBefore rows already appended from earlier files of the same load (for row numbers)
     * @return the number of rows appended from this reader
     */
    static long appendAll(
            ArrowReader reader,
            Schema schema,
            TableDef table,
            TableWriter writer,
            String source,
            ProgressReporter reporter,
            long rowsBefore,
            LongSupplier bytesRead)
            throws IOException {
        List<Column> columns = table.columns();
        List<Field> fields = schema.getFields();
        if (fields.size() != columns.size()) {
            throw new VeilException(
                    ErrorCode.BAD_INPUT_FILE,
                    source + ": the file has " + fields.size() + " fields, table '" + table.name() + "' has "
                            + columns.size() + " columns");
        }
        boolean[] dateToTimestamp = new boolean[columns.size()];
        for (int i = 0; i < fields.size(); i++) {
            VeilType from = veilType(fields.get(i), source).type();
            Column to = columns.get(i);
            if (!loadable(from, to.type().type())) {
                throw new VeilException(
                        ErrorCode.TYPE_MISMATCH,
                        source + ": field '" + fields.get(i).getName()
                                + "' (" + CsvLoader.ordinal(i + 1) + ") has Arrow type "
                                + fields.get(i).getType()
                                + ", which cannot be loaded into column '" + to.name() + "' (" + to.type() + ")");
            }
            dateToTimestamp[i] = from == VeilType.DATE && to.type().type() == VeilType.TIMESTAMP;
        }
        Object[] row = new Object[columns.size()];
        long rowNumber = rowsBefore;
        while (reader.loadNextBatch()) {
            VectorSchemaRoot batch = reader.getVectorSchemaRoot();
            List<FieldVector> vectors = batch.getFieldVectors();
            for (int r = 0; r < batch.getRowCount(); r++) {
                rowNumber++;
                for (int c = 0; c < row.length; c++) {
                    Object value = value(vectors.get(c), r);
                    if (dateToTimestamp[c] && value != null) {
                        value = (Integer) value * MILLIS_PER_DAY;
                    }
                    row[c] = value;
                }
                try {
                    writer.append(row);
                } catch (VeilException e) {
                    throw new VeilException(
                            e.errorCode() == ErrorCode.TYPE_MISMATCH ? ErrorCode.INTERNAL_ERROR : e.errorCode(),
                            source + ": row " + rowNumber + ": " + e.getMessage(),
                            e);
                }
                reporter.row(rowNumber, bytesRead.getAsLong());
            }
        }
        return rowNumber - rowsBefore;
    }

    private static boolean loadable(VeilType from, VeilType to) {
        if (from == to) {
            return true;
        }
        return switch (from) {
            case INTEGER, BIGINT ->
                to == VeilType.INTEGER || to == VeilType.BIGINT || to == VeilType.DOUBLE || to == VeilType.DECIMAL;
            case DECIMAL -> to == VeilType.DOUBLE;
            case DATE -> to == VeilType.TIMESTAMP;
            default -> false;
        };
    }

    /** The Veil type that holds a field's values. */
    static ColumnType veilType(Field field, String file) {
        ArrowType type = field.getType();
        if (field.getDictionary() == null && field.getChildren().isEmpty()) {
            if (type instanceof ArrowType.Bool) {
                return ColumnType.of(VeilType.BOOLEAN);
            }
            if (type instanceof ArrowType.Int i) {
                if (i.getBitWidth() < 32 || (i.getBitWidth() == 32 && i.getIsSigned())) {
                    return ColumnType.of(VeilType.INTEGER);
                }
                if (i.getBitWidth() == 32 || i.getIsSigned()) {
                    return ColumnType.of(VeilType.BIGINT);
                }
                return ColumnType.decimal(20, 0); // unsigned 64-bit
            }
            if (type instanceof ArrowType.FloatingPoint) {
                return ColumnType.of(VeilType.DOUBLE);
            }
            if (type instanceof ArrowType.Decimal d && d.getPrecision() <= ColumnType.MAX_DECIMAL_PRECISION) {
                return ColumnType.decimal(d.getPrecision(), d.getScale());
            }
            if (type instanceof ArrowType.Utf8
                    || type instanceof ArrowType.LargeUtf8
                    || type instanceof ArrowType.Utf8View) {
                return ColumnType.of(VeilType.VARCHAR);
            }
            if (type instanceof ArrowType.Date) {
                return ColumnType.of(VeilType.DATE);
            }
            if (type instanceof ArrowType.Timestamp) {
                return ColumnType.of(VeilType.TIMESTAMP);
            }
        }
        String what = field.getDictionary() != null ? "a dictionary-encoded " + type : type.toString();
        throw new VeilException(
                ErrorCode.NOT_SUPPORTED,
                file + ": field '" + field.getName() + "' has Arrow type "
                        + what
                        + ", which Veil cannot store; supported: booleans, integers, floating point, decimals up to"
                        + " 38 digits, UTF-8 strings, dates and timestamps");
    }

    /** The value at {@code index} in the representation of the field's Veil type. */
    private static Object value(FieldVector vector, int index) {
        if (vector.isNull(index)) {
            return null;
        }
        if (vector instanceof UInt8Vector v) {
            return new BigDecimal(new BigInteger(Long.toUnsignedString(v.get(index))));
        }
        if (vector instanceof BaseIntVector v) {
            long value = v.getValueAsLong(index);
            ArrowType.Int type = (ArrowType.Int) vector.getField().getType();
            if (type.getBitWidth() < 32 || (type.getBitWidth() == 32 && type.getIsSigned())) {
                return (int) value;
            }
            return value;
        }
        if (vector instanceof FloatingPointVector v) {
            return v.getValueAsDouble(index);
        }
        if (vector instanceof BitVector v) {
            return v.get(index) != 0;
        }
        if (vector instanceof DecimalVector v) {
            return v.getObject(index);
        }
        if (vector instanceof Decimal256Vector v) {
            return v.getObject(index);
        }
        if (vector instanceof VarCharVector v) {
            return new String(v.get(index), StandardCharsets.UTF_8);
        }
        if (vector instanceof LargeVarCharVector v) {
            return new String(v.get(index), StandardCharsets.UTF_8);
        }
        if (vector instanceof ViewVarCharVector v) {
            return new String(v.get(index), StandardCharsets.UTF_8);
        }
        if (vector instanceof DateDayVector v) {
            return v.get(index);
        }
        if (vector instanceof DateMilliVector v) {
            return (int) Math.floorDiv(v.get(index), MILLIS_PER_DAY);
        }
        if (vector instanceof TimeStampVector v) {
            long raw = v.get(index);
            ArrowType.Timestamp type = (ArrowType.Timestamp) vector.getField().getType();
            return switch (type.getUnit()) {
                case SECOND -> Math.multiplyExact(raw, 1000L);
                case MILLISECOND -> raw;
                case MICROSECOND -> Math.floorDiv(raw, 1000L);
                case NANOSECOND -> Math.floorDiv(raw, 1_000_000L);
            };
        }
        throw new IllegalStateException("no reader for " + vector.getField());
    }

    private static ArrowFileReader open(Warehouse warehouse, Path file, BufferAllocator allocator) {
        try {
            return new ArrowFileReader(UploadArea.openForLoad(warehouse, file), allocator);
        } catch (NoSuchFileException e) {
            throw new VeilException(ErrorCode.FILE_NOT_FOUND, "File '" + file + "' not found", e);
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    private static Schema schema(ArrowFileReader reader, Path file) {
        try {
            return reader.getVectorSchemaRoot().getSchema();
        } catch (IOException | InvalidArrowFileException e) {
            throw new VeilException(
                    ErrorCode.BAD_INPUT_FILE,
                    file + ": not an Arrow IPC file (" + e.getMessage()
                            + "); Veil reads the IPC file format, not the stream format",
                    e);
        }
    }

    private static VeilException cannotRead(Path file, IOException e) {
        return new VeilException(ErrorCode.BAD_INPUT_FILE, "Cannot read '" + file + "': " + e.getMessage(), e);
    }
}
