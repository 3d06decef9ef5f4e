package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * The statement {@code COPY s.t FROM 'path' [WITH (name = value, ...)]}: loads a file into a
 * table. Options such as {@code HEADER}, {@code DELIMITER}, {@code NULL}, {@code FORMAT} and
 * {@code QUOTE} are kept as written, each name at most once.
 */
public final class SqlCopy extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "COPY",
            SqlKind.OTHER,
            (pos, operands) -> new SqlCopy(
                    pos,
                    (SqlIdentifier) operands.get(0),
                    (SqlLiteral) operands.get(1),
                    Nodes.list(operands.get(2), SqlCopyOption.class)));

    private final SqlIdentifier table;
    private final SqlLiteral path;
    private final List<SqlCopyOption> options;

    public SqlCopy(SqlParserPos pos, SqlIdentifier table, SqlLiteral path, List<SqlCopyOption> options) {
        super(pos);
        this.table = requireNonNull(table, "table is null");
        this.path = requireNonNull(path, "path is null");
        this.options = List.copyOf(requireNonNull(options, "options is null"));
        Nodes.checkTableName(table);
        requireNonNull(path.getValueAs(String.class), "path is not a character string");
        if (options.stream().map(SqlCopyOption::name).distinct().count() != options.size()) {
            throw new IllegalArgumentException("duplicate COPY option");
        }
    }

    /** The target table's name as written: {@code t} or {@code s.t}. */
    public SqlIdentifier table() {
        return table;
    }

    /** The file's path, as written between the quotes. */
    public String path() {
        return path.getValueAs(String.class);
    }

    /** The options in the order written. */
    public List<SqlCopyOption> options() {
        return options;
    }

    /** The option of that name (case-insensitive), if given. */
    public Optional<SqlCopyOption> option(String name) {
        requireNonNull(name, "name is null");
        return options.stream()
                .filter(option -> option.name().equalsIgnoreCase(name))
                .findFirst();
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(table, path, Nodes.list(options));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("COPY");
        table.unparse(writer, 0, 0);
        writer.keyword("FROM");
        path.unparse(writer, 0, 0);
        if (!options.isEmpty()) {
            writer.keyword("WITH");
            Nodes.unparseParenthesized(writer, options);
        }
    }
}
