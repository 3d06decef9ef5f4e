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

/** The statements {@code ALTER TABLE s.t SET RETENTION n DAYS ON c} and {@code ALTER TABLE s.t DROP RETENTION}. */
public final class SqlSetRetention extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "SET RETENTION",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlSetRetention(
                    pos,
                    (SqlIdentifier) operands.get(0),
                    operands.get(1) == null ? null : Nodes.integer(operands.get(1)),
                    (SqlIdentifier) operands.get(2)));

    private final SqlIdentifier table;
    private final Integer days;
    private final SqlIdentifier column;

    /** With {@code days} and {@code column} null: DROP RETENTION. */
    public SqlSetRetention(SqlParserPos pos, SqlIdentifier table, Integer days, SqlIdentifier column) {
        super(pos);
        this.table = requireNonNull(table, "table is null");
        this.days = days;
        this.column = column;
        Nodes.checkTableName(table);
        if ((days == null) != (column == null)) {
            throw new IllegalArgumentException("days and column go together");
        }
    }

    public SqlIdentifier table() {
        return table;
    }

    /** The period in days; null for DROP RETENTION. */
    public Integer days() {
        return days;
    }

    /** The column; null for DROP RETENTION. */
    public SqlIdentifier column() {
        return column;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(table, days == null ? null : Nodes.integer(days), column);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        Nodes.unparseAlterTable(writer, table);
        if (days == null) {
            writer.keyword("DROP RETENTION");
        } else {
            writer.keyword("SET RETENTION " + days + " DAYS ON");
            column.unparse(writer, 0, 0);
        }
    }
}
