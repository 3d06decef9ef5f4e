package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Catalog;
import dev.veil.catalog.Column;
import dev.veil.catalog.ForeignTables;
import dev.veil.catalog.NameSuggestions;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.control.StatementControl;
import dev.veil.sql.ast.SqlCopy;
import dev.veil.sql.ast.SqlCopyOption;
import dev.veil.storage.ArrowFileLoader;
import dev.veil.storage.CsvLoader;
import dev.veil.storage.CsvOptions;
import dev.veil.storage.LoadFilter;
import dev.veil.storage.LoadProgress;
import dev.veil.storage.LoadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.calcite.sql.SqlLiteral;

/**
 * Executes {@code COPY s.t FROM 'file' [WITH (HEADER = TRUE, DELIMITER = ',', NULL = '', QUOTE = '"',
 * FORMAT = 'csv' | 'arrow', SKIP ERASED [TRUE | FALSE])}. The load is all or nothing. Rows of erased
 * privacy units are dropped ({@link SkipErased}). If the table does not exist it is
 * created with the types inferred from the file, and dropped again if the load fails.
 */
public final class CopyStatement {
    private static final List<String> OPTIONS =
            List.of("header", "delimiter", "null", "quote", "format", "skip erased");

    private CopyStatement() {}

    static UpdateCount execute(SqlCopy node, StatementContext context) {
        TableName name = SqlNames.tableName(node.table(), context);
        Path file = Path.of(node.path()).toAbsolutePath();
        for (SqlCopyOption option : node.options()) {
            String key = option.name().toLowerCase(Locale.ROOT);
            if (!OPTIONS.contains(key)) {
                throw new VeilException(
                        ErrorCode.INVALID_ARGUMENT,
                        "Unknown COPY option '" + option.name()
                                + "'; the options are HEADER, DELIMITER, NULL, QUOTE, FORMAT, SKIP ERASED"
                                + NameSuggestions.hint(key, OPTIONS));
            }
        }
        if (!Files.isRegularFile(file)) {
            throw new VeilException(ErrorCode.FILE_NOT_FOUND, "File '" + file + "' does not exist or is not a file");
        }
        String format = stringOption(node, "format")
                .map(s -> s.toLowerCase(Locale.ROOT))
                .orElse(isArrowFile(file) ? "arrow" : "csv");
        boolean arrow = switch (format) {
            case "csv" -> false;
            case "arrow" -> true;
            default ->
                throw new VeilException(
                        ErrorCode.INVALID_ARGUMENT, "Unknown COPY format '" + format + "'; use 'csv' or 'arrow'");
        };
        CsvOptions options = csvOptions(node);
        Optional<Boolean> skipErased = node.option("skip erased").map(o -> booleanOption("SKIP ERASED", o.value()));
        // The loader reports progress a few times a second: that is where a cancelled load stops.
        return load(
                name,
                file,
                arrow,
                options,
                context,
                (rows, bytesRead, totalBytes) -> StatementControl.check(context.cancelFlag()),
                skipErased);
    }

    /** Loads a file into a table (created from the file's columns if absent); also used by {@code veil load}. */
    public static UpdateCount load(
            TableName name,
            Path file,
            boolean arrow,
            CsvOptions options,
            StatementContext context,
            LoadProgress progress) {
        return load(name, file, arrow, options, context, progress, Optional.empty());
    }

