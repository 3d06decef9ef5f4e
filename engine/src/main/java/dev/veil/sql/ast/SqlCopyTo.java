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
 * The statement {@code COPY (query) TO 'path' [WITH (FORMAT = 'parquet' | 'csv', ...)]}, or
 * {@code COPY s.t TO 'path' ...} for a whole table: writes a query's rows to a file on the
 * server. The source is either a query or a table name ({@link SqlIdentifier}).
 */
public final class SqlCopyTo extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "COPY TO",
            SqlKind.OTHER,
            (pos, operands) -> new SqlCopyTo(
                    pos,
                    operands.get(0),
                    (SqlLiteral) operands.get(1),
                    Nodes.list(operands.get(2), SqlCopyOption.class)));

    private final SqlNode source;
    private final SqlLiteral path;
    private final List<SqlCopyOption> options;

    public SqlCopyTo(SqlParserPos pos, SqlNode source, SqlLiteral path, List<SqlCopyOption> options) {
        super(pos);
        this.source = requireNonNull(source, "source is null");
        this.path = requireNonNull(path, "path is null");
        this.options = List.copyOf(requireNonNull(options, "options is null"));
        if (source instanceof SqlIdentifier table) {
            Nodes.checkTableName(table);
        }
        requireNonNull(path.getValueAs(String.class), "path is not a character string");
        if (options.stream().map(SqlCopyOption::name).distinct().count() != options.size()) {
            throw new IllegalArgumentException("duplicate COPY option");
        }
    }

    /** The query whose rows are written, or the name of the table written whole. */
    public SqlNode source() {
        return source;
    }

    /** The table written whole, if the source is a table name. */
    public Optional<SqlIdentifier> table() {
        return source instanceof SqlIdentifier table ? Optional.of(table) : Optional.empty();
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
        return ImmutableNullableList.of(source, path, Nodes.list(options));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("COPY");
        if (source instanceof SqlIdentifier) {
            source.unparse(writer, 0, 0);
        } else {
            SqlWriter.Frame frame = writer.startList("(", ")");
            source.unparse(writer, 0, 0);
            writer.endList(frame);
        }
        writer.keyword("TO");
        path.unparse(writer, 0, 0);
        if (!options.isEmpty()) {
            writer.keyword("WITH");
            Nodes.unparseParenthesized(writer, options);
        }
    }
}
