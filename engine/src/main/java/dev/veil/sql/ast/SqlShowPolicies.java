package dev.veil.sql.ast;

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

/** The statement {@code SHOW POLICIES [FOR s.t]}. */
public final class SqlShowPolicies extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "SHOW POLICIES",
            SqlKind.OTHER,
            (pos, operands) -> new SqlShowPolicies(pos, (SqlIdentifier) operands.get(0)));

    private final SqlIdentifier table;

    /** Creates the node; {@code table} is null for the policies of every table. */
    public SqlShowPolicies(SqlParserPos pos, SqlIdentifier table) {
        super(pos);
        this.table = table;
        if (table != null) {
            Nodes.checkTableName(table);
        }
    }

    /** The table of FOR; empty means all tables. */
    public Optional<SqlIdentifier> table() {
        return Optional.ofNullable(table);
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(table);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("SHOW POLICIES");
        if (table != null) {
            writer.keyword("FOR");
            table.unparse(writer, 0, 0);
        }
    }
}
