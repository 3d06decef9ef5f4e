package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** The statement {@code GRANT ROLE r TO USER u}. */
public final class SqlGrantRole extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "GRANT ROLE",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlGrantRole(pos, (SqlIdentifier) operands.get(0), (SqlIdentifier) operands.get(1)));

    private final SqlIdentifier role;
    private final SqlIdentifier user;

    public SqlGrantRole(SqlParserPos pos, SqlIdentifier role, SqlIdentifier user) {
        super(pos);
        this.role = requireNonNull(role, "role is null");
        this.user = requireNonNull(user, "user is null");
        Nodes.checkSimpleName(role);
        Nodes.checkSimpleName(user);
    }

    public SqlIdentifier role() {
        return role;
    }

    public SqlIdentifier user() {
        return user;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(role, user);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("GRANT ROLE");
        role.unparse(writer, 0, 0);
        writer.keyword("TO USER");
        user.unparse(writer, 0, 0);
    }
}
