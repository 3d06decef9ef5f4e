package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * The statement {@code CREATE FOREIGN TABLE s.t FROM CONNECTION c REMOTE 'schema.table'}: a table
 * whose rows live in a remote database; its columns are read from the remote's metadata.
 */
public final class SqlCreateForeignTable extends SqlCreate {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "CREATE FOREIGN TABLE",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlCreateForeignTable(
                    pos,
                    (SqlIdentifier) operands.get(0),
                    (SqlIdentifier) operands.get(1),
                    ((SqlLiteral) operands.get(2)).getValueAs(String.class)));

    private final SqlIdentifier name;
    private final SqlIdentifier connection;
    private final String remote;

    public SqlCreateForeignTable(SqlParserPos pos, SqlIdentifier name, SqlIdentifier connection, String remote) {
        super(OPERATOR, pos, false, false);
        this.name = requireNonNull(name, "name is null");
        this.connection = requireNonNull(connection, "connection is null");
        this.remote = requireNonNull(remote, "remote is null");
        Nodes.checkTableName(name);
        Nodes.checkSimpleName(connection);
    }

    /** The foreign table's name in Veil, {@code t} or {@code s.t}. */
    public SqlIdentifier name() {
        return name;
    }

    public SqlIdentifier connection() {
        return connection;
    }

    /** The remote table as written: {@code schema.table} (Trino: {@code catalog.schema.table}). */
    public String remote() {
        return remote;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(name, connection, SqlLiteral.createCharString(remote, SqlParserPos.ZERO));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("CREATE FOREIGN TABLE");
        name.unparse(writer, 0, 0);
        writer.keyword("FROM CONNECTION");
        connection.unparse(writer, 0, 0);
        writer.keyword("REMOTE");
        writer.literal(SqlLiteral.createCharString(remote, SqlParserPos.ZERO).toString());
    }
}
