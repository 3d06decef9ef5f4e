package dev.veil.rewrite;

import dev.veil.catalog.Principals.Principal;
import dev.veil.policy.ColumnClass;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.sql.SqlKind;

/**
 * Checks each use of a restricted or unit-identifying value inside one expression:
 * <ul>
 *   <li>a JOIN ONLY value may only be compared for equality with another column (a join key), or
 *       passed through a projection unchanged;
 *   <li>an AGGREGATE ONLY value may be computed with and tested in WHERE, but not in a join condition;
 *   <li>a value derived from a privacy unit may meet only the same unit, in an equality
 *       ({@link UnitLineageRule}).
 * </ul>
 * Where a value finally goes (output, grouping, aggregates) is checked by the step that uses it.
 */
final class ExpressionChecks {
    /** Where an expression sits, for the rules and the error text. */
    enum Use {
        PROJECTION("in a computed expression"),
        WHERE("in WHERE"),
        JOIN("in a join condition");

        final String where;

        Use(String where) {
            this.where = where;
        }
    }

    private static final Set<SqlKind> EQUALITIES = EnumSet.of(SqlKind.EQUALS, SqlKind.IS_NOT_DISTINCT_FROM);

    private ExpressionChecks() {}

    /** Checks {@code e} over fields {@code inputs}; {@code unit} (if any) names the protected tables in errors. */
    static void check(RexNode e, List<FieldInfo> inputs, Use use, Optional<UnitHandle> unit, Principal principal) {
        checkRestrictions(e, inputs, use, principal);
        UnitLineageRule.check(e, inputs, use, unit);
    }

    /** Checks only the uses of JOIN ONLY and AGGREGATE ONLY values in {@code e}. */
    static void checkRestrictions(RexNode e, List<FieldInfo> inputs, Use use, Principal principal) {
        checkRestrictions(e, null, inputs, use, principal, e);
    }

    private static void checkRestrictions(
            RexNode e, RexCall parent, List<FieldInfo> inputs, Use use, Principal principal, RexNode root) {
        if (e instanceof RexInputRef ref) {
            for (ColumnRestriction restriction : inputs.get(ref.getIndex()).restrictions()) {
                if (!allowed(restriction, ref, parent, use, root)) {
                    throw PrivacyErrors.restrictedUse(restriction, principal, use.where);
                }
            }
            return;
        }
        if (e instanceof RexCall call) {
            RexCall effectiveParent = call.getKind() == SqlKind.CAST ? parent : call;
            for (RexNode operand : call.getOperands()) {
                checkRestrictions(operand, effectiveParent, inputs, use, principal, root);
            }
            if (call instanceof RexOver over) {
                over.getWindow().partitionKeys.forEach(k -> checkRestrictions(k, null, inputs, use, principal, root));
                over.getWindow().orderKeys.forEach(k -> checkRestrictions(k.left, null, inputs, use, principal, root));
            }
        }
    }

    private static boolean allowed(
            ColumnRestriction restriction, RexInputRef ref, RexCall parent, Use use, RexNode root) {
        if (restriction.columnClass() == ColumnClass.AGGREGATE_ONLY) {
            return use != Use.JOIN;
        }
        // JOIN ONLY: passed through unchanged, or one side of an equality between two columns.
        if (use == Use.PROJECTION) {
            return Lineage.stripCasts(root) == ref;
        }
        if (parent != null && parent.getKind() == SqlKind.IS_NOT_NULL) {
            // What a match with a governed key (JoinOnlyKeys) tells anyway; sub-query decorrelation adds it.
            return true;
        }
        if (parent == null || !EQUALITIES.contains(parent.getKind())) {
            return false;
        }
        return parent.getOperands().stream().allMatch(o -> Lineage.stripCasts(o) instanceof RexInputRef);
    }
}
