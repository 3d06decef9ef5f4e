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
 * The statements {@code GRANT {SELECT | CREATE} ON SCHEMA s TO {ROLE r | USER u}} and {@code
 * REVOKE {SELECT | CREATE} ON SCHEMA s FROM {ROLE r | USER u}}.
 */
public final class SqlGrantSchema extends SqlCall {
    /** What the grant allows. */
    public enum Privilege {
        SELECT,
        CREATE
    }

    private static final SqlOperator OPERATOR = new VeilOperator(
            "GRANT ON SCHEMA",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlGrantSchema(
                    pos,
                    ((SqlLiteral) operands.get(0)).booleanValue(),
                    ((SqlLiteral) operands.get(1)).getValueAs(Privilege.class),
                    (SqlIdentifier) operands.get(2),
                    ((SqlLiteral) operands.get(3)).getValueAs(SqlGrantSelect.Grantee.class),
                    (SqlIdentifier) operands.get(4)));

    private final boolean grant;
    private final Privilege privilege;
    private final SqlIdentifier schema;
    private final SqlGrantSelect.Grantee kind;
    private final SqlIdentifier grantee;

    public SqlGrantSchema(
            SqlParserPos pos,
            boolean grant,
            Privilege privilege,
            SqlIdentifier schema,
            SqlGrantSelect.Grantee kind,
            SqlIdentifier grantee) {
        super(pos);
        this.grant = grant;
        this.privilege = requireNonNull(privilege, "privilege is null");
        this.schema = requireNonNull(schema, "schema is null");
        this.kind = requireNonNull(kind, "kind is null");
        this.grantee = requireNonNull(grantee, "grantee is null");
        Nodes.checkSimpleName(schema);
        Nodes.checkSimpleName(grantee);
    }

    /** True for GRANT, false for REVOKE. */
    public boolean grant() {
        return grant;
    }

    public Privilege privilege() {
        return privilege;
    }

    public SqlIdentifier schema() {
        return schema;
    }

    public SqlGrantSelect.Grantee kind() {
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
                SqlLiteral.createSymbol(privilege, SqlParserPos.ZERO),
                schema,
                SqlLiteral.createSymbol(kind, SqlParserPos.ZERO),
                grantee);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword(grant ? "GRANT" : "REVOKE");
        writer.keyword(privilege.name());
        writer.keyword("ON SCHEMA");
        schema.unparse(writer, 0, 0);
        writer.keyword(grant ? "TO" : "FROM");
        writer.keyword(kind.name());
        grantee.unparse(writer, 0, 0);
    }
}
