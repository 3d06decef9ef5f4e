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

/** The statements {@code ALTER {USER u | ROLE r} SET PURPOSE p} and {@code ALTER ... RESET PURPOSE}. */
public final class SqlSetDefaultPurpose extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "SET DEFAULT PURPOSE",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlSetDefaultPurpose(
                    pos,
                    Nodes.symbol(operands.get(0), PrincipalKind.class),
                    (SqlIdentifier) operands.get(1),
                    (SqlIdentifier) operands.get(2)));

    private final PrincipalKind kind;
    private final SqlIdentifier principal;
    private final SqlIdentifier purpose;

    /** @param purpose the default purpose, or null to remove it */
    public SqlSetDefaultPurpose(SqlParserPos pos, PrincipalKind kind, SqlIdentifier principal, SqlIdentifier purpose) {
        super(pos);
        this.kind = requireNonNull(kind, "kind is null");
        this.principal = requireNonNull(principal, "principal is null");
        this.purpose = purpose;
        Nodes.checkSimpleName(principal);
        if (purpose != null) {
            Nodes.checkSimpleName(purpose);
        }
    }

    public PrincipalKind kind() {
        return kind;
    }

    public SqlIdentifier principal() {
        return principal;
    }

    /** The purpose, or null to remove the default. */
    public SqlIdentifier purpose() {
        return purpose;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(Nodes.symbol(kind), principal, purpose);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("ALTER " + kind.name());
        principal.unparse(writer, 0, 0);
        if (purpose == null) {
            writer.keyword("RESET PURPOSE");
        } else {
            writer.keyword("SET PURPOSE");
            purpose.unparse(writer, 0, 0);
        }
    }
}
