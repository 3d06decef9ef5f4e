package dev.veil.cli;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals;
import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.TableName;
import dev.veil.rewrite.MaskKey;
import dev.veil.rewrite.PrivacyRewriter;
import dev.veil.rewrite.UnrestrictedPolicies;
import dev.veil.sql.CopyStatement;
import dev.veil.sql.PlannerContext;
import dev.veil.sql.StatementContext;
import dev.veil.sql.UpdateCount;
import dev.veil.storage.CsvOptions;
import dev.veil.storage.LoadProgress;
import dev.veil.storage.Warehouse;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code veil load}: loads a CSV or Arrow IPC file into a table, all or nothing. */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description = "Load a CSV or Arrow IPC file into a table (created with inferred types if absent). "
                + "The load is all or nothing.")
final class LoadCommand implements Callable<Integer> {
    @Option(names = "--warehouse", required = true, paramLabel = "DIR", description = "The warehouse directory.")
    Path warehouse;

    @Option(names = "--table", required = true, paramLabel = "SCHEMA.TABLE", description = "Target table.")
    String table;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--csv", paramLabel = "FILE", description = "A CSV file (RFC 4180).")
        Path csv;

        @Option(names = "--arrow", paramLabel = "FILE", description = "An Arrow IPC file.")
        Path arrow;
    }

    @Option(names = "--header", description = "The CSV file's first line names the columns.")
    boolean header;

    @Option(names = "--delimiter", paramLabel = "C", description = "CSV field delimiter (default ','; '\\t' for tab).")
    String delimiter;

    @Option(names = "--null", paramLabel = "S", description = "The CSV text that means NULL (default: empty field).")
    String nullString;

    @picocli.CommandLine.Mixin
    KeyOptions keys = new KeyOptions();

    @Override
    public Integer call() {
        keys.register(warehouse);
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
        boolean arrow = source.arrow != null;
        Path file = arrow ? source.arrow : source.csv;
        try (Warehouse wh = Warehouse.open(warehouse);
                ProgressBar bar = ProgressBar.forTerminal(file.getFileName().toString())) {
            StatementContext context = new StatementContext(
                    wh,
                    new Principal("admin", Set.of(Principals.ADMIN)),
                    UnrestrictedPolicies.INSTANCE,
                    new AtomicBoolean(),
                    new PrivacyRewriter(MaskKey.of(wh.root(), wh.sqliteCatalog())));
            LoadProgress progress = bar == null ? LoadProgress.NONE : bar;
            long start = System.nanoTime();
            UpdateCount result = CopyStatement.load(name, file, arrow, options, context, progress);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    "%s in %.1f s (%,.0f rows/s)%n",
                    result.message(), seconds, result.rows() / Math.max(seconds, 1e-9));
        }
        return 0;
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
