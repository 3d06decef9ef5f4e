package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;
import org.apache.calcite.util.Litmus;

/**
 * The statement {@code CREATE USER [IF NOT EXISTS] u PASSWORD 'x' [ROLE r]}. The password is
 * not an operand and is written as {@code '***'} by {@code unparse} and {@code toString};
 * only {@link #password()} gives it.
 */
public final class SqlCreateUser extends SqlCreate {
    private static final SqlOperator OPERATOR = new VeilOperator("CREATE USER", SqlKind.OTHER_DDL, (pos, operands) -> {
        throw new UnsupportedOperationException(
                "CREATE USER cannot be rebuilt from operands: " + "its password is not one; use clone");
    });

    private final SqlIdentifier name;
    private final String password;
    private final SqlIdentifier role;

    /** Creates the node; {@code role} is null when no ROLE was given. */
    public SqlCreateUser(
            SqlParserPos pos, boolean ifNotExists, SqlIdentifier name, String password, SqlIdentifier role) {
        super(OPERATOR, pos, false, ifNotExists);
        this.name = requireNonNull(name, "name is null");
        this.password = requireNonNull(password, "password is null");
        this.role = role;
        Nodes.checkSimpleName(name);
        if (role != null) {
            Nodes.checkSimpleName(role);
        }
    }

    /** The user's name, a simple identifier. */
    public SqlIdentifier name() {
        return name;
    }

    public boolean ifNotExists() {
        return ifNotExists;
    }

    /** The password in clear text; never log or print it. */
    public String password() {
        return password;
    }

    /** The role given with ROLE; without one the user is an analyst. */
    public Optional<SqlIdentifier> role() {
        return Optional.ofNullable(role);
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(Nodes.flag(ifNotExists), name, role);
    }

    @Override
    public SqlNode clone(SqlParserPos pos) {
        return new SqlCreateUser(pos, ifNotExists, name, password, role);
    }

    @Override
    public boolean equalsDeep(SqlNode node, Litmus litmus) {
        if (!super.equalsDeep(node, litmus)) {
            return false;
        }
        return node instanceof SqlCreateUser that && password.equals(that.password) || litmus.fail("passwords differ");
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("CREATE USER");
        if (ifNotExists) {
            writer.keyword("IF NOT EXISTS");
        }
        name.unparse(writer, 0, 0);
        Nodes.unparseMaskedPassword(writer);
        if (role != null) {
            writer.keyword("ROLE");
            role.unparse(writer, 0, 0);
        }
    }
}
