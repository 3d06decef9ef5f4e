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

/** The statements {@code GRANT PURPOSE p TO {ROLE r | USER u}} and {@code REVOKE PURPOSE p FROM ...}. */
public final class SqlGrantPurpose extends SqlCall {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "GRANT PURPOSE",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlGrantPurpose(
                    pos,
                    Nodes.flag(operands.get(0)),
                    (SqlIdentifier) operands.get(1),
                    Nodes.symbol(operands.get(2), PrincipalKind.class),
                    (SqlIdentifier) operands.get(3)));

    private final boolean grant;
    private final SqlIdentifier purpose;
    private final PrincipalKind kind;
    private final SqlIdentifier grantee;

    public SqlGrantPurpose(
            SqlParserPos pos, boolean grant, SqlIdentifier purpose, PrincipalKind kind, SqlIdentifier grantee) {
        super(pos);
        this.grant = grant;
        this.purpose = requireNonNull(purpose, "purpose is null");
        this.kind = requireNonNull(kind, "kind is null");
        this.grantee = requireNonNull(grantee, "grantee is null");
        Nodes.checkSimpleName(purpose);
        Nodes.checkSimpleName(grantee);
    }

    public boolean grant() {
        return grant;
    }

    public SqlIdentifier purpose() {
        return purpose;
    }

    public PrincipalKind kind() {
        return kind;
    }

    public SqlIdentifier grantee() {
        return grantee;
    }

    @Override
    public SqlOperator getOperator() {
        return OPERATOR;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(Nodes.flag(grant), purpose, Nodes.symbol(kind), grantee);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword(grant ? "GRANT PURPOSE" : "REVOKE PURPOSE");
        purpose.unparse(writer, 0, 0);
        writer.keyword(grant ? "TO" : "FROM");
        writer.keyword(kind.name());
        grantee.unparse(writer, 0, 0);
    }
}
