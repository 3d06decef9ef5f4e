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

/** The statement {@code ALTER USER u SET PRIVACY BUDGET b} or {@code ALTER ROLE r SET PRIVACY BUDGET b}. */
public final class SqlSetPrivacyBudget extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "SET PRIVACY BUDGET",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlSetPrivacyBudget(
                    pos,
                    Nodes.symbol(operands.get(0), PrincipalKind.class),
                    (SqlIdentifier) operands.get(1),
                    (SqlIdentifier) operands.get(2)));

    private final PrincipalKind principalKind;
    private final SqlIdentifier principal;
    private final SqlIdentifier budget;

    public SqlSetPrivacyBudget(
            SqlParserPos pos, PrincipalKind principalKind, SqlIdentifier principal, SqlIdentifier budget) {
        super(pos);
        this.principalKind = requireNonNull(principalKind, "principalKind is null");
        this.principal = requireNonNull(principal, "principal is null");
        this.budget = requireNonNull(budget, "budget is null");
        Nodes.checkSimpleName(principal);
        Nodes.checkSimpleName(budget);
    }

    /** Whether {@link #principal()} names a user or a role. */
    public PrincipalKind principalKind() {
        return principalKind;
    }

    /** The user's or role's name. */
    public SqlIdentifier principal() {
        return principal;
    }

    /** The budget's name. */
    public SqlIdentifier budget() {
        return budget;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(Nodes.symbol(principalKind), principal, budget);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("ALTER");
        writer.keyword(principalKind.name());
        principal.unparse(writer, 0, 0);
        writer.keyword("SET PRIVACY BUDGET");
        budget.unparse(writer, 0, 0);
    }
}
