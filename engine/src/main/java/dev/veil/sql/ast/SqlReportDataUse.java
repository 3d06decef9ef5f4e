package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

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
 * The statement {@code REPORT DATA USE FOR UNIT value [OF s.t]}: which purposes and users read
 * which categories of one person's data, and when. The unit's value is personal data: the node's
 * SQL text (audit log, running statements) shows it as {@code '***'}.
 */
public final class SqlReportDataUse extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "REPORT DATA USE",
            SqlKind.OTHER,
            (pos, operands) ->
                    new SqlReportDataUse(pos, (SqlLiteral) operands.get(0), (SqlIdentifier) operands.get(1)));

    private final SqlLiteral value;
    private final SqlIdentifier table;

    /** Creates the node; {@code table} is null when no {@code OF} is written. */
    public SqlReportDataUse(SqlParserPos pos, SqlLiteral value, SqlIdentifier table) {
        super(pos);
        this.value = requireNonNull(value, "value is null");
        this.table = table;
        if (table != null) {
            Nodes.checkTableName(table);
        }
    }

    /** The unit's value as written. */
    public SqlLiteral value() {
        return value;
    }

    /** The unit table as written, if any. */
    public Optional<SqlIdentifier> table() {
        return Optional.ofNullable(table);
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public java.util.List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(value, table);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("REPORT DATA USE FOR UNIT");
        writer.literal("'***'");
        if (table != null) {
            writer.keyword("OF");
            table.unparse(writer, 0, 0);
        }
    }
}
