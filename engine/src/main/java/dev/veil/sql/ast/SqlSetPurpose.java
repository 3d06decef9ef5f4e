package dev.veil.sql.ast;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** The session statements {@code SET PURPOSE p} and {@code SHOW PURPOSE} (with no purpose). */
public final class SqlSetPurpose extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "SET PURPOSE", SqlKind.OTHER, (pos, operands) -> new SqlSetPurpose(pos, (SqlIdentifier) operands.get(0)));

    private final SqlIdentifier purpose;

    /** @param purpose the purpose to set, or null for {@code SHOW PURPOSE} */
    public SqlSetPurpose(SqlParserPos pos, SqlIdentifier purpose) {
        super(pos);
        this.purpose = purpose;
        if (purpose != null) {
            Nodes.checkSimpleName(purpose);
        }
    }

    /** The purpose to set; null for {@code SHOW PURPOSE}. */
    public SqlIdentifier purpose() {
        return purpose;
    }

    public boolean isShow() {
        return purpose == null;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(purpose);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        if (purpose == null) {
            writer.keyword("SHOW PURPOSE");
        } else {
            writer.keyword("SET PURPOSE");
            purpose.unparse(writer, 0, 0);
        }
    }
}
