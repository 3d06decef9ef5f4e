package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.TableName;
import dev.veil.policy.ColumnClass;

/**
 * A restricted column a field's value derives from: a JOIN ONLY or AGGREGATE ONLY column whose
 * class limits where the value may be used.
 *
 * @param table the column's table
 * @param column the column
 * @param columnClass JOIN_ONLY or AGGREGATE_ONLY
 * @param policy the readable policy that decided the class, for errors
 */
record ColumnRestriction(TableName table, String column, ColumnClass columnClass, String policy) {
    ColumnRestriction {
        requireNonNull(table, "table is null");
        requireNonNull(column, "column is null");
        requireNonNull(columnClass, "columnClass is null");
        requireNonNull(policy, "policy is null");
        if (columnClass != ColumnClass.JOIN_ONLY && columnClass != ColumnClass.AGGREGATE_ONLY) {
            throw new IllegalArgumentException("only JOIN_ONLY and AGGREGATE_ONLY restrict uses: " + columnClass);
        }
    }

    /** The class as SQL spells it. */
    String className() {
        return columnClass == ColumnClass.JOIN_ONLY ? "JOIN ONLY" : "AGGREGATE ONLY";
    }

    /** E.g. {@code Column 'shop.orders.amount' is AGGREGATE ONLY for role 'analyst' (policy ...)}. */
    String describe(Principal principal) {
        return "Column '" + table + "." + column + "' is " + className() + " for " + PrivacyErrors.roles(principal)
                + " (" + policy + ")";
    }
}
