package dev.veil.rewrite;

import dev.veil.catalog.Principals.Principal;
import dev.veil.policy.ColumnClass;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.sql.SqlKind;

/**
 * The aggregates allowed where protected rows are released (and over AGGREGATE ONLY values):
 * {@code COUNT(*)}, {@code COUNT(col)}, {@code COUNT(DISTINCT col)}, {@code SUM}, {@code AVG},
 * {@code VAR_POP}, {@code STDDEV_POP}. They combine many rows into one number; the rest
 * ({@code MIN}, {@code MAX}, {@code ANY_VALUE}, {@code LISTAGG}, {@code ARRAY_AGG}, ...) release
 * individual values and are allowed only over constants (as sub-query decorrelation produces).
 */
final class BoundaryFunctions {
    private static final Set<SqlKind> COMBINING =
            EnumSet.of(SqlKind.COUNT, SqlKind.SUM, SqlKind.SUM0, SqlKind.AVG, SqlKind.VAR_POP, SqlKind.STDDEV_POP);
    /** Aggregates that, per unit, count a unit-derived value or return it as it is. */
    private static final Set<SqlKind> UNIT_PRESERVING =
            EnumSet.of(SqlKind.COUNT, SqlKind.MIN, SqlKind.MAX, SqlKind.ANY_VALUE, SqlKind.SINGLE_VALUE);

    private static final Set<SqlKind> ROW_FREE =
            EnumSet.of(SqlKind.GROUPING, SqlKind.GROUP_ID, SqlKind.GROUPING_ID, SqlKind.LITERAL_AGG);

    private BoundaryFunctions() {}

    /**
     * Checks the calls of an aggregate at a boundary over {@code inputs}; {@code unit} names the
     * protected tables in errors.
     */
    static void checkBoundary(List<AggregateCall> calls, List<FieldInfo> inputs, UnitHandle unit, Principal principal) {
        for (AggregateCall call : calls) {
            SqlKind kind = call.getAggregation().getKind();
            List<FieldInfo> args = call.getArgList().stream().map(inputs::get).toList();
            if (ROW_FREE.contains(kind) || args.stream().allMatch(FieldInfo::constant) && !args.isEmpty()) {
                continue;
            }
            if (!COMBINING.contains(kind)) {
                throw PrivacyErrors.forbiddenAggregate(call.getAggregation().getName(), unit);
            }
            for (FieldInfo arg : args) {
                checkArgument(arg, principal, call);
                if (arg.unitDerived() && kind != SqlKind.COUNT) {
                    throw PrivacyErrors.unitInAggregate(
                            unit, call.getAggregation().getName());
                }
            }
        }
    }

    /** Checks the calls of an aggregate over unprotected rows with restricted values among its arguments. */
    static void checkUnprotected(List<AggregateCall> calls, List<FieldInfo> inputs, Principal principal) {
        for (AggregateCall call : calls) {
            for (int arg : call.getArgList()) {
                FieldInfo info = inputs.get(arg);
                checkArgument(info, principal, call);
                if (info.isRestricted()
                        && !COMBINING.contains(call.getAggregation().getKind())) {
                    throw PrivacyErrors.restrictedUse(
                            info.restrictions().iterator().next(),
                            principal,
                            "inside " + call.getAggregation().getName());
                }
            }
        }
    }

    /**
     * Checks the calls of a per-unit aggregate: any function, but never over JOIN ONLY values, and
     * over a unit-derived value only one that returns it unchanged or counts it (anything else,
     * {@code SUM(c_id)} say, computes with the unit; see {@link UnitLineageRule}).
     */
    static void checkPerUnit(List<AggregateCall> calls, List<FieldInfo> inputs, UnitHandle unit, Principal principal) {
        for (AggregateCall call : calls) {
            for (int arg : call.getArgList()) {
                checkArgument(inputs.get(arg), principal, call);
                if (inputs.get(arg).unitDerived()
                        && !UNIT_PRESERVING.contains(call.getAggregation().getKind())) {
                    throw PrivacyErrors.unitInAggregate(
                            unit, call.getAggregation().getName());
                }
            }
        }
    }

    private static void checkArgument(FieldInfo arg, Principal principal, AggregateCall call) {
        for (ColumnRestriction restriction : arg.restrictions()) {
            if (restriction.columnClass() == ColumnClass.JOIN_ONLY) {
                throw PrivacyErrors.restrictedUse(
                        restriction,
                        principal,
                        "inside " + call.getAggregation().getName());
            }
        }
    }
}
