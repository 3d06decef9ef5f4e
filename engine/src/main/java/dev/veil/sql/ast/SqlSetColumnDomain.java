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
 * The statement {@code ALTER TABLE s.t ALTER COLUMN c SET DOMAIN IN ('a', ...)} or
 * {@code ... SET DOMAIN REFERENCES s.t2 (c2)}: declares the public set of values a column's
 * groups can take, so grouping by it needs no DP partition selection. Exactly one form is
 * given: non-empty {@link #values()}, or {@link #referencedTable()} with
 * {@link #referencedColumn()}.
 */
public final class SqlSetColumnDomain extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "SET COLUMN DOMAIN",
            SqlKind.ALTER_TABLE,
            (pos, operands) -> new SqlSetColumnDomain(
                    pos,
                    (SqlIdentifier) operands.get(0),
                    (SqlIdentifier) operands.get(1),
                    Nodes.list(operands.get(2), SqlLiteral.class),
                    (SqlIdentifier) operands.get(3),
                    (SqlIdentifier) operands.get(4)));

    private final SqlIdentifier table;
    private final SqlIdentifier column;
    private final List<SqlLiteral> values;
    private final SqlIdentifier referencedTable;
    private final SqlIdentifier referencedColumn;

    /** Creates the node; for the IN form the references are null, for REFERENCES the values are empty. */
    public SqlSetColumnDomain(
            SqlParserPos pos,
            SqlIdentifier table,
            SqlIdentifier column,
            List<SqlLiteral> values,
            SqlIdentifier referencedTable,
            SqlIdentifier referencedColumn) {
        super(pos);
        this.table = requireNonNull(table, "table is null");
        this.column = requireNonNull(column, "column is null");
        this.values = List.copyOf(requireNonNull(values, "values is null"));
        this.referencedTable = referencedTable;
        this.referencedColumn = referencedColumn;
        Nodes.checkTableName(table);
        Nodes.checkSimpleName(column);
        if ((referencedTable == null) != (referencedColumn == null)) {
            throw new IllegalArgumentException("referencedTable and referencedColumn go together");
        }
        if (values.isEmpty() == (referencedTable == null)) {
            throw new IllegalArgumentException("a domain is either a list of values or a referenced column");
        }
        if (referencedTable != null) {
            Nodes.checkTableName(referencedTable);
            Nodes.checkSimpleName(referencedColumn);
        }
    }

    public SqlIdentifier table() {
        return table;
    }

    public SqlIdentifier column() {
        return column;
    }

    /** The values of {@code DOMAIN IN (...)} in the order written; empty for the REFERENCES form. */
    public List<SqlLiteral> values() {
        return values;
    }

    /** The table of {@code DOMAIN REFERENCES s.t2 (c2)}. */
    public Optional<SqlIdentifier> referencedTable() {
        return Optional.ofNullable(referencedTable);
    }

    /** The column of {@code DOMAIN REFERENCES s.t2 (c2)}. */
    public Optional<SqlIdentifier> referencedColumn() {
        return Optional.ofNullable(referencedColumn);
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(table, column, Nodes.list(values), referencedTable, referencedColumn);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        Nodes.unparseAlterTable(writer, table);
        writer.keyword("ALTER COLUMN");
        column.unparse(writer, 0, 0);
        writer.keyword("SET DOMAIN");
        if (referencedTable == null) {
            writer.keyword("IN");
            Nodes.unparseParenthesized(writer, values);
        } else {
            writer.keyword("REFERENCES");
            referencedTable.unparse(writer, 0, 0);
            Nodes.unparseParenthesized(writer, List.of(referencedColumn));
        }
    }
}
