package dev.veil.cli;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableName;
import dev.veil.sql.CopyStatement;
import dev.veil.sql.PlannerContext;
import dev.veil.sql.StatementContext;
import dev.veil.sql.UpdateCount;
import dev.veil.storage.CsvOptions;
import dev.veil.storage.InputFormat;
import dev.veil.storage.LoadProgress;
import dev.veil.storage.UploadArea;
import dev.veil.storage.Warehouse;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code veil load}: loads a CSV, Arrow IPC or Parquet file (or Parquet folder) into a table, all or nothing. */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description = "Load a CSV, Arrow IPC or Parquet file into a table (created with inferred types if absent). "
                + "The load is all or nothing.")
final class LoadCommand extends PolicyCommand.Target implements Callable<Integer> {
    @Option(names = "--table", required = true, paramLabel = "SCHEMA.TABLE", description = "Target table.")
    String table;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--csv", paramLabel = "FILE", description = "A CSV file (RFC 4180).")
        Path csv;

        @Option(names = "--arrow", paramLabel = "FILE", description = "An Arrow IPC file.")
        Path arrow;

        @Option(
                names = "--parquet",
                paramLabel = "PATH",
                description = "A Parquet file, a folder of Parquet files, or a pattern such as 'data/*.parquet'.")
        String parquet;
    }

    @Option(names = "--header", description = "The CSV file's first line names the columns.")
    boolean header;

    @Option(names = "--delimiter", paramLabel = "C", description = "CSV field delimiter (default ','; '\\t' for tab).")
    String delimiter;

    @Option(names = "--null", paramLabel = "S", description = "The CSV text that means NULL (default: empty field).")
    String nullString;

    @Override
    public Integer call() throws SQLException {
        TableName name = tableName(table);
        CsvOptions options = CsvOptions.defaults().withHeader(header);
        if (delimiter != null) {
            String d = delimiter.equals("\\t") ? "\t" : delimiter;
            if (d.length() != 1) {
                throw new VeilException(ErrorCode.INVALID_ARGUMENT, "--delimiter must be one character");
            }
            options = options.withDelimiter(d.charAt(0));
        }
        if (nullString != null) {
            options = options.withNullString(nullString);
        }
        InputFormat format = source.parquet != null
                ? InputFormat.PARQUET
                : source.arrow != null ? InputFormat.ARROW : InputFormat.CSV;
        String written = switch (format) {
            case PARQUET -> source.parquet;
            case ARROW -> source.arrow.toString();
            case CSV -> source.csv.toString();
        };
        if (remote()) {
            return loadRemote(name, written, format);
        }
        List<Path> files = CopyStatement.files(written, format);
        try (Warehouse wh = Warehouse.open(where.warehouse);
                ProgressBar bar = ProgressBar.forTerminal(
                        files.size() == 1 ? files.get(0).getFileName().toString() : files.size() + " files")) {
            StatementContext context = context(wh);
            LoadProgress progress = bar == null ? LoadProgress.NONE : bar;
            long start = System.nanoTime();
            UpdateCount result = CopyStatement.load(name, files, format, options, context, progress);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    "%s in %.1f s (%,.0f rows/s)%n",
                    result.message(), seconds, result.rows() / Math.max(seconds, 1e-9));
        }
        return 0;
    }

    /**
     * Loads through a running server: the file is streamed to the server's upload area, then
     * {@code COPY ... FROM 'upload:<id>'} loads it there, all or nothing, with the same errors as
     * in-process. The files of a Parquet folder or pattern are uploaded one by one and loaded by one COPY.
     */
    private int loadRemote(TableName name, String written, InputFormat format) throws SQLException {
        List<Path> files = CopyStatement.files(written, format);
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            long start = System.nanoTime();
            List<String> ids = new ArrayList<>();
            for (Path file : files) {
                ids.add(upload(connection, file));
            }
            // One COPY for all the files: the load stays all or nothing, as in-process.
            statement.execute(
                    "COPY " + name + " FROM '" + UploadArea.SCHEME + String.join(",", ids) + "'" + copyOptions(format));
            long rows = statement.getUpdateCount();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    "%,d rows loaded into %s through %s in %.1f s (%,.0f rows/s)%n",
                    rows, name, where.url, seconds, rows / Math.max(seconds, 1e-9));
        }
        return 0;
    }

    /** The COPY options that say what the in-process load would have been told. */
    private String copyOptions(InputFormat format) {
        List<String> options = new ArrayList<>();
        options.add("FORMAT = '" + format.name().toLowerCase(Locale.ROOT) + "'");
        if (format == InputFormat.CSV) {
            options.add("HEADER = " + (header ? "TRUE" : "FALSE"));
            if (delimiter != null) {
                options.add("DELIMITER = " + quoted(delimiter));
            }
            if (nullString != null) {
                options.add("NULL = " + quoted(nullString));
            }
        }
        return " WITH (" + String.join(", ", options) + ")";
    }

    private static String quoted(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** The thin driver's upload (dev.veil.jdbc.FileUploads); the driver is on the class path, not a compile dependency. */
    private static String upload(Connection connection, Path file) throws SQLException {
        try {
            Class<?> uploads = Class.forName(SqlCommand.THIN_DRIVER_PACKAGE + ".FileUploads");
            Object target = connection.unwrap(uploads);
            return (String) uploads.getMethod("upload", Path.class).invoke(target, file);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new VeilException(ErrorCode.INTERNAL_ERROR, "Upload failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT, "--url needs Veil's thin JDBC driver on the class path: " + e);
        }
    }

    static TableName tableName(String text) {
        String[] parts = text.trim().split("\\.");
        if (parts.length == 1 && !parts[0].isEmpty()) {
            return new TableName(PlannerContext.DEFAULT_SCHEMA, parts[0].toLowerCase(java.util.Locale.ROOT));
        }
        if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
            return new TableName(
                    parts[0].toLowerCase(java.util.Locale.ROOT), parts[1].toLowerCase(java.util.Locale.ROOT));
        }
        throw new VeilException(
                ErrorCode.INVALID_ARGUMENT, "--table must be TABLE or SCHEMA.TABLE, got '" + text + "'");
    }
}
