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

/**
 * The statement {@code IMPORT FOREIGN SCHEMA remote FROM CONNECTION c INTO s}: one foreign table
 * in {@code s} for each table of the remote schema that Veil does not have yet.
 */
public final class SqlImportForeignSchema extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "IMPORT FOREIGN SCHEMA",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlImportForeignSchema(
                    pos,
                    ((SqlLiteral) operands.get(0)).getValueAs(String.class),
                    (SqlIdentifier) operands.get(1),
                    (SqlIdentifier) operands.get(2)));

    private final String remoteSchema;
    private final SqlIdentifier connection;
    private final SqlIdentifier schema;

    public SqlImportForeignSchema(
            SqlParserPos pos, String remoteSchema, SqlIdentifier connection, SqlIdentifier schema) {
        super(pos);
        this.remoteSchema = requireNonNull(remoteSchema, "remoteSchema is null");
        this.connection = requireNonNull(connection, "connection is null");
        this.schema = requireNonNull(schema, "schema is null");
        Nodes.checkSimpleName(connection);
        Nodes.checkSimpleName(schema);
    }

    /** The remote schema as written ({@code public}; Trino: {@code catalog.schema}). */
    public String remoteSchema() {
        return remoteSchema;
    }

    public SqlIdentifier connection() {
        return connection;
    }

    /** The Veil schema the foreign tables are created in. */
    public SqlIdentifier schema() {
        return schema;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return List.of(SqlLiteral.createCharString(remoteSchema, SqlParserPos.ZERO), connection, schema);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("IMPORT FOREIGN SCHEMA");
        writer.literal(
                SqlLiteral.createCharString(remoteSchema, SqlParserPos.ZERO).toString());
        writer.keyword("FROM CONNECTION");
        connection.unparse(writer, 0, 0);
        writer.keyword("INTO");
        schema.unparse(writer, 0, 0);
    }
}
