package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableName;
import dev.veil.policy.DomainPolicy;
import dev.veil.sql.ast.SqlSetColumnDomain;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.sql.SqlDateLiteral;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlTimestampLiteral;
import org.apache.calcite.sql.SqlUnknownLiteral;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Executes {@code ALTER TABLE s.t ALTER COLUMN c SET DOMAIN IN (...)} and {@code ... SET DOMAIN
 * REFERENCES s.t2 (c2)} (admin only). Each listed value must be a value of the column's type
 * (a string literal is read as one: {@code '2024-01-01'} for a DATE column).
 */
final class SetColumnDomainStatement {
    private SetColumnDomainStatement() {}

    static UpdateCount execute(SqlSetColumnDomain node, StatementContext context) {
        var store = PolicyStatements.store(context);
        TableName table = SqlNames.tableName(node.table(), context);
        String column = PolicyStatements.column(node.column());
        DomainPolicy policy;
        if (node.referencedTable().isPresent()) {
            policy = DomainPolicy.references(
                    table,
                    column,
                    PolicyStatements.columnRef(
                            node.referencedTable().get(),
                            node.referencedColumn().orElseThrow(),
                            context));
        } else {
            List<String> values = new ArrayList<>();
            for (SqlLiteral literal : node.values()) {
                values.add(text(literal, PolicyStatements.target(table, column)));
            }
            policy = DomainPolicy.values(table, column, values);
        }
        store.setDomain(policy);
        String count = policy.values().isEmpty() ? "" : " (" + policy.values().size() + " values)";
        return new UpdateCount(0, "Domain of " + PolicyStatements.target(table, column) + " set" + count);
    }

    /** The value of a literal as text, which the store reads as a value of the column's type. */
    private static String text(SqlLiteral literal, String target) {
        SqlTypeName type = literal.getTypeName();
        if (type == SqlTypeName.NULL) {
            throw new VeilException(
                    ErrorCode.INVALID_POLICY,
                    "Policy DOMAIN IN (...) on '" + target + "' is invalid: NULL is not a domain value");
        }
        if (literal instanceof SqlUnknownLiteral typed
                && (typed.tag.equalsIgnoreCase("DATE") || typed.tag.equalsIgnoreCase("TIMESTAMP"))) {
            // DATE '...' and TIMESTAMP '...' reach here unresolved; the store reads the text by the column's type.
            return typed.getValue();
        }
        if (literal instanceof SqlDateLiteral date) {
            return date.toFormattedString();
        }
        if (literal instanceof SqlTimestampLiteral timestamp) {
            return timestamp.toFormattedString();
        }
        if (SqlTypeName.CHAR_TYPES.contains(type)) {
            return literal.getValueAs(String.class);
        }
        if (type == SqlTypeName.BOOLEAN) {
            return Boolean.toString(literal.booleanValue());
        }
        if (SqlTypeName.NUMERIC_TYPES.contains(type) || type == SqlTypeName.DECIMAL) {
            return literal.bigDecimalValue().toPlainString();
        }
        throw new VeilException(
                ErrorCode.INVALID_POLICY,
                "Policy DOMAIN IN (...) on '" + target + "' is invalid: a " + type
                        + " literal cannot be a domain value");
    }
}
