package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.NameSuggestions;
import dev.veil.control.StatementControl;
import dev.veil.schema.VeilTypes;
import dev.veil.sql.ast.SqlCopyOption;
import dev.veil.sql.ast.SqlCopyTo;
import dev.veil.storage.ParquetFileWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Executes {@code COPY (query) TO 'file' [WITH (FORMAT = 'parquet' | 'csv', HEADER = TRUE,
 * DELIMITER = ',')]} and {@code COPY s.t TO 'file' ...} (admin only): runs the query as any query
 * of the user (the user's policies, purpose, consent and retention filters apply) and writes its
 * rows to a new file on the server, as {@link OutputFiles} writes files. The format is the
 * {@code FORMAT} option's, else the file name's ({@code .parquet}, {@code .pq}), else CSV.
 */
final class CopyToStatement {
    private static final List<String> OPTIONS = List.of("format", "header", "delimiter");
    private static final int ROWS_BETWEEN_CANCEL_CHECKS = 4096;

    private CopyToStatement() {}

    static UpdateCount execute(SqlCopyTo node, StatementContext context) {
        for (SqlCopyOption option : node.options()) {
            String key = option.name().toLowerCase(Locale.ROOT);
            if (!OPTIONS.contains(key)) {
                throw new VeilException(
                        ErrorCode.INVALID_ARGUMENT,
                        "Unknown COPY ... TO option '" + option.name() + "'; the options are FORMAT, HEADER, DELIMITER"
                                + NameSuggestions.hint(key, OPTIONS));
            }
        }
        boolean parquet = parquet(node);
        if (parquet
                && (node.option("header").isPresent()
                        || node.option("delimiter").isPresent())) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT, "COPY ... TO options HEADER and DELIMITER are for CSV, not Parquet");
        }
        Path target = OutputFiles.target(node.path(), context, "COPY");
        PlannedQuery query = PlannedQuery.plan(source(node), context);
        List<Column> columns = new ArrayList<>();
        for (ResultColumn c : query.columns()) {
            columns.add(new Column(
                    c.name(),
                    VeilTypes.toColumnType(c.type(), c.name()),
                    c.type().isNullable()));
        }
        Path temp = OutputFiles.temporary(target);
        Path work = OutputFiles.temporary(target);
        long rows;
        try (Enumerator<Object[]> result = query.execute(context)) {
            Iterator<Object[]> iterator = iterator(result, context.cancelFlag());
            if (parquet) {
                Files.createDirectory(work);
                rows = ParquetFileWriter.write(context.warehouse().allocator(), columns, iterator, work, temp);
            } else {
                rows = csv(temp, columns, iterator, header(node), delimiter(node));
            }
            OutputFiles.publish(temp, target, "COPY");
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot write the COPY file '" + target + "': " + e.getMessage(), e);
        } finally {
            OutputFiles.deleteQuietly(temp);
            OutputFiles.deleteQuietly(work);
        }
        return new UpdateCount(
                rows, rows + " rows written to '" + target + "' (" + (parquet ? "Parquet" : "CSV") + ")");
    }

    /** The query to run: as written, or {@code SELECT * FROM s.t} for a table. */
    private static SqlNode source(SqlCopyTo node) {
        Optional<SqlIdentifier> table = node.table();
        if (table.isEmpty()) {
            return node.source();
        }
        SqlParserPos pos = table.get().getParserPosition();
        return new SqlSelect(
                pos,
                null,
                SqlNodeList.of(SqlIdentifier.star(pos)),
                table.get(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    private static long csv(Path temp, List<Column> columns, Iterator<Object[]> rows, boolean header, char delimiter)
            throws IOException {
        long count = 0;
        try (FileChannel channel = OutputFiles.create(temp);
                Writer out = Channels.newWriter(channel, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            if (header) {
                ValueText.csvLine(line, columns.stream().map(Column::name).toList(), delimiter);
            }
            List<String> fields = new ArrayList<>(columns.size());
            while (rows.hasNext()) {
                Object[] row = rows.next();
                fields.clear();
                for (int c = 0; c < row.length; c++) {
                    fields.add(
                            row[c] == null
                                    ? null
                                    : ValueText.of(row[c], columns.get(c).type().type()));
                }
                ValueText.csvLine(line, fields, delimiter);
                count++;
                if (line.length() >= 1 << 16) {
                    out.write(line.toString());
                    line.setLength(0);
                }
            }
            out.write(line.toString());
        }
        return count;
    }

    private static boolean parquet(SqlCopyTo node) {
        Optional<String> format = CopyStatement.stringOption(node.option("format"), "format");
        if (format.isPresent()) {
            return switch (format.get().toLowerCase(Locale.ROOT)) {
                case "parquet" -> true;
                case "csv" -> false;
                default ->
                    throw new VeilException(
                            ErrorCode.INVALID_ARGUMENT,
                            "Unknown COPY ... TO format '" + format.get() + "'; use 'parquet' or 'csv'");
            };
        }
        String name = node.path().toLowerCase(Locale.ROOT);
        return name.endsWith(".parquet") || name.endsWith(".parq") || name.endsWith(".pq");
    }

    private static boolean header(SqlCopyTo node) {
        return node.option("header").map(CopyStatement::booleanOption).orElse(true);
    }

    private static char delimiter(SqlCopyTo node) {
        return CopyStatement.stringOption(node.option("delimiter"), "delimiter")
                .map(d -> CopyStatement.singleChar("DELIMITER", d))
                .orElse(',');
    }

    /** The rows, checking now and then whether the statement was cancelled. */
    private static Iterator<Object[]> iterator(Enumerator<Object[]> rows, AtomicBoolean cancelFlag) {
        return new Iterator<>() {
            private boolean ready;
            private boolean more;
            private int countdown = ROWS_BETWEEN_CANCEL_CHECKS;

            @Override
            public boolean hasNext() {
                if (!ready) {
                    if (--countdown <= 0) {
                        countdown = ROWS_BETWEEN_CANCEL_CHECKS;
                        StatementControl.check(cancelFlag);
                    }
                    more = rows.moveNext();
                    ready = true;
                }
                return more;
            }

            @Override
            public Object[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ready = false;
                return rows.current();
            }
        };
    }
}
