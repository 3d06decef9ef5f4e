package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.NameSuggestions;
import dev.veil.schema.StoredView;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.Table;

/**
 * Turns Calcite's validation errors into Veil's: a stable code, the position in the statement,
 * and for unknown names the nearest existing one.
 */
final class SqlErrors {
    private static final Pattern OBJECT_WITHIN = Pattern.compile("Object '([^']*)' not found within '([^']*)'.*");
    private static final Pattern OBJECT = Pattern.compile("Object '([^']*)' not found.*");
    private static final Pattern TABLE = Pattern.compile("Table '([^']*)' not found.*");
    private static final Pattern COLUMN =
            Pattern.compile("Column '([^']*)' not found in (?:any table|table '[^']*').*");

    private SqlErrors() {}

    static VeilException translate(RuntimeException e, CalciteCatalogReader catalog) {
        if (e instanceof VeilException v) {
            return v;
        }
        if (!(e instanceof CalciteContextException context)) {
            if (e.getCause() instanceof VeilException v) {
                return v;
            }
            if (e instanceof ClassCastException
                    || e instanceof NullPointerException
                    || e instanceof IndexOutOfBoundsException
                    || e instanceof IllegalStateException) {
                // A fault in the planner rather than in the statement: its Java text means nothing to the user.
                return VeilException.internal("Internal error while planning the statement; it was not run", e);
            }
            return new VeilException(ErrorCode.INVALID_STATEMENT, "Invalid statement: " + e.getMessage(), e);
        }
        String message = context.getCause() != null ? context.getCause().getMessage() : context.getMessage();
        if (message == null) {
            message = "invalid statement";
        }
        String where = " (line " + context.getPosLine() + ", column " + context.getPosColumn() + ")";
        Matcher m;
        if ((m = OBJECT_WITHIN.matcher(message)).matches()) {
            String schema = m.group(2);
            String name = schema + "." + m.group(1);
            return new VeilException(
                    ErrorCode.UNKNOWN_TABLE,
                    "Table '" + name + "' not found" + where + NameSuggestions.hint(name, qualifiedTableNames(catalog)),
                    e);
        }
        if ((m = OBJECT.matcher(message)).matches() || (m = TABLE.matcher(message)).matches()) {
            String name = m.group(1);
            List<String> candidates = qualifiedTableNames(catalog);
            candidates.addAll(tableNames(catalog, PlannerContext.DEFAULT_SCHEMA));
            return new VeilException(
                    ErrorCode.UNKNOWN_TABLE,
                    "Table '" + name + "' not found" + where + NameSuggestions.hint(name, candidates),
                    e);
        }
        if ((m = COLUMN.matcher(message)).matches()) {
            String name = m.group(1);
            return new VeilException(
                    ErrorCode.UNKNOWN_COLUMN,
                    "Column '" + name + "' not found" + where + NameSuggestions.hint(name, columnNames(catalog)),
                    e);
        }
        if (message.contains("does not allow NULLs")) {
            return new VeilException(ErrorCode.NOT_NULL_VIOLATION, message + where, e);
        }
        if (message.startsWith("Cannot apply")
                || message.contains("Cannot assign")
                || message.startsWith("Cannot infer")
                || message.contains("incompatible")) {
            return new VeilException(ErrorCode.TYPE_MISMATCH, message + where, e);
        }
        return new VeilException(ErrorCode.INVALID_STATEMENT, message + where, e);
    }

    private static List<String> qualifiedTableNames(CalciteCatalogReader catalog) {
        List<String> names = new ArrayList<>();
        CalciteSchema root = catalog.getRootSchema();
        for (String schema : root.getSubSchemaMap().keySet()) {
            for (String table : tableNames(catalog, schema)) {
                names.add(schema + "." + table);
            }
        }
        return names;
    }

    private static List<String> tableNames(CalciteCatalogReader catalog, String schemaName) {
        CalciteSchema schema = catalog.getRootSchema().getSubSchema(schemaName, true);
        return schema == null ? new ArrayList<>() : new ArrayList<>(schema.getTableNames());
    }

    private static List<String> columnNames(CalciteCatalogReader catalog) {
        List<String> names = new ArrayList<>();
        CalciteSchema root = catalog.getRootSchema();
        for (CalciteSchema schema : root.getSubSchemaMap().values()) {
            for (String tableName : schema.getTableNames()) {
                CalciteSchema.TableEntry entry = schema.getTable(tableName, true);
                if (entry == null) {
                    continue;
                }
                Table table = entry.getTable();
                if (table instanceof StoredView) {
                    continue; // typing a view expands it: suggestions come from tables only
                }
                for (RelDataTypeField f :
                        table.getRowType(catalog.getTypeFactory()).getFieldList()) {
                    names.add(f.getName());
                }
            }
        }
        return names;
    }
}
