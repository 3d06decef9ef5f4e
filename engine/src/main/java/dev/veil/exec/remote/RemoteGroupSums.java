package dev.veil.exec.remote;

import dev.veil.catalog.RemoteKind;
import dev.veil.dp.StepGrid;
import dev.veil.plan.DpSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The second level of a DP aggregate's pre-aggregation in the remote: over the statement that
 * returns one row per (group, unit) with the unit's bounded rows and clamped sums ({@link
 * RemoteContributionBounds}), a statement that returns one row per group: its number of units
 * (what partition selection needs), and per call the rows its units count, the sum of each unit's
 * total turned into integer steps of the call's {@link StepGrid} exactly as Veil turns it ({@link
 * StepGrid#unitSteps}: {@code rint(total / grid)}, NaN as 0, clamped to {@code [rows · min, rows ·
 * max]}), and the number of units with a counted row.
 *
 * <p>Why this is the same function of the data as summing per unit in Veil: each unit's total is
 * the same remote value either way, its steps are computed by the same formula (in IEEE
 * arithmetic, exact: the grid is a power of two at most 1, so the scaling is exact, and every
 * step count is at most 2^52 in magnitude, so the floor-based half-even rounding and the clamps
 * compare exact integers), and the units' steps are then added as integers, whose sum does not
 * depend on the order the remote adds them in. It cannot overflow: each unit adds at most 2^52
 * steps, summed as {@code DECIMAL(38, 0)} (Trino) or {@code numeric} (PostgreSQL), and no table
 * has 2^63 rows, so no remote error depends on the data. Floating-point values are therefore
 * summed here too: only one unit's own sum is a floating-point sum, which the clamp bounds as
 * before.
 */
final class RemoteGroupSums {
    /** The largest magnitude of one unit's steps the remote computes in doubles exactly. */
    static final double MAX_UNIT_STEPS = 0x1p52;

    private RemoteGroupSums() {}

    /** Whether every call's steps (of {@code grids}, null for a count) can be computed remotely for {@code spec}. */
    static boolean fits(DpSpec spec, List<StepGrid> grids) {
        if (grids == null) {
            return false;
        }
        for (StepGrid grid : grids) {
            if (grid != null
                    && (grid.grid() > 1 || grid.maxUnitSteps(spec.maxRowsPerUnitPerGroup()) > MAX_UNIT_STEPS)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The statement over {@code perUnit} (the group keys, the unit, then {@value
     * RemoteContributionBounds#FIELDS_PER_CALL} fields per call: rows, clamped sum, squared
     * distances) that sums it per group: the keys, {@code COUNT(*)} units, then per call the
     * rows, the steps and the units with a row.
     */
    static String sql(RemoteKind kind, String perUnit, DpSpec spec, List<StepGrid> grids) {
        int keys = spec.groupKeys().size();
        long maxRows = spec.maxRowsPerUnitPerGroup();
        List<String> names = new ArrayList<>();
        List<String> keyNames = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            keyNames.add("\"veil_k" + k + "\"");
        }
        names.addAll(keyNames);
        names.add("\"veil_u\"");
        List<String> perUnitSteps = new ArrayList<>(keyNames);
        List<String> perGroup = new ArrayList<>(keyNames);
        perGroup.add("COUNT(*) AS \"veil_units\"");
        for (int c = 0; c < spec.calls().size(); c++) {
            names.add("\"veil_r" + c + "\"");
            names.add("\"veil_s" + c + "\"");
            names.add("\"veil_q" + c + "\"");
            // A unit's rows as Veil reads them: never more than Linf.
            String rows = "GREATEST(0, LEAST(" + maxRows + ", COALESCE(\"veil_r" + c + "\", 0)))";
            perUnitSteps.add(rows + " AS \"veil_r" + c + "\"");
            StepGrid grid = grids.get(c);
            if (grid != null) {
                perUnitSteps.add(
                        steps(kind, grid, "\"veil_r" + c + "\"", "\"veil_s" + c + "\"") + " AS \"veil_t" + c + "\"");
            }
            perGroup.add("SUM(\"veil_r" + c + "\") AS \"veil_rows" + c + "\"");
            perGroup.add(
                    grid == null
                            ? "CAST(NULL AS DECIMAL(38, 0)) AS \"veil_steps" + c + "\""
                            : "SUM(CAST(\"veil_t" + c + "\" AS DECIMAL(38, 0))) AS \"veil_steps" + c + "\"");
            perGroup.add("COUNT(CASE WHEN \"veil_r" + c + "\" > 0 THEN 1 END) AS \"veil_units" + c + "\"");
        }
        String units = "SELECT " + String.join(", ", perUnitSteps) + "\nFROM (" + perUnit + ") AS \"p\" ("
                + String.join(", ", names) + ")";
        String sql = "SELECT " + String.join(", ", perGroup) + "\nFROM (" + units + ") AS \"u\"";
        return keys == 0 ? sql : sql + "\nGROUP BY " + String.join(", ", keyNames);
    }

    /**
     * A unit's steps, as {@link StepGrid#unitSteps} computes them from its {@code rows} (already
     * within [0, Linf]) and its clamped {@code sum} (NULL when it has no rows: 0), as a BIGINT.
     */
    static String steps(RemoteKind kind, StepGrid grid, String rows, String sum) {
        String dbl = kind == RemoteKind.TRINO ? "DOUBLE" : "DOUBLE PRECISION";
        String v = "(COALESCE(" + sum + ", 0) * CAST(" + Double.toString(1 / grid.grid()) + " AS " + dbl + "))";
        String low = "(" + rows + " * " + grid.minSteps() + ")";
        String high = "(" + rows + " * " + grid.maxSteps() + ")";
        String nan = kind == RemoteKind.TRINO ? "is_nan(" + v + ")" : v + " = CAST('NaN' AS DOUBLE PRECISION)";
        String f = "FLOOR(" + v + ")";
        String rint = "CASE WHEN " + v + " - " + f + " > 0.5 THEN " + f + " + 1 WHEN " + v + " - " + f + " < 0.5 THEN "
                + f + " WHEN " + f + " - 2 * FLOOR(" + f + " / 2) = 0 THEN " + f + " ELSE " + f + " + 1 END";
        return "CAST(CASE WHEN " + nan + " THEN GREATEST(" + low + ", LEAST(" + high + ", 0)) WHEN " + v + " <= " + low
                + " THEN " + low + " WHEN " + v + " >= " + high + " THEN " + high + " ELSE " + rint + " END AS BIGINT)";
    }

    /** The row type of {@link #sql}: the group keys of {@code perUnit}, the units, then per call rows, steps, units. */
    static RelDataType rowType(RelDataTypeFactory types, RelDataType perUnit, DpSpec spec) {
        List<RelDataTypeField> fields = perUnit.getFieldList();
        RelDataTypeFactory.Builder builder = types.builder();
        for (int k = 0; k < spec.groupKeys().size(); k++) {
            builder.add("veil_k" + k, fields.get(k).getType());
        }
        RelDataType count = types.createSqlType(SqlTypeName.BIGINT);
        RelDataType sum = types.createTypeWithNullability(types.createSqlType(SqlTypeName.BIGINT), true);
        RelDataType steps = types.createTypeWithNullability(types.createSqlType(SqlTypeName.DECIMAL, 38, 0), true);
        builder.add("veil_units", count);
        for (int c = 0; c < spec.calls().size(); c++) {
            builder.add("veil_rows" + c, sum);
            builder.add("veil_steps" + c, steps);
            builder.add("veil_units" + c, count);
        }
        return builder.build();
    }
}
