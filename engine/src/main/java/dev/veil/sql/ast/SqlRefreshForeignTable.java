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

/**
 * The statement {@code REFRESH FOREIGN TABLE s.t}: reads the remote table's columns and row
 * estimate again.
 */
public final class SqlRefreshForeignTable extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "REFRESH FOREIGN TABLE",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlRefreshForeignTable(pos, (SqlIdentifier) operands.get(0)));

    private final SqlIdentifier name;

    public SqlRefreshForeignTable(SqlParserPos pos, SqlIdentifier name) {
        super(pos);
        this.name = requireNonNull(name, "name is null");
        Nodes.checkTableName(name);
    }

    /** The foreign table, {@code t} or {@code s.t}. */
    public SqlIdentifier name() {
        return name;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return List.of(name);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("REFRESH FOREIGN TABLE");
        name.unparse(writer, 0, 0);
    }
}
