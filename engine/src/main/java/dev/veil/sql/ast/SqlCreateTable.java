package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * The statement {@code CREATE TABLE [IF NOT EXISTS] s.t (column type [NOT NULL], ...)} or
 * {@code CREATE TABLE [IF NOT EXISTS] s.t AS query}. Exactly one of {@link #columns()} (non-empty)
 * and {@link #query()} is given.
 */
public final class SqlCreateTable extends SqlCreate {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "CREATE TABLE",
            SqlKind.CREATE_TABLE,
            (pos, operands) -> new SqlCreateTable(
                    pos,
                    Nodes.flag(operands.get(0)),
                    (SqlIdentifier) operands.get(1),
                    Nodes.list(operands.get(2), SqlColumnDefinition.class),
                    operands.get(3)));

    private final SqlIdentifier name;
    private final List<SqlColumnDefinition> columns;
    private final SqlNode query;

    /** Creates the node; {@code query} is null for the column-list form. */
    public SqlCreateTable(
            SqlParserPos pos,
            boolean ifNotExists,
            SqlIdentifier name,
            List<SqlColumnDefinition> columns,
            SqlNode query) {
        super(OPERATOR, pos, false, ifNotExists);
        this.name = requireNonNull(name, "name is null");
        this.columns = List.copyOf(requireNonNull(columns, "columns is null"));
        this.query = query;
        Nodes.checkTableName(name);
        if (columns.isEmpty() == (query == null)) {
            throw new IllegalArgumentException("CREATE TABLE needs either columns or a query, not both");
        }
    }

    /** The table's name as written: {@code t} or {@code s.t}. */
    public SqlIdentifier name() {
        return name;
    }

    public boolean ifNotExists() {
        return ifNotExists;
    }

    /** The declared columns in order; empty for {@code CREATE TABLE ... AS query}. */
    public List<SqlColumnDefinition> columns() {
        return columns;
    }

    /** The query of {@code CREATE TABLE ... AS query}. */
    public Optional<SqlNode> query() {
        return Optional.ofNullable(query);
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(Nodes.flag(ifNotExists), name, Nodes.list(columns), query);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("CREATE TABLE");
        if (ifNotExists) {
            writer.keyword("IF NOT EXISTS");
        }
        name.unparse(writer, 0, 0);
        if (query == null) {
            Nodes.unparseParenthesized(writer, columns);
        } else {
            writer.keyword("AS");
            writer.newlineAndIndent();
            query.unparse(writer, 0, 0);
        }
    }
}
