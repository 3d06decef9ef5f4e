package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlDrop;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * The statement {@code DROP PRIVACY BUDGET [IF EXISTS] b [CASCADE | RESTRICT]}: RESTRICT (the
 * default) refuses a budget that a user or role is assigned; CASCADE removes those assignments too.
 */
public final class SqlDropPrivacyBudget extends SqlDrop {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "DROP PRIVACY BUDGET",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlDropPrivacyBudget(
                    pos, Nodes.flag(operands.get(0)), (SqlIdentifier) operands.get(1), Nodes.flag(operands.get(2))));

    private final SqlIdentifier name;
    private final boolean cascade;

    public SqlDropPrivacyBudget(SqlParserPos pos, boolean ifExists, SqlIdentifier name, boolean cascade) {
        super(OPERATOR, pos, ifExists);
        this.name = requireNonNull(name, "name is null");
        this.cascade = cascade;
        Nodes.checkSimpleName(name);
    }

    public SqlIdentifier name() {
        return name;
    }

    public boolean ifExists() {
        return ifExists;
    }

    /** Whether the budget's assignments to users and roles go with it (CASCADE). */
    public boolean cascade() {
        return cascade;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(Nodes.flag(ifExists), name, Nodes.flag(cascade));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("DROP PRIVACY BUDGET");
        if (ifExists) {
            writer.keyword("IF EXISTS");
        }
        name.unparse(writer, 0, 0);
        if (cascade) {
            writer.keyword("CASCADE");
        }
    }
}
