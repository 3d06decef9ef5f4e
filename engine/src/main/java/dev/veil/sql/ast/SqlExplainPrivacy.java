package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * The statement {@code EXPLAIN PRIVACY query}: shows the policies and rewrites a query would
 * get and its privacy cost, without reading data or spending budget.
 */
public final class SqlExplainPrivacy extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "EXPLAIN PRIVACY", SqlKind.OTHER, (pos, operands) -> new SqlExplainPrivacy(pos, operands.get(0)));

    private final SqlNode query;

    public SqlExplainPrivacy(SqlParserPos pos, SqlNode query) {
        super(pos);
        this.query = requireNonNull(query, "query is null");
    }

    /** The query to explain, as parsed (a SELECT, set operation, VALUES, or ORDER BY over one). */
    public SqlNode query() {
        return query;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(query);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("EXPLAIN PRIVACY");
        writer.newlineAndIndent();
        query.unparse(writer, 0, 0);
    }
}
