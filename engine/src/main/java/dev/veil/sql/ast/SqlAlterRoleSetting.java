package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;
import org.checkerframework.checker.nullness.qual.Nullable;

/** The statement {@code ALTER ROLE r SET setting = 'value'}, or {@code ALTER ROLE r RESET setting} (value null). */
public final class SqlAlterRoleSetting extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "ALTER ROLE SET",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlAlterRoleSetting(
                    pos, (SqlIdentifier) operands.get(0), (SqlIdentifier) operands.get(1), (SqlLiteral)
                            operands.get(2)));

    private final SqlIdentifier role;
    private final SqlIdentifier setting;
    private final @Nullable SqlLiteral value;

    public SqlAlterRoleSetting(
            SqlParserPos pos, SqlIdentifier role, SqlIdentifier setting, @Nullable SqlLiteral value) {
        super(pos);
        this.role = requireNonNull(role, "role is null");
        this.setting = requireNonNull(setting, "setting is null");
        this.value = value;
        Nodes.checkSimpleName(role);
        Nodes.checkSimpleName(setting);
    }

    /** The role's name. */
    public SqlIdentifier role() {
        return role;
    }

    /** The setting's name. */
    public SqlIdentifier setting() {
        return setting;
    }

    /** The new value, a string literal; null to reset the setting to the server's default. */
    public @Nullable SqlLiteral value() {
        return value;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(role, setting, value);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("ALTER ROLE");
        role.unparse(writer, 0, 0);
        if (value == null) {
            writer.keyword("RESET");
            setting.unparse(writer, 0, 0);
        } else {
            writer.keyword("SET");
            setting.unparse(writer, 0, 0);
            writer.keyword("=");
            value.unparse(writer, 0, 0);
        }
    }
}
