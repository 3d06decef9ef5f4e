package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * The statement {@code ALTER ROLE r SET STATEMENT_TIMEOUT = '30s'}, or {@code = DEFAULT} to go
 * back to the server's limit.
 */
public final class SqlSetStatementTimeout extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator("SET STATEMENT_TIMEOUT", SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlSetStatementTimeout(pos, (SqlIdentifier) operands.get(0),
                    (SqlLiteral) operands.get(1)));

    private final SqlIdentifier role;
    private final Optional<String> timeout;

    /** {@code timeout} is the string literal as written, or null for DEFAULT. */
    public SqlSetStatementTimeout(SqlParserPos pos, SqlIdentifier role, SqlLiteral timeout) {
        super(pos);
        this.role = requireNonNull(role, "role is null");
        Nodes.checkSimpleName(role);
        this.timeout = timeout == null ? Optional.empty()
                : Optional.of(timeout.getValueAs(String.class));
    }

    /** The role's name. */
    public SqlIdentifier role() {
        return role;
    }

    /** The limit as written ({@code '30s'}); empty for DEFAULT. */
    public Optional<String> timeout() {
        return timeout;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(role,
                timeout.map(t -> (SqlNode) SqlLiteral.createCharString(t, SqlParserPos.ZERO)).orElse(null));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("ALTER ROLE");
        role.unparse(writer, 0, 0);
        writer.keyword("SET STATEMENT_TIMEOUT =");
        if (timeout.isPresent()) {
            writer.literal("'" + timeout.get().replace("'", "''") + "'");
        } else {
            writer.keyword("DEFAULT");
        }
    }
}
