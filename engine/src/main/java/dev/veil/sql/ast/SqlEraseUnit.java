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

/**
 * The statement {@code ERASE PRIVACY UNIT value OF s.t [DEFER VACUUM]}: deletes every row of one
 * privacy unit in every table that reaches it. The unit's value is personal data: the node's SQL
 * text (audit log, running statements) shows it as {@code '***'}.
 */
public final class SqlEraseUnit extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "ERASE PRIVACY UNIT",
            SqlKind.OTHER,
            (pos, operands) -> new SqlEraseUnit(
                    pos, (SqlLiteral) operands.get(0), (SqlIdentifier) operands.get(1), Nodes.flag(operands.get(2))));

    private final SqlLiteral value;
    private final SqlIdentifier table;
    private final boolean deferVacuum;

    public SqlEraseUnit(SqlParserPos pos, SqlLiteral value, SqlIdentifier table, boolean deferVacuum) {
        super(pos);
        this.value = requireNonNull(value, "value is null");
        this.table = requireNonNull(table, "table is null");
        this.deferVacuum = deferVacuum;
        Nodes.checkTableName(table);
    }

    /** The unit's value as written: a string or a number literal. */
    public SqlLiteral value() {
        return value;
    }

    /** The unit table: the table whose own column holds the unit. */
    public SqlIdentifier table() {
        return table;
    }

    /** Whether the superseded segment files are left for a later {@code VACUUM}. */
    public boolean deferVacuum() {
        return deferVacuum;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(value, table, Nodes.flag(deferVacuum));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("ERASE PRIVACY UNIT");
        writer.literal("'***'");
        writer.keyword("OF");
        table.unparse(writer, 0, 0);
        if (deferVacuum) {
            writer.keyword("DEFER VACUUM");
        }
    }
}
