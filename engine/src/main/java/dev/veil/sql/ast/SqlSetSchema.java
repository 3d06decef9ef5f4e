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
 * The session statement {@code SET SCHEMA s} (also {@code SET SCHEMA = s}, {@code SET SCHEMA 's'}):
 * the schema unqualified table names resolve in from now on.
 */
public final class SqlSetSchema extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "SET SCHEMA", SqlKind.OTHER, (pos, operands) -> new SqlSetSchema(pos, (SqlIdentifier) operands.get(0)));

    private final SqlIdentifier schema;

    public SqlSetSchema(SqlParserPos pos, SqlIdentifier schema) {
        super(pos);
        this.schema = requireNonNull(schema, "schema is null");
    }

    /** The schema as written (checked when the statement runs). */
    public SqlIdentifier schema() {
        return schema;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(schema);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("SET SCHEMA");
        schema.unparse(writer, leftPrec, rightPrec);
    }
}
