package dev.veil.rewrite;

import dev.veil.catalog.Principals.Principal;
import dev.veil.policy.ColumnClass;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexVisitorImpl;

/**
 * What a JOIN ONLY value may be matched against: only a <em>governed key</em>, a value the
 * analyst can neither see nor choose. Matching a JOIN ONLY value with data the analyst controls
 * (a table of their own, a VALUES list, a literal in a sub-query, a public column they can read)
 * tests a guessed value: an inner join or IN selects the person with that SSN, an anti join,
 * NOT IN, NOT EXISTS or {@code LEFT JOIN ... IS NULL} removes them (differencing), and a
 * UNION or EXCEPT counted before and after tells whether the value is there.
 *
 * <p>The rule is on lineage, at every operator that matches values of different rows: a value
 * carrying a JOIN ONLY restriction may meet another value in an equality (a join condition or a
 * WHERE), in the group keys of an aggregate, or in a row-comparing set operation (UNION,
 * INTERSECT, EXCEPT) only if every value it meets there is a governed key:
 * <ul>
 *   <li>exactly the raw value of a stored column that is JOIN ONLY for the user (its identity,
 *       restricted as that column and nothing else), or
 *   <li>exactly the raw value of a privacy-unit column of protected rows not yet aggregated (the
 *       unit column or the first foreign key of the path), which the analyst can neither output
 *       nor compare with a constant.
 * </ul>
 * A JOIN ONLY value that is itself not a governed key (one mixed with other rows by UNION ALL, or
 * an aggregate computed per key) may not be matched at all. Since the other side of any match is
 * then admin data the analyst cannot see, outer joins, semi joins and anti joins with it learn no
 * more than inner joins: which rows of one governed table match rows of another.
 */
final class JoinOnlyKeys {
    private JoinOnlyKeys() {}

    /** Whether {@code field} is a governed key: a JOIN ONLY column's or the unit's raw value. */
    static boolean isGovernedKey(FieldInfo field) {
        Optional<ColumnId> identity = field.identity();
        if (identity.isEmpty()) {
            return false;
        }
        ColumnId id = identity.get();
        boolean onlyItsOwn = field.restrictions().stream()
                .allMatch(r -> r.columnClass() == ColumnClass.JOIN_ONLY
                        && r.table().equals(id.table())
                        && r.column().equals(id.column()));
        if (!onlyItsOwn) {
            return false;
        }
        return field.isRestricted() || field.unitDerived();
    }

    /**
     * Checks every equality in {@code condition} (a join condition or a WHERE over
     * {@code fields}): one with a JOIN ONLY operand needs governed keys on all sides.
     * Run after {@link ExpressionChecks}, which allows JOIN ONLY values only in equalities.
     */
    static void checkCondition(RexNode condition, List<FieldInfo> fields, Principal principal, String where) {
        condition.accept(new RexVisitorImpl<Void>(true) {
            @Override
            public Void visitCall(RexCall call) {
                Optional<ColumnRestriction> joinOnly = Optional.empty();
                boolean allKeys = true;
                for (RexNode operand : call.getOperands()) {
                    RexNode bare = Lineage.stripCasts(operand);
                    if (bare instanceof RexInputRef ref) {
                        FieldInfo info = fields.get(ref.getIndex());
                        if (joinOnly.isEmpty()) {
                            joinOnly = joinOnly(info);
                        }
                        allKeys &= isGovernedKey(info);
                    } else {
                        allKeys = false;
                    }
                }
                if (joinOnly.isPresent() && !allKeys) {
                    throw notGovernedKey(joinOnly.get(), principal, where);
                }
                return super.visitCall(call);
            }
        });
    }

    /** Checks that a JOIN ONLY group key is a governed key (grouping matches values of different rows). */
    static void checkGroupKey(FieldInfo key, Principal principal) {
        Optional<ColumnRestriction> joinOnly = joinOnly(key);
        if (joinOnly.isPresent() && !isGovernedKey(key)) {
            throw notGovernedKey(joinOnly.get(), principal, "in GROUP BY");
        }
    }

    /**
     * Checks a set operation that compares rows (anything but UNION ALL): at each position where
     * some input carries a JOIN ONLY value, every input must hold a governed key.
     */
    static void checkSetOp(SetOp op, List<Piece> inputs, int width, Principal principal) {
        if (op instanceof Union && op.all) {
            return;
        }
        String name = op.kind.sql + (op.all ? " ALL" : "");
        for (int i = 0; i < width; i++) {
            int position = i;
            Optional<ColumnRestriction> joinOnly = inputs.stream()
                    .map(p -> joinOnly(p.field(position)))
                    .flatMap(Optional::stream)
                    .findFirst();
            if (joinOnly.isPresent() && !inputs.stream().allMatch(p -> isGovernedKey(p.field(position)))) {
                throw notGovernedKey(joinOnly.get(), principal, "in " + name);
            }
        }
    }

    private static Optional<ColumnRestriction> joinOnly(FieldInfo field) {
        return field.restrictions().stream()
                .filter(r -> r.columnClass() == ColumnClass.JOIN_ONLY)
                .findFirst();
    }

    private static dev.veil.VeilException notGovernedKey(
            ColumnRestriction restriction, Principal principal, String where) {
        return PrivacyErrors.violation(restriction.describe(principal) + " and cannot be matched " + where
                + " with a value the analyst can see or choose (a public or own column, a constant, a VALUES list, "
                + "a sub-query of such data, or rows mixed with them); use it only as a key of an equality join "
                + "with a JOIN ONLY column or the privacy unit of a table governed by a policy");
    }
}
