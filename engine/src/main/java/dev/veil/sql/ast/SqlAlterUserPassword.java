package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.Litmus;

/**
 * The statement {@code ALTER USER u PASSWORD 'x'}, or {@code ALTER USER CURRENT_USER PASSWORD 'x'}
 * for the user who runs it (then {@link #user()} is empty). The password is not an operand and is
 * written as {@code '***'} by {@code unparse} and {@code toString}; only {@link #password()}
 * gives it.
 */
public final class SqlAlterUserPassword extends SqlCall {
    private static final SqlOperator OPERATOR =
            new VeilOperator("ALTER USER PASSWORD", SqlKind.OTHER_DDL, (pos, operands) -> {
                throw new UnsupportedOperationException(
                        "ALTER USER PASSWORD cannot be rebuilt from operands: " + "its password is not one; use clone");
            });

    /** The user's name; null for CURRENT_USER. */
    private final SqlIdentifier user;

    private final String password;

    public SqlAlterUserPassword(SqlParserPos pos, SqlIdentifier user, String password) {
        this(pos, requireNonNull(user, "user is null"), password, true);
        Nodes.checkSimpleName(user);
    }

    private SqlAlterUserPassword(SqlParserPos pos, SqlIdentifier user, String password, boolean ignored) {
        super(pos);
        this.user = user;
        this.password = requireNonNull(password, "password is null");
    }

    /** {@code ALTER USER CURRENT_USER PASSWORD 'x'}. */
    public static SqlAlterUserPassword ofCurrentUser(SqlParserPos pos, String password) {
        return new SqlAlterUserPassword(pos, null, password, true);
    }

    /** The user's name, a simple identifier; empty for CURRENT_USER, the user who runs the statement. */
    public Optional<SqlIdentifier> user() {
        return Optional.ofNullable(user);
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
        return user == null ? List.of() : List.of(user);
    }

    @Override
    public SqlNode clone(SqlParserPos pos) {
        return new SqlAlterUserPassword(pos, user, password, true);
    }

    @Override
    public boolean equalsDeep(SqlNode node, Litmus litmus) {
        if (!super.equalsDeep(node, litmus)) {
            return false;
        }
        return node instanceof SqlAlterUserPassword that
                        && password.equals(that.password)
                        && (user == null) == (that.user == null)
                || litmus.fail("passwords or users differ");
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("ALTER USER");
        if (user == null) {
            writer.keyword("CURRENT_USER");
        } else {
            user.unparse(writer, 0, 0);
        }
        Nodes.unparseMaskedPassword(writer);
    }
}
