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
import org.apache.calcite.util.Litmus;

/**
 * The statement {@code ALTER USER u PASSWORD 'x'}. The password is not an operand and is
 * written as {@code '***'} by {@code unparse} and {@code toString}; only {@link #password()}
 * gives it.
 */
public final class SqlAlterUserPassword extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator("ALTER USER PASSWORD", SqlKind.OTHER_DDL,
            (pos, operands) -> {
                throw new UnsupportedOperationException("ALTER USER PASSWORD cannot be rebuilt from operands: "
                        + "its password is not one; use clone");
            });

    private final SqlIdentifier user;
    private final String password;

    public SqlAlterUserPassword(SqlParserPos pos, SqlIdentifier user, String password) {
        super(pos);
        this.user = requireNonNull(user, "user is null");
        this.password = requireNonNull(password, "password is null");
        Nodes.checkSimpleName(user);
    }

    /** The user's name, a simple identifier. */
    public SqlIdentifier user() {
        return user;
    }

    /** The new password in clear text; never log or print it. */
    public String password() {
        return password;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(user);
    }

    @Override
    public SqlNode clone(SqlParserPos pos) {
        return new SqlAlterUserPassword(pos, user, password);
    }

    @Override
    public boolean equalsDeep(SqlNode node, Litmus litmus) {
        if (!super.equalsDeep(node, litmus)) {
            return false;
        }
        return node instanceof SqlAlterUserPassword that && password.equals(that.password)
                || litmus.fail("passwords differ");
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("ALTER USER");
        user.unparse(writer, 0, 0);
        Nodes.unparseMaskedPassword(writer);
    }
}
