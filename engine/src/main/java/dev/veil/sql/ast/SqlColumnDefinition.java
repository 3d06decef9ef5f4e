package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** One column of {@code CREATE TABLE}: {@code name type [NOT NULL | NULL]}. */
public final class SqlColumnDefinition extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "COLUMN DEFINITION",
            SqlKind.COLUMN_DECL,
            (pos, operands) -> new SqlColumnDefinition(
                    pos,
                    (SqlIdentifier) operands.get(0),
                    (SqlDataTypeSpec) operands.get(1),
                    Nodes.flag(operands.get(2))));

    private final SqlIdentifier name;
    private final SqlDataTypeSpec type;
    private final boolean nullable;

    public SqlColumnDefinition(SqlParserPos pos, SqlIdentifier name, SqlDataTypeSpec type, boolean nullable) {
        super(pos);
        this.name = requireNonNull(name, "name is null");
        this.type = requireNonNull(type, "type is null");
        this.nullable = nullable;
        Nodes.checkSimpleName(name);
    }

    /** The column's name, a simple identifier. */
    public SqlIdentifier name() {
        return name;
    }

    /** The type as written; Calcite's spelling ({@code INT}, {@code DOUBLE PRECISION}) is normalized. */
    public SqlDataTypeSpec type() {
        return type;
    }

    /** False when the column was declared {@code NOT NULL}. */
    public boolean nullable() {
        return nullable;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(name, type, Nodes.flag(nullable));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        name.unparse(writer, 0, 0);
        type.unparse(writer, 0, 0);
        if (!nullable) {
            writer.keyword("NOT NULL");
        }
    }
}
