package dev.veil.sql;

import dev.veil.catalog.TableName;
import dev.veil.policy.ConsentPolicies;
import dev.veil.policy.ConsentSource;
import dev.veil.policy.Retention;
import dev.veil.sql.ast.SqlConsentRequired;
import dev.veil.sql.ast.SqlSetColumnCategory;
import dev.veil.sql.ast.SqlSetConsentSource;
import dev.veil.sql.ast.SqlSetRetention;
import java.util.Locale;
import java.util.Optional;
import org.apache.calcite.sql.SqlIdentifier;

/**
 * The admins' consent and retention policy statements: {@code SET CATEGORY} of a column, {@code SET
 * / DROP CONSENT SOURCE}, {@code SET / DROP CONSENT REQUIRED} of a table or schema, {@code SET /
 * DROP RETENTION}. They are stored by {@link ConsentPolicies} and enforced at the scan by the
 * rewrite's {@code ScanConditions}.
 */
final class ConsentPolicyStatements {
    private ConsentPolicyStatements() {}

    private static ConsentPolicies store(StatementContext context) {
        return new ConsentPolicies(context.warehouse().sqliteCatalog());
    }

    static UpdateCount category(SqlSetColumnCategory node, StatementContext context) {
        TableName table = SqlNames.tableName(node.table(), context);
        String column = SqlNames.simpleName(node.column(), "column");
        String category = SqlNames.simpleName(node.category(), "category").toLowerCase(Locale.ROOT);
        store(context).setCategory(table, column, category);
        return new UpdateCount(0, "Category of " + table + "." + column + " set to " + category);
    }

    static UpdateCount source(SqlSetConsentSource node, StatementContext context) {
        TableName table = SqlNames.tableName(node.table(), context);
        if (node.isDrop()) {
            boolean had = store(context).dropSource(table);
            return new UpdateCount(0, had ? "Consent source " + table + " dropped" : table + " was no consent source");
        }
        var c = node.columns();
        ConsentSource source = new ConsentSource(
                table,
                name(c.get(0)),
                SqlNames.tableName(c.get(1), context),
                name(c.get(2)),
                name(c.get(3)),
                name(c.get(4)),
                name(c.get(5)),
                name(c.get(6)),
                c.size() > 7 ? Optional.of(name(c.get(7))) : Optional.empty());
        store(context).setSource(source);
        return new UpdateCount(0, "Consent source " + table + " set: " + source.definition());
    }

    static UpdateCount required(SqlConsentRequired node, StatementContext context) {
        String what;
        if (node.schema()) {
            String schema = SqlNames.simpleName(node.target(), "schema");
            store(context).setSchemaRequired(schema, node.required());
            what = "schema " + schema;
        } else {
            TableName table = SqlNames.tableName(node.target(), context);
            store(context).setRequired(table, node.required());
            what = table.toString();
        }
        return new UpdateCount(
                0, (node.required() ? "Consent required for " : "Consent no longer required for ") + what);
    }

    static UpdateCount retention(SqlSetRetention node, StatementContext context) {
        TableName table = SqlNames.tableName(node.table(), context);
        if (node.days() == null) {
            store(context).setRetention(table, Optional.empty());
            return new UpdateCount(0, "Retention of " + table + " dropped");
        }
        if (node.days() < 1 || node.days() > Retention.MAX_DAYS) {
            throw new dev.veil.VeilException(
                    dev.veil.ErrorCode.INVALID_ARGUMENT,
                    "RETENTION must be between 1 and " + Retention.MAX_DAYS + " DAYS");
        }
        Retention retention = new Retention(node.days(), SqlNames.simpleName(node.column(), "column"));
        store(context).setRetention(table, Optional.of(retention));
        return new UpdateCount(0, "Retention of " + table + " set: " + retention.definition());
    }

    private static String name(SqlIdentifier id) {
        return SqlNames.simpleName(id, "column");
    }
}
