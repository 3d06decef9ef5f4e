package dev.veil.rewrite;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * The rule for values derived from a privacy unit, judged on lineage: a value whose lineage
 * reaches a column identifying a unit (the unit column, or the first foreign key of a table's path
 * to it; see {@link UnitOrigin}) may meet only another such value of the same key space, and only
 * in an equality of the two columns as they are (a join of protected tables on their unit or along
 * their declared path). It may also be passed on unchanged (a projection, an aggregate's key or
 * {@code COUNT} argument, where the steps that use it decide) and tested for NULL. In any other
 * expression (a comparison with a constant, another column or a parameter, arithmetic, a function,
 * CASE, IN, BETWEEN, LIKE, COALESCE, a cast that can lose information, a window's keys, a join
 * with other data) it would let the analyst pick out units by value, so the query is rejected.
 *
 * <p>The rule looks at what an expression depends on, not at how it is spelled:
 * {@code c_id <> 7 + 0 * age} depends on the unit and meets arithmetic, and is rejected whether or
 * not a simplifier reduces it to {@code c_id <> 7}, which is rejected too. Only casts that lose no
 * information between numbers or between texts (as the converter adds to make key types agree)
 * count as the value unchanged; a cast to text and back is a computation.
 */
final class UnitLineageRule {
    /** Boolean connectives: they combine conditions without looking at a value, so their operands are judged alone. */
    private static final Set<SqlKind> CONNECTIVES = EnumSet.of(
            SqlKind.AND,
            SqlKind.OR,
            SqlKind.NOT,
            SqlKind.IS_TRUE,
            SqlKind.IS_FALSE,
            SqlKind.IS_NOT_TRUE,
            SqlKind.IS_NOT_FALSE);

    private static final Set<SqlKind> NULL_TESTS = EnumSet.of(SqlKind.IS_NULL, SqlKind.IS_NOT_NULL);
    private static final Set<SqlKind> EQUALITIES = EnumSet.of(SqlKind.EQUALS, SqlKind.IS_NOT_DISTINCT_FROM);

    private UnitLineageRule() {}

    /**
     * Checks {@code e} over fields {@code inputs}; {@code unit} (if any) names the protected tables in errors.
     * POLICY_VIOLATION naming the unit column when a unit-derived value meets anything but its own unit.
     */
    static void check(RexNode e, List<FieldInfo> inputs, ExpressionChecks.Use use, Optional<UnitHandle> unit) {
        if (unchanged(e) != null) {
            return;
        }
        visit(e, inputs, use, unit);
    }

    private static void visit(RexNode e, List<FieldInfo> inputs, ExpressionChecks.Use use, Optional<UnitHandle> unit) {
        if (!(e instanceof RexCall call) || !Lineage.of(call, inputs).unitDerived()) {
            return;
        }
        SqlKind kind = call.getKind();
        if (CONNECTIVES.contains(kind)) {
            for (RexNode operand : call.getOperands()) {
                visit(operand, inputs, use, unit);
            }
            return;
        }
        if (NULL_TESTS.contains(kind)) {
            RexNode operand = call.getOperands().get(0);
            if (unchanged(operand) == null) {
                visit(operand, inputs, use, unit);
            }
            return;
        }
        if (EQUALITIES.contains(kind) && call.getOperands().size() == 2) {
            RexInputRef a = unchanged(call.getOperands().get(0));
            RexInputRef b = unchanged(call.getOperands().get(1));
            if (a != null && b != null && sameKeySpace(inputs.get(a.getIndex()), inputs.get(b.getIndex()), use)) {
                return;
            }
        }
        throw violation(call, inputs, use, unit);
    }

    /** The field {@code e} is, unchanged but for lossless casts; null when it is computed. */
    private static RexInputRef unchanged(RexNode e) {
        RexNode current = e;
        while (current instanceof RexCall call && call.getKind() == SqlKind.CAST && keyCast(call)) {
            current = call.getOperands().get(0);
        }
        return current instanceof RexInputRef ref ? ref : null;
    }

    /**
     * Whether a cast keeps the value as it is, as the converter adds to make key types agree: lossless,
     * and between numbers or between texts (a number cast to text is a computed value).
     */
    private static boolean keyCast(RexCall cast) {
        RelDataType from = cast.getOperands().get(0).getType();
        RelDataType to = cast.getType();
        boolean sameFamily = SqlTypeUtil.isNumeric(from) && SqlTypeUtil.isNumeric(to)
                || SqlTypeUtil.inCharFamily(from) && SqlTypeUtil.inCharFamily(to)
                || from.getSqlTypeName() == to.getSqlTypeName();
        return sameFamily && RexUtil.isLosslessCast(cast);
    }

    /**
     * Whether two fields, at least one of them unit-derived, hold values of the same key space: both
     * derive from the unit with a common key space, or, in a join condition, one is the stored key
     * the other's path references (the join step checks that the join follows the path).
     */
    private static boolean sameKeySpace(FieldInfo a, FieldInfo b, ExpressionChecks.Use use) {
        if (a.unitDerived() && b.unitDerived()) {
            return a.units().stream()
                    .anyMatch(x -> b.units().stream().anyMatch(y -> x.space().equals(y.space())));
        }
        if (use != ExpressionChecks.Use.JOIN) {
            return false;
        }
        FieldInfo derived = a.unitDerived() ? a : b;
        FieldInfo other = a.unitDerived() ? b : a;
        return other.identity().isPresent()
                && !other.constant()
                && derived.units().stream()
                        .allMatch(u -> u.space().equals(other.identity().get()));
    }

    private static RuntimeException violation(
            RexCall call, List<FieldInfo> inputs, ExpressionChecks.Use use, Optional<UnitHandle> unit) {
        Set<String> columns = new TreeSet<>();
        for (int field : Lineage.inputs(call)) {
            inputs.get(field).units().forEach(u -> columns.add("'" + u.column() + "'"));
        }
        boolean constant =
                call.getOperands().stream().anyMatch(o -> Lineage.of(o, inputs).constant());
        String what;
        if (constant) {
            what = "is compared with a constant";
        } else if (use == ExpressionChecks.Use.JOIN && EQUALITIES.contains(call.getKind())) {
            what = "is joined with data of an unprotected table or a value other than the same privacy unit";
        } else {
            what = "meets other values";
        }
        String operator = call.getOperator().getName().isEmpty()
                ? call.getKind().sql
                : call.getOperator().getName();
        String tables = unit.map(u -> " of " + u.tableNames() + " (unit " + u.domain() + ")")
                .orElse("");
        return PrivacyErrors.violation("The privacy unit column" + (columns.size() == 1 ? " " : "s ")
                + columns.stream().collect(Collectors.joining(", "))
                + tables + " " + what + " (" + operator + ") " + use.where
                + ", which singles out individual units; a value derived from the privacy unit may only be compared "
                + "for equality with the same unit of another protected table (a join along the declared path), "
                + "counted with COUNT(DISTINCT ...) or grouped on as it is");
    }
}
