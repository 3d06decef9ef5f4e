package dev.veil.rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlKind;

/**
 * Rewrites a join. Protected rows may meet public rows anywhere, but the privacy unit may be
 * matched against public data only along the declared foreign-key path (anything else would pick
 * units out by value). Two protected inputs may be joined only when their rows belong to the same
 * unit: equal unit fields, or a foreign key of the declared path equal to the key it references.
 * No such link (a cross join, say) is rejected. The result's unit is the one the link establishes.
 */
final class JoinStep {
    private JoinStep() {}

    static Piece apply(Join join, Piece left, Piece right, RewriteContext ctx) {
        int leftFields = left.rel().getRowType().getFieldCount();
        RexNode condition = join.getCondition().accept(new Shift(left.width(), leftFields));
        List<RelDataType> types = new ArrayList<>();
        left.rel().getRowType().getFieldList().forEach(f -> types.add(f.getType()));
        right.rel().getRowType().getFieldList().forEach(f -> types.add(f.getType()));
        condition = condition.accept(new Retype(ctx.typeFactory(), types));

        List<FieldInfo> fields = new ArrayList<>(left.fields());
        fields.addAll(right.fields());
        Optional<UnitHandle> leftUnit = left.unit();
        Optional<UnitHandle> rightUnit = right.unit().map(u -> u.remap(i -> i + leftFields));
        Optional<UnitHandle> anyUnit = leftUnit.isPresent() ? leftUnit : rightUnit;
        ExpressionChecks.checkRestrictions(condition, fields, ExpressionChecks.Use.JOIN, ctx.principal());
        JoinOnlyKeys.checkCondition(condition, fields, ctx.principal(), ExpressionChecks.Use.JOIN.where);

        List<int[]> pairs = equalities(condition, leftFields);
        JoinRelType type = join.getJoinType();
        Optional<UnitHandle> unit;
        if (leftUnit.isPresent() && rightUnit.isPresent()) {
            unit = Optional.of(link(leftUnit.get(), rightUnit.get(), pairs, fields, type));
        } else if (leftUnit.isPresent()) {
            unit = Optional.of(withPublic(leftUnit.get(), condition, fields, leftFields, true));
        } else if (rightUnit.isPresent()) {
            if (!type.projectsRight()) {
                throw PrivacyErrors.filteredByProtectedRows(rightUnit.get());
            }
            unit = Optional.of(withPublic(rightUnit.get(), condition, fields, leftFields, false));
        } else {
            unit = Optional.empty();
        }
        // After the unit links (whose errors say more about a join), every other use of the unit in the condition.
        UnitLineageRule.check(condition, fields, ExpressionChecks.Use.JOIN, unit.or(() -> anyUnit));
        if (unit.isPresent()) {
            condition = SafeExpressions.apply(ctx.rexBuilder(), types, condition);
        }

        RelNode rel =
                LogicalJoin.create(left.rel(), right.rel(), join.getHints(), condition, join.getVariablesSet(), type);
        if (!type.projectsRight()) {
            return new Piece(rel, join.getRowType().getFieldCount(), left.fields(), left.unit());
        }
        // Keep the user's fields in their places and the unit, if only an extra field holds it, last.
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < left.width(); i++) {
            keep.add(i);
        }
        for (int i = 0; i < right.width(); i++) {
            keep.add(leftFields + i);
        }
        return Projections.keep(rel, keep, rel.getRowType().getFieldNames(), fields, unit, ctx);
    }

    /** Equality conjuncts between a left field and a right field, as (left, right) field pairs. */
    private static List<int[]> equalities(RexNode condition, int leftFields) {
        List<int[]> pairs = new ArrayList<>();
        for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
            int[] pair = equality(conjunct, leftFields);
            if (pair != null) {
                pairs.add(pair);
            }
        }
        return pairs;
    }

    private static int[] equality(RexNode conjunct, int leftFields) {
        if (!(conjunct instanceof RexCall call)
                || (call.getKind() != SqlKind.EQUALS && call.getKind() != SqlKind.IS_NOT_DISTINCT_FROM)) {
            return null;
        }
        RexNode a = Lineage.stripCasts(call.getOperands().get(0));
        RexNode b = Lineage.stripCasts(call.getOperands().get(1));
        if (!(a instanceof RexInputRef ra) || !(b instanceof RexInputRef rb)) {
            return null;
        }
        int x = ra.getIndex();
        int y = rb.getIndex();
        if (x < leftFields && y >= leftFields) {
            return new int[] {x, y};
        }
        if (y < leftFields && x >= leftFields) {
            return new int[] {y, x};
        }
        return null;
    }

    /** The unit of a join of two protected inputs, or a rejection when nothing links their units. */
    private static UnitHandle link(
            UnitHandle left, UnitHandle right, List<int[]> pairs, List<FieldInfo> fields, JoinRelType type) {
        if (!left.domain().equals(right.domain())) {
            throw PrivacyErrors.differentUnits(left, right);
        }
        UnitHandle linked = null;
        for (int[] pair : pairs) {
            if (left.holds(pair[0]) && right.holds(pair[1]) && left.steps().equals(right.steps())) {
                List<Integer> all = new ArrayList<>(left.fields());
                all.addAll(right.fields());
                linked = left.withFields(all).withSources(right.sources());
                break;
            }
            if (follows(left, pair[0], fields.get(pair[1])) && isSource(right, fields.get(pair[1]))) {
                linked = right.withSources(left.sources());
                break;
            }
            if (follows(right, pair[1], fields.get(pair[0])) && isSource(left, fields.get(pair[0]))) {
                linked = left.withSources(right.sources());
                break;
            }
        }
        if (linked == null) {
            throw PrivacyErrors.joinNotOnUnit(left, right);
        }
        // Rows an outer join keeps unmatched get NULL in the other side's fields: keep the unit of the kept side.
        return switch (type) {
            case LEFT, FULL, SEMI, ANTI -> left.withSources(right.sources());
            case RIGHT -> right.withSources(left.sources());
            default -> linked;
        };
    }

    /**
     * Whether {@code from}, a field of {@code unit} equal to a field described by {@code other},
     * follows the next lookup of the unit's path (a foreign key equal to the key it references).
     */
    private static boolean follows(UnitHandle unit, int from, FieldInfo other) {
        return !unit.steps().isEmpty()
                && unit.holds(from)
                && other.identity()
                        .filter(id -> id.equals(unit.steps().get(0).key()))
                        .isPresent();
    }

    /**
     * Whether a field is a raw column of one of the protected tables of {@code unit}: every such
     * table's rows in that input belong to the input's unit, so reaching one reaches the unit.
     */
    private static boolean isSource(UnitHandle unit, FieldInfo field) {
        return field.identity()
                .filter(id -> unit.sources().stream().anyMatch(s -> s.table().equals(id.table())))
                .isPresent();
    }

    /**
     * The unit of protected rows joined with public ones: unchanged. The unit's fields may meet
     * public fields only in an equality that follows the declared path; any other condition on
     * them is rejected. The next value of the path is never taken from the public side (a public
     * table may hold the referenced table twice, joined arbitrarily); it is looked up at the boundary.
     */
    private static UnitHandle withPublic(
            UnitHandle unit, RexNode condition, List<FieldInfo> fields, int leftFields, boolean protectedLeft) {
        for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
            List<Integer> used = Lineage.inputs(conjunct);
            boolean touchesUnit = used.stream()
                    .anyMatch(i -> isProtectedSide(i, leftFields, protectedLeft)
                            && fields.get(i).unitDerived());
            boolean touchesPublic = used.stream().anyMatch(i -> !isProtectedSide(i, leftFields, protectedLeft));
            if (!touchesUnit || !touchesPublic) {
                continue;
            }
            int[] pair = equality(conjunct, leftFields);
            if (pair == null) {
                throw PrivacyErrors.unitJoinedWithUnprotected(unit);
            }
            int unitField = protectedLeft ? pair[0] : pair[1];
            int publicField = protectedLeft ? pair[1] : pair[0];
            if (!follows(unit, unitField, fields.get(publicField))) {
                throw PrivacyErrors.unitJoinedWithUnprotected(unit);
            }
        }
        return unit;
    }

    private static boolean isProtectedSide(int field, int leftFields, boolean protectedLeft) {
        return (field < leftFields) == protectedLeft;
    }

    /** Renumbers the original join's references into the rewritten inputs, where the left one may have extra fields. */
    private static final class Shift extends RexShuttle {
        private final int leftWidth;
        private final int leftFields;

        Shift(int leftWidth, int leftFields) {
            this.leftWidth = leftWidth;
            this.leftFields = leftFields;
        }

        @Override
        public RexNode visitInputRef(RexInputRef ref) {
            int i = ref.getIndex();
            return i < leftWidth ? ref : new RexInputRef(i - leftWidth + leftFields, ref.getType());
        }
    }
}
