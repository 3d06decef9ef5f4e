package dev.veil.sql.ast;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;

/** The statement {@code VACUUM}: deletes segment files that no table version in use references. */
public final class SqlVacuum extends SqlCall {
    private static final SqlOperator OPERATOR =
            new VeilOperator("VACUUM", SqlKind.OTHER, (pos, operands) -> new SqlVacuum(pos));

    public SqlVacuum(SqlParserPos pos) {
        super(pos);
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return List.of();
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("VACUUM");
    }
}
