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

/** The statement {@code ALTER TABLE s.t ALTER COLUMN c SET CATEGORY x}. */
public final class SqlSetColumnCategory extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "SET CATEGORY",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlSetColumnCategory(
                    pos, (SqlIdentifier) operands.get(0), (SqlIdentifier) operands.get(1), (SqlIdentifier)
                            operands.get(2)));

    private final SqlIdentifier table;
    private final SqlIdentifier column;
    private final SqlIdentifier category;

    public SqlSetColumnCategory(SqlParserPos pos, SqlIdentifier table, SqlIdentifier column, SqlIdentifier category) {
        super(pos);
        this.table = requireNonNull(table, "table is null");
        this.column = requireNonNull(column, "column is null");
        this.category = requireNonNull(category, "category is null");
        Nodes.checkTableName(table);
        Nodes.checkSimpleName(column);
        Nodes.checkSimpleName(category);
    }

    public SqlIdentifier table() {
        return table;
    }

    public SqlIdentifier column() {
        return column;
    }

    public SqlIdentifier category() {
        return category;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(table, column, category);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        Nodes.unparseAlterTable(writer, table);
        writer.keyword("ALTER COLUMN");
        column.unparse(writer, 0, 0);
        writer.keyword("SET CATEGORY");
        category.unparse(writer, 0, 0);
    }
}
