package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import dev.veil.storage.TextValues.BadValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads CSV files into tables, and infers a table's columns from a CSV file.
 *
 * <p>A load is all-or-nothing: rows go through a {@link TableWriter} and are committed as one new
 * table version only when the whole file has parsed; the first bad value, or a record with the
 * wrong number of fields, fails the load with the file, the line the record starts on and the
 * column, and the table stays exactly as it was. Messages describe a bad value's shape, never
 * its content. A record may carry one extra, empty field (a trailing delimiter, as TPC-H's
 * {@code dbgen} writes).
 */
public final class CsvLoader {
    private CsvLoader() {}

    /**
     * Reads the whole file once and infers its columns: per column the first of BOOLEAN, BIGINT,
     * DECIMAL(18,s) (DECIMAL(38,s) for wider values), DOUBLE, DATE, TIMESTAMP that holds every
     * value, else VARCHAR; numbers get headroom, so that a later load with larger values fits.
     * Numbers with leading zeros ({@code 007}) stay VARCHAR. Names come from the header
     * (lower-cased, made identifiers, duplicates numbered) or are {@code column1..n}. Every
     * column is nullable. A last column that is empty throughout and has no name (a
     * trailing delimiter) is dropped.
     */
    public static List<Column> inferColumns(Path file, CsvOptions options) {
        return inferColumns(null, file, options);
    }

