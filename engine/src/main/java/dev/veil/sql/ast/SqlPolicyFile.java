package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * The statements {@code EXPORT POLICIES} (the warehouse's policies as a policy file, one row)
 * and {@code APPLY POLICIES '<policy file>'} (applies one, all or nothing): what
 * {@code veil policy export|apply --url} send to a running server.
 */
public final class SqlPolicyFile extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "POLICY FILE", SqlKind.OTHER, (pos, operands) -> new SqlPolicyFile(pos, (SqlLiteral) operands.get(0)));

    private final SqlLiteral document;

    /** {@code document} is null for EXPORT POLICIES, the file's text for APPLY POLICIES. */
    public SqlPolicyFile(SqlParserPos pos, SqlLiteral document) {
        super(pos);
        this.document = document;
        if (document != null) {
            requireNonNull(document.getValueAs(String.class), "the policy file is not a character string");
        }
    }

    /** The policy file to apply; empty for EXPORT POLICIES. */
    public Optional<String> document() {
        return Optional.ofNullable(document).map(d -> d.getValueAs(String.class));
    }

    public boolean isApply() {
        return document != null;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(document);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        if (document == null) {
            writer.keyword("EXPORT POLICIES");
        } else {
            writer.keyword("APPLY POLICIES");
            document.unparse(writer, 0, 0);
        }
    }
}
