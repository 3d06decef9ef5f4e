package dev.veil.exec.privacy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableDef;
import dev.veil.exec.aggregate.VectorInput;
import dev.veil.exec.scan.ArrowTableScan;
import dev.veil.exec.scan.ScanDynamicFilter;
import dev.veil.exec.scan.ScanPredicates;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import dev.veil.schema.ArrowTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableCalc;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgram;
import org.apache.calcite.rex.RexShuttle;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How a DP aggregate reads its input from Arrow batches instead of rows ({@link DpBatchAggregator}),
 * when that input is a filtered, projected {@link ArrowTableScan} of one table, through
 * condition-free projections and {@link EnumerableUnitLookup}s: the grouping columns, the column
 * whose value (looked up through a chain of unit maps) is the unit, and each value source's
 * expression over table columns, evaluated by a {@link VectorInput}. Anything else (a join, a
 * FILTER clause, a public domain, an expression the vectors do not evaluate) has no batch plan and
 * runs on the rows. Immutable.
 */
public final class DpBatchPlan {
    /** One unit lookup step: the map of {@code table} from {@code keyColumn} to {@code nextColumn}. */
    record Step(ArrowTable table, int keyColumn, int nextColumn) {
        Step {
            requireNonNull(table, "table is null");
        }
    }

    private final VectorInput input;
    private final List<Step> steps;
    private final String table;

    private DpBatchPlan(VectorInput input, List<Step> steps, String table) {
        this.input = input;
        this.steps = List.copyOf(steps);
        this.table = table;
    }

    VectorInput input() {
        return input;
    }

    /** The lookups from the key column to the unit, applied first to last. */
    List<Step> steps() {
        return steps;
    }

    /**
     * The table column that output field {@code field} of the aggregate (a group key if below the
     * group count {@code groupCount}) holds as stored, or -1.
     */
    int groupKeyColumn(int field, int groupCount) {
        return field >= 0 && field < groupCount ? input.groupColumn(field) : -1;
    }

    /** The table it reads. */
    ArrowTable arrowTable() {
        return input.table();
    }

    /**
     * This plan reading only the rows whose group key columns are in {@code filters}' key sets, fixed
     * when the scan starts ({@link VectorInput#withDynamicFilters}). Only for key sets that do not
     * depend on protected rows: {@code join.DynamicFilterPlanner} decides which.
     */
    DpBatchPlan withDynamicFilters(List<ScanDynamicFilter> filters) {
        return new DpBatchPlan(input.withDynamicFilters(filters), steps, table);
    }

    @Override
    public String toString() {
        return "batches of " + table + (steps.isEmpty() ? "" : " through " + steps.size() + " unit lookup(s)")
                + (input.dynamicFilters().isEmpty() ? "" : " with dynamicFilters " + input.dynamicFilters());
    }

    /** A DP input field: an expression over table columns, or a looked-up value. */
    private sealed interface Field permits Expr, Lookup {}

    private record Expr(RexNode node) implements Field {}

    private record Lookup(Field key, Step step) implements Field {}

