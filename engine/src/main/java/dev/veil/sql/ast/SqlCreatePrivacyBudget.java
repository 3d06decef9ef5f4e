package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
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

/**
 * The statement {@code CREATE PRIVACY BUDGET [IF NOT EXISTS] b LIMIT (EPSILON x, DELTA y)
 * WINDOW {DAILY | WEEKLY | MONTHLY | NEVER}}; EPSILON is required, DELTA optional. The
 * form without parentheses and commas, {@code LIMIT EPSILON x DELTA y}, parses too.
 */
public final class SqlCreatePrivacyBudget extends SqlCreate {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "CREATE PRIVACY BUDGET",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlCreatePrivacyBudget(
                    pos,
                    Nodes.flag(operands.get(0)),
                    (SqlIdentifier) operands.get(1),
                    Nodes.number(operands.get(2)),
                    Nodes.number(operands.get(3)),
                    Nodes.symbol(operands.get(4), BudgetWindow.class)));

    private final SqlIdentifier name;
    private final BigDecimal epsilon;
    private final BigDecimal delta;
    private final BudgetWindow window;

    /** Creates the node; {@code delta} is null when not given. */
    public SqlCreatePrivacyBudget(
            SqlParserPos pos,
            boolean ifNotExists,
            SqlIdentifier name,
            BigDecimal epsilon,
            BigDecimal delta,
            BudgetWindow window) {
        super(OPERATOR, pos, false, ifNotExists);
        this.name = requireNonNull(name, "name is null");
        this.epsilon = requireNonNull(epsilon, "epsilon is null");
        this.delta = delta;
        this.window = requireNonNull(window, "window is null");
        Nodes.checkSimpleName(name);
    }

    /** The budget's name, a simple identifier. */
    public SqlIdentifier name() {
        return name;
    }

    public boolean ifNotExists() {
        return ifNotExists;
    }

    /** The total epsilon the budget allows per window. */
    public BigDecimal epsilon() {
        return epsilon;
    }

    /** The total delta the budget allows per window, if limited. */
    public Optional<BigDecimal> delta() {
        return Optional.ofNullable(delta);
    }

    public BudgetWindow window() {
        return window;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(
                Nodes.flag(ifNotExists), name, Nodes.number(epsilon), Nodes.number(delta), Nodes.symbol(window));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("CREATE PRIVACY BUDGET");
        if (ifNotExists) {
            writer.keyword("IF NOT EXISTS");
        }
        name.unparse(writer, 0, 0);
        writer.keyword("LIMIT");
        SqlWriter.Frame frame = writer.startList("(", ")");
        writer.sep(",");
        writer.keyword("EPSILON");
        Nodes.unparseNumber(writer, epsilon);
        if (delta != null) {
            writer.sep(",");
            writer.keyword("DELTA");
            Nodes.unparseNumber(writer, delta);
        }
        writer.endList(frame);
        writer.keyword("WINDOW");
        writer.keyword(window.name());
    }
}
