package dev.veil.sql.ast;

import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** The statement {@code CANCEL STATEMENT id}: stops a running statement, named by its audit id. */
public final class SqlCancelStatement extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "CANCEL STATEMENT",
            SqlKind.OTHER,
            (pos, operands) -> new SqlCancelStatement(pos, (SqlLiteral) operands.get(0)));

    private final BigDecimal id;

    public SqlCancelStatement(SqlParserPos pos, SqlLiteral id) {
        super(pos);
        this.id = Nodes.number(id);
    }

    /** The id as written (not range-checked). */
    public BigDecimal id() {
        return id;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(Nodes.number(id));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("CANCEL STATEMENT");
        Nodes.unparseNumber(writer, id);
    }
}
