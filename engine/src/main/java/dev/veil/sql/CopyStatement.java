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
import dev.veil.storage.InputFiles;
import dev.veil.storage.InputFormat;
import dev.veil.storage.LoadFilter;
import dev.veil.storage.LoadProgress;
import dev.veil.storage.LoadResult;
import dev.veil.storage.ParquetFileLoader;
import dev.veil.storage.UploadArea;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.calcite.sql.SqlLiteral;

/**
 * Executes {@code COPY s.t FROM 'file' [WITH (HEADER = TRUE, DELIMITER = ',', NULL = '', QUOTE = '"',
 * FORMAT = 'csv' | 'arrow' | 'parquet', SKIP ERASED [TRUE | FALSE])}. The load is all or nothing; a
 * Parquet load may name a folder or a pattern ({@code 'data/*.parquet'}) and reads all its files
 * into one version. Rows of erased privacy units are dropped ({@link SkipErased}). If the table does not exist it is
 * created with the types inferred from the file, and dropped again if the load fails.
 */
public final class CopyStatement {
    private static final List<String> OPTIONS =
            List.of("header", "delimiter", "null", "quote", "format", "skip erased");

    private CopyStatement() {}

    static UpdateCount execute(SqlCopy node, StatementContext context) {
        TableName name = SqlNames.tableName(node.table(), context);
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
        Optional<String> formatName = stringOption(node, "format");
        CsvOptions options = csvOptions(node);
        Optional<Boolean> skipErased = node.option("skip erased").map(CopyStatement::booleanOption);
        // The loader reports progress a few times a second: that is where a cancelled load stops.
        LoadProgress progress = (rows, bytesRead, totalBytes) -> StatementControl.check(context.cancelFlag());
        if (node.path().startsWith(UploadArea.SCHEME)) {
            // Files this user uploaded (veil load --url), 'upload:<id>[,<id>...]': loaded once, then removed.
            UploadArea uploads = new UploadArea(context.warehouse());
            List<Path> files = new ArrayList<>();
            List<Path> plain = List.of();
            try {
                for (String id :
                        node.path().substring(UploadArea.SCHEME.length()).split(",", -1)) {
                    files.add(uploads.file(context.user(), id.strip()));
                }
                InputFormat format =
                        formatName.isPresent() ? InputFormat.named(formatName.get()) : InputFormat.guess(files.get(0));
                if (files.size() > 1 && format != InputFormat.PARQUET) {
                    throw new VeilException(
                            ErrorCode.INVALID_ARGUMENT, "Several uploads load together only as Parquet files");
                }
                if (format == InputFormat.PARQUET) {
                    plain = uploads.plainForNativeReader(files);
                    return load(name, plain, format, options, context, progress, skipErased);
                }
                return load(name, files, format, options, context, progress, skipErased);
            } finally {
                uploads.removePlain(plain);
                files.forEach(uploads::remove);
            }
        }
        InputFormat format = formatName.isPresent() ? InputFormat.named(formatName.get()) : guess(node.path());
        List<Path> files = files(node.path(), format);
        return load(name, files, format, options, context, progress, skipErased);
    }

    /** The format a path's name suggests; a path that is not one is INVALID_ARGUMENT. */
    private static InputFormat guess(String written) {
        try {
            return InputFormat.guess(Path.of(written).toAbsolutePath());
        } catch (InvalidPathException e) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT, "'" + written + "' is not a valid path: " + e.getMessage());
        }
    }

    /**
     * The files a load of {@code written} reads: one file for CSV and Arrow; for Parquet also a
     * folder (its {@code .parquet} files) or a pattern in the file name.
     */
    public static List<Path> files(String written, InputFormat format) {
        List<Path> files = InputFiles.resolve(written, ".parquet");
        if (format != InputFormat.PARQUET
                && (files.size() != 1 || !files.get(0).equals(Path.of(written).toAbsolutePath()))) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "'" + written + "': a " + format.name()
                            + " load reads one file; folders and patterns are for Parquet");
        }
        return files;
    }

    /** Loads files into a table (created from the first file's columns if absent); also used by {@code veil load}. */
    public static UpdateCount load(
            TableName name,
            List<Path> files,
            InputFormat format,
            CsvOptions options,
            StatementContext context,
            LoadProgress progress) {
        return load(name, files, format, options, context, progress, Optional.empty());
    }

    /**
     * As {@link #load(TableName, List, InputFormat, CsvOptions, StatementContext, LoadProgress)}, with
     * {@code SKIP ERASED} as given ({@link SkipErased}; empty: the default, on for tables with a
     * privacy unit).
     */
    public static UpdateCount load(
            TableName name,
            List<Path> files,
            InputFormat format,
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
            List<Column> columns = switch (format) {
                case CSV -> CsvLoader.inferColumns(context.warehouse(), files.get(0), options);
                case ARROW -> ArrowFileLoader.inferColumns(context.warehouse(), files.get(0));
                case PARQUET -> ParquetFileLoader.inferColumns(files);
            };
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
            LoadResult result = switch (format) {
                case CSV -> CsvLoader.load(context.warehouse(), table, files.get(0), options, progress, filter);
                case ARROW -> ArrowFileLoader.load(context.warehouse(), table, files.get(0), progress, filter);
                case PARQUET -> ParquetFileLoader.load(context.warehouse(), table, files, progress, filter);
            };
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

    private static CsvOptions csvOptions(SqlCopy node) {
        CsvOptions options = CsvOptions.defaults();
        Optional<SqlCopyOption> header = node.option("header");
        if (header.isPresent()) {
            options = options.withHeader(booleanOption(header.get()));
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

    /** The value of the HEADER option: TRUE or FALSE. */
    static boolean booleanOption(SqlCopyOption option) {
        SqlLiteral v = option.value();
        if (v.getValue() instanceof Boolean bool) {
            return bool;
        }
        String s = v.toValue() == null ? "" : v.toValue().toLowerCase(Locale.ROOT);
        if (!s.equals("true") && !s.equals("false")) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "COPY option " + option.name().toUpperCase(Locale.ROOT) + " must be TRUE or FALSE");
        }
        return s.equals("true");
    }

    static char singleChar(String option, String value) {
        String v = value.equals("\\t") ? "\t" : value;
        if (v.length() != 1) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "COPY option " + option + " must be a single character, got " + v.length() + " characters");
        }
        return v.charAt(0);
    }

    private static Optional<String> stringOption(SqlCopy node, String name) {
        return stringOption(node.option(name), name);
    }

    /** The text of an option given as a string (or number), if the option is there. */
    static Optional<String> stringOption(Optional<SqlCopyOption> option, String name) {
        return option.map(o -> {
            String s = o.value().toValue();
            if (s == null) {
                throw new VeilException(
                        ErrorCode.INVALID_ARGUMENT, "COPY option " + name.toUpperCase(Locale.ROOT) + " needs a value");
            }
            return s;
        });
    }
}
