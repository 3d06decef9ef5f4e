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

/**
 * The statement {@code ALTER TABLE s.t SET CONSENT SOURCE (UNIT u REFERENCES s.p (k), PURPOSE p,
 * CATEGORY c, GRANTED g, EXPIRES e [, WITHDRAWN w])}, and {@code ALTER TABLE s.t DROP CONSENT SOURCE}
 * (no columns).
 */
public final class SqlSetConsentSource extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "SET CONSENT SOURCE",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlSetConsentSource(
                    pos,
                    (SqlIdentifier) operands.get(0),
                    operands.get(1) == null ? null : Nodes.list(operands.get(1), SqlIdentifier.class)));

    private final SqlIdentifier table;
    private final List<SqlIdentifier> columns;

    /**
     * @param columns unit, unit table, unit key, purpose, category, granted, expires and, optionally,
     *     withdrawn; null for DROP CONSENT SOURCE
     */
    public SqlSetConsentSource(SqlParserPos pos, SqlIdentifier table, List<SqlIdentifier> columns) {
        super(pos);
        this.table = requireNonNull(table, "table is null");
        this.columns = columns == null ? null : List.copyOf(columns);
        Nodes.checkTableName(table);
        if (columns != null && columns.size() != 7 && columns.size() != 8) {
            throw new IllegalArgumentException("a consent source has 7 or 8 names: " + columns);
        }
    }

    public SqlIdentifier table() {
        return table;
    }

    /** Whether this is DROP CONSENT SOURCE. */
    public boolean isDrop() {
        return columns == null;
    }

    /** Unit, unit table, unit key, purpose, category, granted, expires [, withdrawn]. */
    public List<SqlIdentifier> columns() {
        return columns;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(table, columns == null ? null : Nodes.list(columns));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        Nodes.unparseAlterTable(writer, table);
        if (columns == null) {
            writer.keyword("DROP CONSENT SOURCE");
            return;
        }
        writer.keyword("SET CONSENT SOURCE (UNIT");
        columns.get(0).unparse(writer, 0, 0);
        writer.keyword("REFERENCES");
        columns.get(1).unparse(writer, 0, 0);
        writer.keyword("(");
        columns.get(2).unparse(writer, 0, 0);
        writer.keyword(")");
        String[] words = {"PURPOSE", "CATEGORY", "GRANTED", "EXPIRES", "WITHDRAWN"};
        for (int i = 3; i < columns.size(); i++) {
            writer.keyword(", " + words[i - 3]);
            columns.get(i).unparse(writer, 0, 0);
        }
        writer.keyword(")");
    }
}
