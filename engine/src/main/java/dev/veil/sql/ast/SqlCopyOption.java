package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
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
 * One {@code name = value} option of {@code COPY ... WITH (...)}. Option names are
 * case-insensitive and kept in upper case; whether a name is known is the executor's check.
 */
public final class SqlCopyOption extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "COPY OPTION",
            SqlKind.OTHER,
            (pos, operands) -> new SqlCopyOption(
                    pos, ((SqlIdentifier) operands.get(0)).getSimple(), (SqlLiteral) operands.get(1)));

    private final String name;
    private final SqlLiteral value;

    public SqlCopyOption(SqlParserPos pos, String name, SqlLiteral value) {
        super(pos);
        this.name = requireNonNull(name, "name is null").toUpperCase(Locale.ROOT);
        this.value = requireNonNull(value, "value is null");
    }

    /** The option's name in upper case, e.g. {@code HEADER}. */
    public String name() {
        return name;
    }

    /** The value: a character string, numeric or boolean literal. */
    public SqlLiteral value() {
        return value;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(new SqlIdentifier(name, SqlParserPos.ZERO), value);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        // A plain word is written as a keyword so the output reads HEADER = TRUE; anything
        // else was a quoted identifier and is quoted again.
        if (name.matches("[A-Z][A-Z0-9_]*")) {
            writer.keyword(name);
        } else {
            writer.identifier(name, true);
        }
        writer.keyword("=");
        value.unparse(writer, 0, 0);
    }
}
