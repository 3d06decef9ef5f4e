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
import org.apache.calcite.util.ImmutableNullableList;

/**
 * The statement {@code ALTER TABLE s.t SET MIN GROUP SIZE k [SUPPRESS | REMAINDER] [FOR ROLE r]};
 * without a mode the mode is {@link MinGroupSizeMode#SUPPRESS}.
 */
public final class SqlSetMinGroupSize extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "SET MIN GROUP SIZE",
            SqlKind.ALTER_TABLE,
            (pos, operands) -> new SqlSetMinGroupSize(
                    pos,
                    (SqlIdentifier) operands.get(0),
                    Nodes.integer(operands.get(1)),
                    Nodes.symbol(operands.get(2), MinGroupSizeMode.class),
                    (SqlIdentifier) operands.get(3)));

    private final SqlIdentifier table;
    private final int minGroupSize;
    private final MinGroupSizeMode mode;
    private final SqlIdentifier role;

    /** Creates the node; {@code role} is null when the policy is for every non-admin role. */
    public SqlSetMinGroupSize(
            SqlParserPos pos, SqlIdentifier table, int minGroupSize, MinGroupSizeMode mode, SqlIdentifier role) {
        super(pos);
        this.table = requireNonNull(table, "table is null");
        this.minGroupSize = minGroupSize;
        this.mode = requireNonNull(mode, "mode is null");
        this.role = role;
        Nodes.checkTableName(table);
    }

    public SqlIdentifier table() {
        return table;
    }

    /** k: the fewest distinct privacy units a released group holds (not checked here). */
    public int minGroupSize() {
        return minGroupSize;
    }

    public MinGroupSizeMode mode() {
        return mode;
    }

    /** The role of FOR ROLE; empty means every non-admin role. */
    public Optional<SqlIdentifier> role() {
        return Optional.ofNullable(role);
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(table, Nodes.integer(minGroupSize), Nodes.symbol(mode), role);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        Nodes.unparseAlterTable(writer, table);
        writer.keyword("SET MIN GROUP SIZE");
        writer.literal(Integer.toString(minGroupSize));
        writer.keyword(mode.name());
        Nodes.unparseForRole(writer, role);
    }
}