    /** The batch plan of a DP aggregate over {@code input} with {@code spec}, or null. */
    static @Nullable DpBatchPlan of(RelNode input, DpSpec spec) {
        if (spec.domainMarker() >= 0) {
            return null;
        }
        ArrowTableScan[] scan = new ArrowTableScan[1];
        List<Field> fields = resolve(input, scan);
        if (fields == null) {
            return null;
        }
        // The unit: a chain of lookups from one integral column.
        Field unit = fields.get(spec.unitField());
        List<Step> steps = new ArrayList<>();
        while (unit instanceof Lookup lookup) {
            steps.add(0, lookup.step());
            unit = lookup.key();
        }
        if (!(unit instanceof Expr key) || !(key.node() instanceof RexInputRef keyRef)) {
            return null;
        }
        for (Step step : steps) {
            TableDef def = step.table().definition();
            if (!LongUnitMap.holds(def.columns().get(step.keyColumn()).type().type())
                    || !LongUnitMap.holds(
                            def.columns().get(step.nextColumn()).type().type())) {
                return null;
            }
        }
        int[] groupColumns = new int[spec.groupKeys().size()];
        for (int k = 0; k < groupColumns.length; k++) {
            if (!(fields.get(spec.groupKeys().get(k)) instanceof Expr e) || !(e.node() instanceof RexInputRef ref)) {
                return null;
            }
            groupColumns[k] = ref.getIndex();
        }
        DpAggregator.Sources sources = DpAggregator.Sources.of(spec.calls().toArray(new DpCall[0]));
        List<RexNode> values = new ArrayList<>();
        boolean[] nullOnly = new boolean[sources.readers().length];
        for (int s = 0; s < nullOnly.length; s++) {
            DpCall reader = sources.readers()[s];
            if (reader.filter() >= 0 || reader.argument() < 0) {
                return null;
            }
            if (reader.kind() == DpCall.Kind.COUNT_UNITS && reader.argument() == spec.unitField()) {
                // Every row that reaches a unit has a key: 1 for each of them.
                values.add(keyRef);
                nullOnly[s] = true;
                continue;
            }
            if (!(fields.get(reader.argument()) instanceof Expr e)) {
                return null;
            }
            values.add(e.node());
            nullOnly[s] = reader.kind().isCount();
        }
        ArrowTable table = scan[0].arrowTable();
        TableDef def = table.definition();
        VectorInput vectors;
        try {
            vectors = VectorInput.of(
                    table,
                    scan[0].filter() == null ? null : ScanPredicates.compile(scan[0].filter(), def),
                    groupColumns,
                    keyRef.getIndex(),
                    values,
                    nullOnly);
        } catch (RuntimeException e) {
            return null; // a filter the batch scan does not evaluate
        }
        return vectors == null
                ? null
                : new DpBatchPlan(vectors, steps, def.name().toString());
    }

    /** The fields of {@code node}'s rows over the one scan below it (set in {@code scan}), or null. */
    private static @Nullable List<Field> resolve(RelNode node, ArrowTableScan[] scan) {
        if (node instanceof ArrowTableScan s) {
            scan[0] = s;
            int[] projects = s.projects();
            List<Field> fields = new ArrayList<>(projects.length);
            for (int i = 0; i < projects.length; i++) {
                fields.add(new Expr(new RexInputRef(
                        projects[i], s.getRowType().getFieldList().get(i).getType())));
            }
            return fields;
        }
        if (node instanceof EnumerableUnitLookup lookup) {
            List<Field> inner = resolve(lookup.getInput(), scan);
            ArrowTable table = lookup.table().unwrap(ArrowTable.class);
            if (inner == null || table == null) {
                return null;
            }
            List<Field> fields = new ArrayList<>(inner.subList(0, lookup.keptFields()));
            fields.add(
                    new Lookup(inner.get(lookup.keyField()), new Step(table, lookup.keyColumn(), lookup.nextColumn())));
            return fields;
        }
        if (node instanceof EnumerableCalc calc) {
            RexProgram program = calc.getProgram();
            if (program.getCondition() != null) {
                return null;
            }
            List<Field> inner = resolve(calc.getInput(), scan);
            if (inner == null) {
                return null;
            }
            boolean[] lookedUp = {false};
            RexShuttle substitute = new RexShuttle() {
                @Override
                public RexNode visitInputRef(RexInputRef ref) {
                    if (inner.get(ref.getIndex()) instanceof Expr e) {
                        return e.node();
                    }
                    lookedUp[0] = true;
                    return ref;
                }
            };
            List<Field> fields = new ArrayList<>();
            for (RexNode project : program.getProjectList()) {
                RexNode expanded = program.expandLocalRef((org.apache.calcite.rex.RexLocalRef) project);
                if (expanded instanceof RexInputRef ref && inner.get(ref.getIndex()) instanceof Lookup l) {
                    fields.add(l);
                    continue;
                }
                RexNode over = expanded.accept(substitute);
                if (lookedUp[0]) {
                    return null; // arithmetic on a looked-up value
                }
                fields.add(new Expr(over));
            }
            return fields;
        }
        return null;
    }
}
