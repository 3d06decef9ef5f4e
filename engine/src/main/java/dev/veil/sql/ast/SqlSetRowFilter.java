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

/** The statement {@code ALTER TABLE s.t SET ROW FILTER (predicate) [FOR ROLE r]}. */
public final class SqlSetRowFilter extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "SET ROW FILTER",
            SqlKind.ALTER_TABLE,
            (pos, operands) -> new SqlSetRowFilter(
                    pos, (SqlIdentifier) operands.get(0), operands.get(1), (SqlIdentifier) operands.get(2)));

    private final SqlIdentifier table;
    private final SqlNode predicate;
    private final SqlIdentifier role;

    /** Creates the node; {@code role} is null when the filter is for every non-admin role. */
    public SqlSetRowFilter(SqlParserPos pos, SqlIdentifier table, SqlNode predicate, SqlIdentifier role) {
        super(pos);
        this.table = requireNonNull(table, "table is null");
        this.predicate = requireNonNull(predicate, "predicate is null");
        this.role = role;
        Nodes.checkTableName(table);
    }

    public SqlIdentifier table() {
        return table;
    }

    /** The predicate as written, over the table's columns; not validated here. */
    public SqlNode predicate() {
        return predicate;
    }

    /** The role of FOR ROLE; empty means every non-admin role. */
    public Optional<SqlIdentifier> role() {
        return Optional.ofNullable(role);
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(table, predicate, role);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        Nodes.unparseAlterTable(writer, table);
        writer.keyword("SET ROW FILTER");
        SqlWriter.Frame frame = writer.startList("(", ")");
        predicate.unparse(writer, 0, 0);
        writer.endList(frame);
        Nodes.unparseForRole(writer, role);
    }
}
