package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.audit.ErasureLog;
import dev.veil.catalog.Column;
import dev.veil.catalog.TableName;
import dev.veil.catalog.VeilType;
import dev.veil.sql.ast.SqlExportUnit;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Executes {@code EXPORT PRIVACY UNIT value OF s.t TO 'file' [FORMAT JSON | CSV]} (admin only):
 * writes every row of one privacy unit, in every table that reaches it ({@link UnitRows}), with
 * table and column names, to one file. Masks do not apply: it is the person's own data. The rows
 * come from one consistent snapshot of the tables.
 *
 * <p>The file is new: an existing file (or link) of that name is never overwritten, the file may
 * not be inside the warehouse directory, and its directory must exist. It is written to a
 * temporary file in the same directory (readable by its owner only), forced to disk, and then
 * linked to its name, which fails if the name was taken meanwhile: a reader never sees half a
 * file. The export is recorded in the erasure log (the unit's fingerprint and rows per table).
 */
final class ExportUnitStatement {

    private ExportUnitStatement() {}

    /** The formats of an export. */
    enum Format {
        JSON,
        CSV
    }

    private record TableRows(UnitRows.Reached table, List<Object[]> rows) {}

    static UpdateCount execute(SqlExportUnit node, StatementContext context) {
        Format format = format(node);
        TableName unitTable = SqlNames.tableName(node.table(), context);
        Path target = OutputFiles.target(node.file(), context, "EXPORT");
        UnitRows unit = UnitRows.resolve(context, unitTable, node.value());
        Map<Long, TableRows> tables = new LinkedHashMap<>();
        for (UnitRows.Reached r : unit.reached()) {
            tables.put(r.table().id(), new TableRows(r, new ArrayList<>()));
        }
        unit.walk(false, (r, row) -> tables.get(r.table().id()).rows().add(row));
        String unitColumn = unit.reached().get(0).path().unitColumn();
        String text = format == Format.JSON
                ? json(unitTable, unitColumn, unit.canonicalValue(), tables.values())
                : csv(unitTable, unitColumn, unit.canonicalValue(), tables.values());
        write(target, text);
        Map<String, Long> counts = new LinkedHashMap<>();
        long total = 0;
        for (TableRows t : tables.values()) {
            counts.put(t.table().table().name().toString(), (long) t.rows().size());
            total += t.rows().size();
        }
        ErasureLog log = new ErasureLog(context.warehouse().sqliteCatalog());
        log.append(
                context.user(),
                ErasureLog.Action.EXPORT,
                unitTable.toString(),
                log.fingerprint(unitTable.toString(), unit.canonicalValue()),
                counts);
        return new UpdateCount(
                total,
                "Exported the privacy unit of " + unitTable + " to '" + target + "' (" + format + "): "
                        + UnitRows.describe(counts));
    }

    private static Format format(SqlExportUnit node) {
        String name = node.format().orElse("JSON").toUpperCase(Locale.ROOT);
        try {
            return Format.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT, "Unknown export format '" + name + "'; use FORMAT JSON or FORMAT CSV");
        }
    }

    /** Writes {@code text} to a new file {@code target} ({@link OutputFiles}). */
    private static void write(Path target, String text) {
        Path temp = OutputFiles.temporary(target);
        try {
            try (FileChannel channel = OutputFiles.create(temp);
                    Writer out = Channels.newWriter(channel, StandardCharsets.UTF_8)) {
                out.write(text);
            }
            OutputFiles.publish(temp, target, "EXPORT");
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot write the export file '" + target + "': " + e.getMessage(), e);
        } finally {
            OutputFiles.deleteQuietly(temp);
        }
    }

    // ---------------------------------------------------------------- JSON

    private static String json(TableName unitTable, String unitColumn, String unitValue, Iterable<TableRows> tables) {
        StringBuilder out = new StringBuilder();
        out.append("{\n  \"unit\": {\"table\": ");
        jsonString(out, unitTable.toString());
        out.append(", \"column\": ");
        jsonString(out, unitColumn);
        out.append(", \"value\": ");
        jsonString(out, unitValue);
        out.append("},\n  \"exported_at\": ");
        jsonString(out, Instant.now().toString());
        out.append(",\n  \"tables\": [");
        boolean firstTable = true;
        for (TableRows t : tables) {
            out.append(firstTable ? "\n" : ",\n");
            firstTable = false;
            List<Column> columns = t.table().table().columns();
            out.append("    {\"table\": ");
            jsonString(out, t.table().table().name().toString());
            out.append(", \"columns\": [");
            for (int c = 0; c < columns.size(); c++) {
                out.append(c == 0 ? "" : ", ");
                jsonString(out, columns.get(c).name());
            }
            out.append("], \"types\": [");
            for (int c = 0; c < columns.size(); c++) {
                out.append(c == 0 ? "" : ", ");
                jsonString(out, columns.get(c).type().sql());
            }
            out.append("],\n     \"rows\": [");
            for (int r = 0; r < t.rows().size(); r++) {
                out.append(r == 0 ? "\n       [" : ",\n       [");
                Object[] row = t.rows().get(r);
                for (int c = 0; c < row.length; c++) {
                    out.append(c == 0 ? "" : ", ");
                    jsonValue(out, row[c], columns.get(c));
                }
                out.append(']');
            }
            out.append(t.rows().isEmpty() ? "]}" : "\n     ]}");
        }
        out.append(firstTable ? "]\n}\n" : "\n  ]\n}\n");
        return out.toString();
    }

    private static void jsonValue(StringBuilder out, Object value, Column column) {
        if (value == null) {
            out.append("null");
            return;
        }
        VeilType type = column.type().type();
        switch (type) {
            case BOOLEAN, INTEGER, BIGINT -> out.append(value);
            case DECIMAL -> out.append(((BigDecimal) value).toPlainString());
            case DOUBLE -> {
                double d = (Double) value;
                if (Double.isFinite(d)) {
                    out.append(value);
                } else {
                    jsonString(out, String.valueOf(d));
                }
            }
            default -> jsonString(out, ValueText.of(value, type));
        }
    }

    private static void jsonString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (ch < 0x20 || ch == 0x2028 || ch == 0x2029) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        out.append('"');
    }

    // ---------------------------------------------------------------- CSV

    /**
     * RFC 4180 CSV in sections: a first line {@code unit,<table>,<column>,<value>}, then per table
     * an empty line, a line {@code table,<schema.table>,<row count>}, the column names, and the
     * rows. NULL is an empty unquoted field; any field holding a comma, a quote, a line break or
     * nothing at all (the empty string) is quoted.
     */
    private static String csv(TableName unitTable, String unitColumn, String unitValue, Iterable<TableRows> tables) {
        StringBuilder out = new StringBuilder();
        ValueText.csvLine(out, List.of("unit", unitTable.toString(), unitColumn, unitValue), ',');
        for (TableRows t : tables) {
            out.append("\r\n");
            ValueText.csvLine(
                    out,
                    List.of(
                            "table",
                            t.table().table().name().toString(),
                            String.valueOf(t.rows().size())),
                    ',');
            List<Column> columns = t.table().table().columns();
            ValueText.csvLine(out, columns.stream().map(Column::name).toList(), ',');
            for (Object[] row : t.rows()) {
                List<String> fields = new ArrayList<>(row.length);
                for (int c = 0; c < row.length; c++) {
                    fields.add(
                            row[c] == null
                                    ? null
                                    : ValueText.of(row[c], columns.get(c).type().type()));
                }
                ValueText.csvLine(out, fields, ',');
            }
        }
        return out.toString();
    }
}
