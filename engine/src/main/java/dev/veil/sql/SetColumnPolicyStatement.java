package dev.veil.sql;

import dev.veil.catalog.TableName;
import dev.veil.policy.Bounds;
import dev.veil.policy.ColumnClass;
import dev.veil.policy.ColumnPolicy;
import dev.veil.policy.Mask;
import dev.veil.policy.MaskKind;
import dev.veil.sql.ast.ColumnMask;
import dev.veil.sql.ast.MaskFunction;
import dev.veil.sql.ast.SqlSetColumnPolicy;
import java.util.Optional;

/**
 * Executes {@code ALTER TABLE s.t ALTER COLUMN c SET POLICY class [FOR ROLE r]} (admin only).
 * Bounds go on numeric columns only, and the mask must fit the column's type. Setting PUBLIC
 * removes the column's policy for that scope.
 */
final class SetColumnPolicyStatement {
    private SetColumnPolicyStatement() {}

    static UpdateCount execute(SqlSetColumnPolicy node, StatementContext context) {
        var store = PolicyStatements.store(context);
        TableName table = SqlNames.tableName(node.table(), context);
        String column = PolicyStatements.column(node.column());
        Optional<String> role = PolicyStatements.role(node.role());
        String target = PolicyStatements.target(table, column);
        ColumnClass columnClass = switch (node.policyClass()) {
            case PUBLIC -> ColumnClass.PUBLIC;
            case HIDDEN -> ColumnClass.HIDDEN;
            case JOIN_ONLY -> ColumnClass.JOIN_ONLY;
            case AGGREGATE_ONLY -> ColumnClass.AGGREGATE_ONLY;
            case MASKED -> ColumnClass.MASKED;
        };
        if (columnClass == ColumnClass.PUBLIC) {
            store.setColumnPublic(table, column, role);
            return new UpdateCount(0, "Column " + target + " is PUBLIC" + PolicyStatements.scope(role));
        }
        ColumnPolicy policy;
        try {
            Optional<Bounds> bounds = node.lowerBound().isPresent()
                    ? Optional.of(new Bounds(
                            node.lowerBound().get(), node.upperBound().orElseThrow()))
                    : Optional.empty();
            Optional<Mask> mask = node.mask().map(SetColumnPolicyStatement::mask);
            policy = new ColumnPolicy(table, column, role, columnClass, bounds, mask);
        } catch (IllegalArgumentException e) {
            throw PolicyStatements.invalid(node.policyClass().sql(), target, e);
        }
        store.setColumnPolicy(policy);
        return new UpdateCount(0, "Policy " + policy.definition() + " set on " + target + PolicyStatements.scope(role));
    }

    private static Mask mask(ColumnMask mask) {
        return new Mask(kind(mask.function()), mask.argument());
    }

    /** The policy's mask kind of a function the grammar parsed: an explicit, exhaustive mapping. */
    static MaskKind kind(MaskFunction function) {
        return switch (function) {
            case REDACT -> MaskKind.REDACT;
            case NULLIFY -> MaskKind.NULLIFY;
            case HASH -> MaskKind.HASH;
            case TRUNCATE -> MaskKind.TRUNCATE;
            case YEAR -> MaskKind.YEAR;
            case MONTH -> MaskKind.MONTH;
            case BUCKET -> MaskKind.BUCKET;
            case SHOW_LAST -> MaskKind.SHOW_LAST;
        };
    }
}
