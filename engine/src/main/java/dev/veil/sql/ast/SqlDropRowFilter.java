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

/** The statement {@code ALTER TABLE s.t DROP ROW FILTER [FOR ROLE r]}. */
public final class SqlDropRowFilter extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator("DROP ROW FILTER", SqlKind.ALTER_TABLE,
            (pos, operands) -> new SqlDropRowFilter(pos, (SqlIdentifier) operands.get(0), (SqlIdentifier) operands.get(1)));

    private final SqlIdentifier table;
    private final SqlIdentifier role;

    /** Creates the node; {@code role} is null for the policy of every non-admin role. */
    public SqlDropRowFilter(SqlParserPos pos, SqlIdentifier table, SqlIdentifier role) {
        super(pos);
        this.table = requireNonNull(table, "table is null");
        this.role = role;
        Nodes.checkTableName(table);
    }

    public SqlIdentifier table() {
        return table;
    }

    /** The role of FOR ROLE; empty means the policy of every non-admin role. */
    public Optional<SqlIdentifier> role() {
        return Optional.ofNullable(role);
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(table, role);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        Nodes.unparseAlterTable(writer, table);
        writer.keyword("DROP ROW FILTER");
        Nodes.unparseForRole(writer, role);
    }
}
