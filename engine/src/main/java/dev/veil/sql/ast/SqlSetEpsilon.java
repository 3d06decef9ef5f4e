package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** The session statement {@code SET EPSILON = x}: the epsilon each query spends from now on. */
public final class SqlSetEpsilon extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "SET EPSILON", SqlKind.OTHER, (pos, operands) -> new SqlSetEpsilon(pos, Nodes.number(operands.get(0))));

    private final BigDecimal epsilon;

    public SqlSetEpsilon(SqlParserPos pos, BigDecimal epsilon) {
        super(pos);
        this.epsilon = requireNonNull(epsilon, "epsilon is null");
    }

    /** The value as written (not range-checked). */
    public BigDecimal epsilon() {
        return epsilon;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(Nodes.number(epsilon));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("SET EPSILON =");
        Nodes.unparseNumber(writer, epsilon);
    }
}