    /** As {@link #inferColumns(Path, CsvOptions)}, reading an upload of {@code warehouse} (if not null) as stored there. */
    public static List<Column> inferColumns(Warehouse warehouse, Path file, CsvOptions options) {
        requireNonNull(file, "file is null");
        requireNonNull(options, "options is null");
        byte[] nullBytes = options.nullString().getBytes(StandardCharsets.UTF_8);
        try (CsvReader reader = open(warehouse, file, options)) {
            List<String> rawNames = null;
            ColumnGuess[] guesses = null;
            int expected = -1;
            while (reader.next()) {
                byte[] b = reader.buffer();
                if (expected < 0) {
                    expected = reader.fieldCount();
                    reader.skipBlankLines(expected > 1);
                    guesses = new ColumnGuess[expected];
                    for (int i = 0; i < expected; i++) {
                        guesses[i] = new ColumnGuess();
                    }
                    if (options.header()) {
                        rawNames = new ArrayList<>(expected);
                        for (int i = 0; i < expected; i++) {
                            rawNames.add(new String(
                                    b, reader.start(i), reader.end(i) - reader.start(i), StandardCharsets.UTF_8));
                        }
                        continue;
                    }
                }
                int fields = checkFieldCount(reader, expected, file);
                for (int i = 0; i < fields; i++) {
                    int s = reader.start(i);
                    int e = reader.end(i);
                    if (!reader.quoted(i) && TextValues.equalsAscii(b, s, e, nullBytes)) {
                        continue;
                    }
                    s = TextValues.trimStart(b, s, e);
                    e = TextValues.trimEnd(b, s, e);
                    if (s < e) {
                        guesses[i].observe(b, s, e);
                    }
                }
            }
            if (expected < 0) {
                throw new VeilException(ErrorCode.BAD_INPUT_FILE, file + ": the file is empty; no columns to infer");
            }
            List<String> names = rawNames == null ? ColumnNames.numbered(expected) : ColumnNames.normalize(rawNames);
            int count = expected;
            boolean trailingDelimiter = count > 1
                    && !guesses[count - 1].anyValue()
                    && (rawNames == null || rawNames.get(count - 1).isBlank());
            if (trailingDelimiter) {
                count--;
            }
            List<Column> columns = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                columns.add(new Column(names.get(i), guesses[i].type(), true));
            }
            return columns;
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    /**
     * Appends the rows of {@code file} to {@code table} as one new version; see the class comment
     * for the all-or-nothing guarantee and the error messages.
     */
    public static LoadResult load(
            Warehouse warehouse, TableDef table, Path file, CsvOptions options, LoadProgress progress) {
        return load(warehouse, table, file, options, progress, null);
    }

    /** As {@link #load(Warehouse, TableDef, Path, CsvOptions, LoadProgress)}, keeping only the rows {@code filter} keeps (if not null). */
    public static LoadResult load(
            Warehouse warehouse,
            TableDef table,
            Path file,
            CsvOptions options,
            LoadProgress progress,
            LoadFilter filter) {
        requireNonNull(warehouse, "warehouse is null");
        requireNonNull(table, "table is null");
        requireNonNull(file, "file is null");
        requireNonNull(options, "options is null");
        requireNonNull(progress, "progress is null");
        long started = System.nanoTime();
        byte[] nullBytes = options.nullString().getBytes(StandardCharsets.UTF_8);
        List<Column> columns = table.columns();
        int count = columns.size();
        try (CsvReader reader = open(warehouse, file, options);
                ArrowTableWriter writer = warehouse.newArrowWriter(table)) {
            writer.setFilter(filter);
            long totalBytes = Files.size(file);
            ProgressReporter reporter = new ProgressReporter(progress, totalBytes);
            TextColumnWriter[] writers = new TextColumnWriter[count];
            boolean[] text = new boolean[count];
            boolean[] nullable = new boolean[count];
            for (int i = 0; i < count; i++) {
                writers[i] = TextColumnWriter.of(columns.get(i), writer.vector(i));
                text[i] = writers[i].isText();
                nullable[i] = columns.get(i).nullable();
            }
            reader.skipBlankLines(count > 1);
            if (options.header()) {
                reader.next();
            }
            while (reader.next()) {
                checkFieldCount(reader, count, file);
                byte[] b = reader.buffer();
                int row = writer.rowIndex();
                for (int i = 0; i < count; i++) {
                    int s = reader.start(i);
                    int e = reader.end(i);
                    boolean isNull;
                    if (text[i]) {
                        isNull = !reader.quoted(i) && TextValues.equalsAscii(b, s, e, nullBytes);
                    } else {
                        s = TextValues.trimStart(b, s, e);
                        e = TextValues.trimEnd(b, s, e);
                        isNull = s == e || TextValues.equalsAscii(b, s, e, nullBytes);
                    }
                    if (isNull) {
                        if (!nullable[i]) {
                            throw new VeilException(
                                    ErrorCode.NOT_NULL_VIOLATION,
                                    file + ":" + reader.line()
                                            + ": column '" + columns.get(i).name() + "' (" + ordinal(i + 1)
                                            + ") is NOT NULL, got an empty or NULL value");
                        }
                        writers[i].writeNull(row);
                        continue;
                    }
                    try {
                        writers[i].write(row, b, s, e);
                    } catch (BadValue bad) {
                        throw new VeilException(
                                ErrorCode.BAD_INPUT_FILE,
                                file + ":" + reader.line() + ": column '"
                                        + columns.get(i).name() + "' (" + ordinal(i + 1) + "): expected "
                                        + columns.get(i).type() + ", got " + bad.getMessage());
                    }
                }
                writer.endRow();
                reporter.row(writer.rowCount(), reader.bytesRead());
            }
            TableVersion version = writer.commit();
            reporter.done(writer.rowCount(), reader.bytesRead());
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

    /** The number of fields to use: {@code expected}, after allowing one trailing empty field. */
    private static int checkFieldCount(CsvReader reader, int expected, Path file) {
        int found = reader.fieldCount();
        if (found == expected) {
            return expected;
        }
        if (found == expected + 1 && !reader.quoted(expected) && reader.start(expected) == reader.end(expected)) {
            return expected;
        }
        throw new VeilException(
                ErrorCode.BAD_INPUT_FILE,
                file + ":" + reader.line() + ": expected " + expected + (expected == 1 ? " field" : " fields")
                        + ", found " + found);
    }

    private static CsvReader open(Warehouse warehouse, Path file, CsvOptions options) {
        try {
            return new CsvReader(UploadArea.openForLoad(warehouse, file), file.toString(), options);
        } catch (NoSuchFileException e) {
            throw new VeilException(ErrorCode.FILE_NOT_FOUND, "File '" + file + "' not found", e);
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    private static VeilException cannotRead(Path file, IOException e) {
        return new VeilException(ErrorCode.BAD_INPUT_FILE, "Cannot read '" + file + "': " + e.getMessage(), e);
    }

    /** 1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, ..., 21st, ... */
    static String ordinal(int n) {
        int lastTwo = n % 100;
        String suffix;
        if (lastTwo >= 11 && lastTwo <= 13) {
            suffix = "th";
        } else {
            suffix = switch (n % 10) {
                case 1 -> "st";
                case 2 -> "nd";
                case 3 -> "rd";
                default -> "th";
            };
        }
        return n + suffix;
    }
}
