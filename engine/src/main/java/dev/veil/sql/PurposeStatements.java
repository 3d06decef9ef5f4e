package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Purposes;
import dev.veil.schema.VeilTypeSystem;
import dev.veil.sql.ast.PrincipalKind;
import dev.veil.sql.ast.SqlCreatePurpose;
import dev.veil.sql.ast.SqlDropPurpose;
import dev.veil.sql.ast.SqlGrantPurpose;
import dev.veil.sql.ast.SqlSetDefaultPurpose;
import dev.veil.sql.ast.SqlSetPurpose;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The purpose statements: {@code CREATE PURPOSE}, {@code DROP PURPOSE}, {@code GRANT / REVOKE
 * PURPOSE}, {@code ALTER {USER | ROLE} ... SET PURPOSE} (admins), and the session's {@code SET
 * PURPOSE} and {@code SHOW PURPOSE} (every user). {@code SET PURPOSE} accepts only a purpose the user
 * may run under ({@link Purposes#allowed}), else PURPOSE_NOT_GRANTED; it is checked again by every
 * statement, so a revoked purpose stops working at once.
 */
final class PurposeStatements {
    private PurposeStatements() {}

    private static Purposes purposes(StatementContext context) {
        return new Purposes(context.warehouse().sqliteCatalog());
    }

    static UpdateCount create(SqlCreatePurpose node, StatementContext context) {
        String name = SqlNames.simpleName(node.name(), "purpose");
        Integer days = node.renewalDays();
        if (days != null && (days < 1 || days > 36_500)) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "RENEWAL EVERY must be between 1 and 36500 DAYS");
        }
        purposes(context)
                .create(
                        new Purposes.Purpose(
                                name,
                                Optional.ofNullable(node.comment()),
                                days == null ? OptionalInt.empty() : OptionalInt.of(days)),
                        node.ifNotExists());
        return new UpdateCount(0, "Purpose '" + name + "' created");
    }

    static UpdateCount drop(SqlDropPurpose node, StatementContext context) {
        String name = SqlNames.simpleName(node.name(), "purpose");
        purposes(context).drop(name, node.ifExists());
        return new UpdateCount(0, "Purpose '" + name + "' dropped");
    }

    static UpdateCount grant(SqlGrantPurpose node, StatementContext context) {
        String purpose = SqlNames.simpleName(node.purpose(), "purpose");
        String grantee = SqlNames.simpleName(node.grantee(), node.kind() == PrincipalKind.ROLE ? "role" : "user");
        purposes(context).grant(node.grant(), purpose, kind(node.kind()), grantee);
        return new UpdateCount(
                0,
                "Purpose '" + purpose + "' " + (node.grant() ? "granted to " : "revoked from ")
                        + node.kind().name().toLowerCase(java.util.Locale.ROOT) + " '" + grantee + "'");
    }

    static UpdateCount setDefault(SqlSetDefaultPurpose node, StatementContext context) {
        String principal = SqlNames.simpleName(node.principal(), node.kind() == PrincipalKind.ROLE ? "role" : "user");
        Optional<String> purpose = Optional.ofNullable(node.purpose()).map(p -> SqlNames.simpleName(p, "purpose"));
        purposes(context).setDefault(kind(node.kind()), principal, purpose);
        return new UpdateCount(
                0,
                purpose.map(p -> "Default purpose of '" + principal + "' set to '" + p + "'")
                        .orElse("Default purpose of '" + principal + "' removed"));
    }

    /** {@code SET PURPOSE p}, or {@code SHOW PURPOSE}: one row, the purpose statements run under now. */
    static StatementResult session(SqlSetPurpose node, StatementContext context) {
        if (node.isShow()) {
            Optional<String> current = StatementScanRules.purpose(context, context.principal());
            RelDataTypeFactory types = new JavaTypeFactoryImpl(VeilTypeSystem.INSTANCE);
            RelDataType text = types.createTypeWithNullability(types.createSqlType(SqlTypeName.VARCHAR), true);
            List<Object[]> rows = List.<Object[]>of(new Object[] {current.orElse(null)});
            return new RowsResult(List.of(new ResultColumn("purpose", text)), Linq4j.enumerator(rows));
        }
        String purpose = SqlNames.simpleName(node.purpose(), "purpose");
        Purposes purposes = purposes(context);
        if (!purpose.equals(Purposes.ADMINISTRATION)) {
            purposes.require(purpose);
        }
        if (!purposes.allowed(context.principal(), purpose)) {
            throw StatementScanRules.notGranted(purpose);
        }
        context.settings().setPurpose(purpose);
        return new UpdateCount(0, "Purpose set to '" + purpose + "'");
    }

    private static Purposes.Grantee kind(PrincipalKind kind) {
        return kind == PrincipalKind.ROLE ? Purposes.Grantee.ROLE : Purposes.Grantee.USER;
    }
}