    /**
     * As {@link #load(TableName, Path, boolean, CsvOptions, StatementContext, LoadProgress)}, with
     * {@code SKIP ERASED} as given ({@link SkipErased}; empty: the default, on for tables with a
     * privacy unit).
     */
    public static UpdateCount load(
            TableName name,
            Path file,
            boolean arrow,
            CsvOptions options,
            StatementContext context,
            LoadProgress progress,
            Optional<Boolean> skipErased) {
        var catalog = context.warehouse().catalog();
        Optional<TableDef> existing = catalog.table(name);
        boolean created = existing.isEmpty();
        boolean createdSchema = false;
        TableDef table;
        if (existing.isPresent()) {
            table = existing.get();
            if (new ForeignTables(context.warehouse().sqliteCatalog())
                    .foreignTable(table.id())
                    .isPresent()) {
                throw new VeilException(
                        ErrorCode.NOT_SUPPORTED,
                        "Table '" + name + "' is a foreign table; load its rows into its remote database");
            }
        } else {
            // The file is read for its columns before anything is created, so a bad file leaves no trace.
            List<Column> columns = arrow ? ArrowFileLoader.inferColumns(file) : CsvLoader.inferColumns(file, options);
            if (!catalog.schemaExists(name.schema())) {
                catalog.createSchema(name.schema(), true);
                createdSchema = true;
            }
            try {
                table = catalog.createTable(name, columns, false);
            } catch (RuntimeException e) {
                dropCreatedSchema(catalog, name, createdSchema, e);
                throw e;
            }
        }
        try {
            LoadFilter filter = SkipErased.filter(context, table, skipErased).orElse(null);
            LoadResult result = arrow
                    ? ArrowFileLoader.load(context.warehouse(), table, file, progress, filter)
                    : CsvLoader.load(context.warehouse(), table, file, options, progress, filter);
            String skipped = result.skipped() == 0
                    ? ""
                    : "; skipped " + result.skipped() + (result.skipped() == 1 ? " row" : " rows")
                            + " of erased privacy units";
            return new UpdateCount(
                    result.rows(),
                    result.rows() + " rows loaded into " + name + (created ? " (table created)" : "") + skipped);
        } catch (RuntimeException e) {
            // A failed load leaves the catalog as it was: no new table, and no new schema either.
            if (created) {
                catalog.dropTable(name, true);
            }
            dropCreatedSchema(catalog, name, createdSchema, e);
            throw e;
        }
    }

    private static void dropCreatedSchema(Catalog catalog, TableName name, boolean createdSchema, RuntimeException e) {
        if (!createdSchema) {
            return;
        }
        try {
            catalog.dropSchema(name.schema(), true);
        } catch (RuntimeException drop) {
            // Another statement put a table into the new schema meanwhile: it stays.
            e.addSuppressed(drop);
        }
    }

    private static boolean isArrowFile(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".arrow") || n.endsWith(".feather") || n.endsWith(".ipc");
    }

    private static CsvOptions csvOptions(SqlCopy node) {
        CsvOptions options = CsvOptions.defaults();
        Optional<SqlCopyOption> header = node.option("header");
        if (header.isPresent()) {
            SqlLiteral v = header.get().value();
            Object b = v.getValue();
            if (b instanceof Boolean bool) {
                options = options.withHeader(bool);
            } else {
                String s = v.toValue() == null ? "" : v.toValue().toLowerCase(Locale.ROOT);
                if (!s.equals("true") && !s.equals("false")) {
                    throw new VeilException(ErrorCode.INVALID_ARGUMENT, "COPY option HEADER must be TRUE or FALSE");
                }
                options = options.withHeader(s.equals("true"));
            }
        }
        Optional<String> delimiter = stringOption(node, "delimiter");
        if (delimiter.isPresent()) {
            options = options.withDelimiter(singleChar("DELIMITER", delimiter.get()));
        }
        Optional<String> quote = stringOption(node, "quote");
        if (quote.isPresent()) {
            options = options.withQuote(singleChar("QUOTE", quote.get()));
        }
        Optional<String> nullString = stringOption(node, "null");
        if (nullString.isPresent()) {
            options = options.withNullString(nullString.get());
        }
        return options;
    }

    private static boolean booleanOption(String option, SqlLiteral v) {
        if (v.getValue() instanceof Boolean b) {
            return b;
        }
        String s = v.toValue() == null ? "" : v.toValue().toLowerCase(Locale.ROOT);
        if (!s.equals("true") && !s.equals("false")) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "COPY option " + option + " must be TRUE or FALSE");
        }
        return s.equals("true");
    }

    private static char singleChar(String option, String value) {
        String v = value.equals("\\t") ? "\t" : value;
        if (v.length() != 1) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "COPY option " + option + " must be a single character, got " + v.length() + " characters");
        }
        return v.charAt(0);
    }

    private static Optional<String> stringOption(SqlCopy node, String name) {
        return node.option(name).map(o -> {
            String s = o.value().toValue();
            if (s == null) {
                throw new VeilException(
                        ErrorCode.INVALID_ARGUMENT, "COPY option " + name.toUpperCase(Locale.ROOT) + " needs a value");
            }
            return s;
        });
    }
}
