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
 * The statement {@code ALTER TABLE s.t SET PRIVACY UNIT (c)}, or, for a table whose unit is
 * found through a foreign key, {@code ALTER TABLE s.t SET PRIVACY UNIT VIA (fk) REFERENCES
 * s.parent (pk)}.
 */
public final class SqlSetPrivacyUnit extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "SET PRIVACY UNIT",
            SqlKind.ALTER_TABLE,
            (pos, operands) -> new SqlSetPrivacyUnit(
                    pos,
                    (SqlIdentifier) operands.get(0),
                    (SqlIdentifier) operands.get(1),
                    (SqlIdentifier) operands.get(2),
                    (SqlIdentifier) operands.get(3),
                    Nodes.flag(operands.get(4))));

    private final SqlIdentifier table;
    private final SqlIdentifier column;
    private final SqlIdentifier referencedTable;
    private final SqlIdentifier referencedColumn;
    private final boolean setNullOnErase;

    /**
     * Creates the node; {@code referencedTable} and {@code referencedColumn} are both null
     * (the unit is {@code column}) or both given (the VIA form).
     */
    public SqlSetPrivacyUnit(
            SqlParserPos pos,
            SqlIdentifier table,
            SqlIdentifier column,
            SqlIdentifier referencedTable,
            SqlIdentifier referencedColumn) {
        this(pos, table, column, referencedTable, referencedColumn, false);
    }

    /**
     * Creates the node; in the VIA form {@code setNullOnErase} says that an erasure of the unit
     * sets the foreign key to NULL instead of deleting the row ({@code ON ERASE SET NULL}).
     */
    public SqlSetPrivacyUnit(
            SqlParserPos pos,
            SqlIdentifier table,
            SqlIdentifier column,
            SqlIdentifier referencedTable,
            SqlIdentifier referencedColumn,
            boolean setNullOnErase) {
        super(pos);
        this.setNullOnErase = setNullOnErase;
        this.table = requireNonNull(table, "table is null");
        this.column = requireNonNull(column, "column is null");
        this.referencedTable = referencedTable;
        this.referencedColumn = referencedColumn;
        Nodes.checkTableName(table);
        Nodes.checkSimpleName(column);
        if ((referencedTable == null) != (referencedColumn == null)) {
            throw new IllegalArgumentException("referencedTable and referencedColumn go together");
        }
        if (referencedTable != null) {
            Nodes.checkTableName(referencedTable);
            Nodes.checkSimpleName(referencedColumn);
        } else if (setNullOnErase) {
            throw new IllegalArgumentException("ON ERASE SET NULL needs the VIA form");
        }
    }

    /** Whether an erasure of the unit sets the foreign key to NULL rather than deleting the row. */
    public boolean setNullOnErase() {
        return setNullOnErase;
    }

    public SqlIdentifier table() {
        return table;
    }

    /** The unit column itself, or in the VIA form the foreign-key column of this table. */
    public SqlIdentifier column() {
        return column;
    }

    /** Whether the unit is reached through a foreign key (the VIA form). */
    public boolean isVia() {
        return referencedTable != null;
    }

    /** In the VIA form, the parent table the foreign key references. */
    public Optional<SqlIdentifier> referencedTable() {
        return Optional.ofNullable(referencedTable);
    }

    /** In the VIA form, the referenced key column of the parent table. */
    public Optional<SqlIdentifier> referencedColumn() {
        return Optional.ofNullable(referencedColumn);
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(table, column, referencedTable, referencedColumn, Nodes.flag(setNullOnErase));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        Nodes.unparseAlterTable(writer, table);
        writer.keyword("SET PRIVACY UNIT");
        if (referencedTable != null) {
            writer.keyword("VIA");
        }
        Nodes.unparseParenthesized(writer, List.of(column));
        if (referencedTable != null) {
            writer.keyword("REFERENCES");
            referencedTable.unparse(writer, 0, 0);
            Nodes.unparseParenthesized(writer, List.of(referencedColumn));
            if (setNullOnErase) {
                writer.keyword("ON ERASE SET NULL");
            }
        }
    }
}
