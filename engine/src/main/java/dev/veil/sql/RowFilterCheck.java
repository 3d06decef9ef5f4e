package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.NameSuggestions;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.sql.parser.VeilParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Checks a row filter predicate before it is stored: it parses, it is a condition over the
 * table's own columns (unqualified, no sub-queries), and it validates as the WHERE clause of a
 * query on the table. Its canonical text (identifiers in double quotes) is what gets stored and
 * what the privacy rewrite parses back.
 */
public final class RowFilterCheck {
    /** Functions without arguments that a predicate may name like a column, e.g. {@code owner = CURRENT_USER}. */
    private static final Set<String> NILADIC_FUNCTIONS = Set.of("current_user", "session_user", "system_user", "user",
            "current_role", "current_date", "current_time", "current_timestamp", "localtime", "localtimestamp");

    private RowFilterCheck() {
    }

    /** Parses {@code predicate} and checks it; returns its canonical text. */
    public static String canonical(StatementContext context, TableName table, String predicate) {
        SqlNode node;
        try {
            node = VeilParser.parseExpression(predicate);
        } catch (VeilException e) {
            throw invalid(table, e.getMessage());
        }
        return canonical(context, table, node);
    }

    /** Checks a parsed predicate; returns its canonical text. */
    public static String canonical(StatementContext context, TableName table, SqlNode predicate) {
        Optional<TableDef> def = context.warehouse().catalog().table(table);
        if (def.isEmpty()) {
            List<String> all = new ArrayList<>();
            for (String schema : context.warehouse().catalog().schemas()) {
                context.warehouse().catalog().tables(schema).forEach(t -> all.add(t.name().toString()));
            }
            throw invalid(table, "table '" + table + "' not found" + NameSuggestions.hint(table.toString(), all));
        }
        checkNames(table, def.get(), predicate);
        String text = VeilParser.unparse(predicate);
        String query = "SELECT 1 FROM " + quote(table.schema()) + "." + quote(table.table()) + " WHERE " + text;
        try {
            new PlannerContext(context.warehouse(), context.principal(), context.policies()).validate(VeilParser.parse(query));
        } catch (VeilException e) {
            throw invalid(table, e.getMessage());
        }
        return text;
    }

    private static void checkNames(TableName table, TableDef def, SqlNode predicate) {
        List<String> columns = def.columns().stream().map(Column::name).toList();
        predicate.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlIdentifier id) {
                if (!id.isSimple()) {
                    throw invalid(table, "it names '" + id + "'; a row filter names the table's own columns, "
                            + "unqualified");
                }
                String name = id.getSimple();
                if (!columns.contains(name) && !NILADIC_FUNCTIONS.contains(name.toLowerCase(Locale.ROOT))) {
                    throw invalid(table, "column '" + name + "' not found in table '" + table + "'"
                            + NameSuggestions.hint(name, columns));
                }
                return null;
            }

            @Override
            public Void visit(SqlCall call) {
                if (call.getKind() == SqlKind.SELECT || call.isA(SqlKind.QUERY)) {
                    throw invalid(table, "a row filter cannot hold a sub-query; it is a condition on one row");
                }
                return super.visit(call);
            }
        });
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static VeilException invalid(TableName table, String problem) {
        return new VeilException(ErrorCode.INVALID_POLICY,
                "Policy ROW FILTER on '" + table + "' is invalid: " + problem);
    }
}
