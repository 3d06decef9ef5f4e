package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** The statement {@code CREATE [OR REPLACE] VIEW s.v [(c, ...)] AS query}. */
public final class SqlCreateView extends SqlCreate {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "CREATE VIEW",
            SqlKind.CREATE_VIEW,
            (pos, operands) -> new SqlCreateView(
                    pos,
                    Nodes.flag(operands.get(0)),
                    (SqlIdentifier) operands.get(1),
                    Nodes.list(operands.get(2), SqlIdentifier.class),
                    operands.get(3)));

    private final SqlIdentifier name;
    private final List<SqlIdentifier> columns;
    private final SqlNode query;

    /** Creates the node; {@code columns} is empty when the view has no column list. */
    public SqlCreateView(
            SqlParserPos pos, boolean replace, SqlIdentifier name, List<SqlIdentifier> columns, SqlNode query) {
        super(OPERATOR, pos, replace, false);
        this.name = requireNonNull(name, "name is null");
        this.columns = List.copyOf(requireNonNull(columns, "columns is null"));
        this.query = requireNonNull(query, "query is null");
        Nodes.checkTableName(name);
        this.columns.forEach(Nodes::checkSimpleName);
    }

    /** The view's name as written: {@code v} or {@code s.v}. */
    public SqlIdentifier name() {
        return name;
    }

    /** The column list; empty when the view's columns are named by its query. */
    public List<SqlIdentifier> columns() {
        return columns;
    }

    public SqlNode query() {
        return query;
    }

    public boolean replace() {
        return getReplace();
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(Nodes.flag(getReplace()), name, Nodes.list(columns), query);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword(getReplace() ? "CREATE OR REPLACE VIEW" : "CREATE VIEW");
        name.unparse(writer, 0, 0);
        if (!columns.isEmpty()) {
            Nodes.unparseParenthesized(writer, columns);
        }
        writer.keyword("AS");
        query.unparse(writer, 0, 0);
    }
}
