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
import org.apache.calcite.util.ImmutableNullableList;

/**
 * The statements {@code ALTER TABLE s.t SET CONSENT REQUIRED}, {@code ALTER TABLE s.t DROP CONSENT
 * REQUIRED} and the same with {@code ALTER SCHEMA s}.
 */
public final class SqlConsentRequired extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "CONSENT REQUIRED",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlConsentRequired(
                    pos, (SqlIdentifier) operands.get(0), Nodes.flag(operands.get(1)), Nodes.flag(operands.get(2))));

    private final SqlIdentifier target;
    private final boolean schema;
    private final boolean required;

    public SqlConsentRequired(SqlParserPos pos, SqlIdentifier target, boolean schema, boolean required) {
        super(pos);
        this.target = requireNonNull(target, "target is null");
        this.schema = schema;
        this.required = required;
        if (schema) {
            Nodes.checkSimpleName(target);
        } else {
            Nodes.checkTableName(target);
        }
    }

    /** The table, or the schema when {@link #schema()}. */
    public SqlIdentifier target() {
        return target;
    }

    public boolean schema() {
        return schema;
    }

    /** SET (true) or DROP (false). */
    public boolean required() {
        return required;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(target, Nodes.flag(schema), Nodes.flag(required));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword(schema ? "ALTER SCHEMA" : "ALTER TABLE");
        target.unparse(writer, 0, 0);
        writer.keyword(required ? "SET CONSENT REQUIRED" : "DROP CONSENT REQUIRED");
    }
}
