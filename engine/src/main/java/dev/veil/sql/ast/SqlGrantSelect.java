package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
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
 * The statements {@code GRANT SELECT ON [TABLE] s.t TO {ROLE r | USER u}} and {@code REVOKE SELECT
 * ON [TABLE] s.t FROM {ROLE r | USER u}}.
 */
public final class SqlGrantSelect extends SqlCall {
    /** Whom a grant names. */
    public enum Grantee {
        ROLE,
        USER
    }

    private static final SqlOperator OPERATOR = new VeilOperator(
            "GRANT SELECT",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlGrantSelect(
                    pos,
                    ((SqlLiteral) operands.get(0)).booleanValue(),
                    (SqlIdentifier) operands.get(1),
                    ((SqlLiteral) operands.get(2)).getValueAs(Grantee.class),
                    (SqlIdentifier) operands.get(3)));

    private final boolean grant;
    private final SqlIdentifier table;
    private final Grantee kind;
    private final SqlIdentifier grantee;

    public SqlGrantSelect(SqlParserPos pos, boolean grant, SqlIdentifier table, Grantee kind, SqlIdentifier grantee) {
        super(pos);
        this.grant = grant;
        this.table = requireNonNull(table, "table is null");
        this.kind = requireNonNull(kind, "kind is null");
        this.grantee = requireNonNull(grantee, "grantee is null");
        Nodes.checkSimpleName(grantee);
    }

    /** True for GRANT, false for REVOKE. */
    public boolean grant() {
        return grant;
    }

    public SqlIdentifier table() {
        return table;
    }

    public Grantee kind() {
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
        return ImmutableNullableList.of(
                SqlLiteral.createBoolean(grant, SqlParserPos.ZERO),
                table,
                SqlLiteral.createSymbol(kind, SqlParserPos.ZERO),
                grantee);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword(grant ? "GRANT SELECT ON TABLE" : "REVOKE SELECT ON TABLE");
        table.unparse(writer, 0, 0);
        writer.keyword(grant ? "TO" : "FROM");
        writer.keyword(kind.name());
        grantee.unparse(writer, 0, 0);
    }
}
