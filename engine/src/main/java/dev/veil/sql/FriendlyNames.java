package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.pretty.SqlPrettyWriter;

/**
 * Names the unaliased expressions of every SELECT list after their text, as DuckDB does:
 * {@code SELECT COUNT(*), SUM(price) FROM t} returns the columns {@code count(*)} and
 * {@code sum(price)}, not Calcite's {@code EXPR$0} and {@code EXPR$1}. Runs on the parsed query,
 * before validation expands it, by adding {@code AS} to each item that is neither a column nor
 * already aliased; the name is the expression in lower-case keywords with identifiers quoted only
 * where needed. A name that another item of the same list already has gets {@code _1}, {@code _2},
 * ... appended, so a list's names stay unique. Names are labels only: the privacy rewrite works on
 * the plan's fields by position.
 */
final class FriendlyNames {
    /** Names longer than this are cut: a label, not a copy of the statement. */
    static final int MAX_LENGTH = 128;

    private static final SqlDialect DIALECT = PostgresqlSqlDialect.DEFAULT;

    private FriendlyNames() {}

    /** Adds the aliases to every SELECT list of {@code node}, in place; returns {@code node}. */
    static SqlNode apply(SqlNode node) {
        requireNonNull(node, "node is null");
        visit(node);
        return node;
    }

    private static void visit(SqlNode node) {
        if (node instanceof SqlNodeList list) {
            for (SqlNode item : list) {
                if (item != null) {
                    visit(item);
                }
            }
        } else if (node instanceof SqlCall call) {
            if (call instanceof SqlSelect select) {
                name(select);
            }
            for (SqlNode operand : call.getOperandList()) {
                if (operand != null) {
                    visit(operand);
                }
            }
        }
    }

    private static void name(SqlSelect select) {
        SqlNodeList items = select.getSelectList();
        if (items == null) {
            return;
        }
        Set<String> taken = new HashSet<>();
        for (SqlNode item : items) {
            explicitName(item).ifPresent(taken::add);
        }
        List<SqlNode> named = new ArrayList<>();
        boolean changed = false;
        for (SqlNode item : items) {
            if (item instanceof SqlIdentifier || item.getKind() == SqlKind.AS) {
                named.add(item);
                continue;
            }
            String name = unique(text(item), taken);
            taken.add(name);
            named.add(new SqlBasicCall(
                    SqlStdOperatorTable.AS,
                    List.of(item, new SqlIdentifier(name, item.getParserPosition())),
                    item.getParserPosition()));
            changed = true;
        }
        if (changed) {
            select.setSelectList(new SqlNodeList(named, items.getParserPosition()));
        }
    }

    /** The name an item has without help: its alias, or a column's name; empty for an expression. */
    private static Optional<String> explicitName(SqlNode item) {
        if (item.getKind() == SqlKind.AS) {
            SqlNode alias = ((SqlCall) item).operand(1);
            return alias instanceof SqlIdentifier id && id.isSimple() ? Optional.of(id.getSimple()) : Optional.empty();
        }
        if (item instanceof SqlIdentifier id) {
            return id.isStar() ? Optional.empty() : Optional.of(id.names.get(id.names.size() - 1));
        }
        return Optional.empty();
    }

    private static String unique(String name, Set<String> taken) {
        if (!taken.contains(name)) {
            return name;
        }
        for (int i = 1; ; i++) {
            String candidate = name + "_" + i;
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }

    /** The expression as a label: lower-case keywords, identifiers quoted only where needed, one line. */
    static String text(SqlNode expression) {
        SqlPrettyWriter writer = new SqlPrettyWriter(SqlPrettyWriter.config()
                .withDialect(DIALECT)
                .withKeywordsLowerCase(true)
                .withQuoteAllIdentifiers(false)
                .withAlwaysUseParentheses(false)
                .withSelectListItemsOnSeparateLines(false)
                .withIndentation(0));
        expression.unparse(writer, 0, 0);
        String text = writer.toSqlString().getSql().replaceAll("\\s+", " ").trim();
        if (text.length() > MAX_LENGTH) {
            text = text.substring(0, MAX_LENGTH);
        }
        return text.isEmpty() ? "expr" : text;
    }
}
