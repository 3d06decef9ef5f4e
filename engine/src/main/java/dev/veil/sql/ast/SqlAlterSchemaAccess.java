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

/** The statement {@code ALTER SCHEMA s SET ACCESS {RESTRICTED | OPEN}}. */
public final class SqlAlterSchemaAccess extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "ALTER SCHEMA",
            SqlKind.OTHER_DDL,
            (pos, operands) ->
                    new SqlAlterSchemaAccess(pos, (SqlIdentifier) operands.get(0), Nodes.flag(operands.get(1))));

    private final SqlIdentifier schema;
    private final boolean restricted;

    public SqlAlterSchemaAccess(SqlParserPos pos, SqlIdentifier schema, boolean restricted) {
        super(pos);
        this.schema = requireNonNull(schema, "schema is null");
        this.restricted = restricted;
        Nodes.checkSimpleName(schema);
    }

    public SqlIdentifier schema() {
        return schema;
    }

    /** True for RESTRICTED, false for OPEN. */
    public boolean restricted() {
        return restricted;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(schema, Nodes.flag(restricted));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("ALTER SCHEMA");
        schema.unparse(writer, 0, 0);
        writer.keyword(restricted ? "SET ACCESS RESTRICTED" : "SET ACCESS OPEN");
    }
}
