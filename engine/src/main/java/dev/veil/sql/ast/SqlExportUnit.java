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
 * The statement {@code EXPORT PRIVACY UNIT value OF s.t TO 'file' [FORMAT JSON | CSV]}: writes
 * every row of one privacy unit, in every table that reaches it, to a file. The unit's value is
 * personal data: the node's SQL text (audit log, running statements) shows it as {@code '***'}.
 */
public final class SqlExportUnit extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "EXPORT PRIVACY UNIT",
            SqlKind.OTHER,
            (pos, operands) -> new SqlExportUnit(
                    pos,
                    (SqlLiteral) operands.get(0),
                    (SqlIdentifier) operands.get(1),
                    (SqlLiteral) operands.get(2),
                    (SqlIdentifier) operands.get(3)));

    private final SqlLiteral value;
    private final SqlIdentifier table;
    private final SqlLiteral file;
    private final SqlIdentifier format;

    /** Creates the node; {@code format} is null when none is written (JSON). */
    public SqlExportUnit(
            SqlParserPos pos, SqlLiteral value, SqlIdentifier table, SqlLiteral file, SqlIdentifier format) {
        super(pos);
        this.value = requireNonNull(value, "value is null");
        this.table = requireNonNull(table, "table is null");
        this.file = requireNonNull(file, "file is null");
        this.format = format;
        Nodes.checkTableName(table);
        if (format != null) {
            Nodes.checkSimpleName(format);
        }
    }

    /** The unit's value as written: a string or a number literal. */
    public SqlLiteral value() {
        return value;
    }

    /** The unit table: the table whose own column holds the unit. */
    public SqlIdentifier table() {
        return table;
    }

    /** The file to write, as written. */
    public String file() {
        return file.getValueAs(String.class);
    }

    /** The format as written, if any. */
    public Optional<String> format() {
        return Optional.ofNullable(format).map(SqlIdentifier::getSimple);
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(value, table, file, format);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("EXPORT PRIVACY UNIT");
        writer.literal("'***'");
        writer.keyword("OF");
        table.unparse(writer, 0, 0);
        writer.keyword("TO");
        file.unparse(writer, 0, 0);
        if (format != null) {
            writer.keyword("FORMAT");
            format.unparse(writer, 0, 0);
        }
    }
}
