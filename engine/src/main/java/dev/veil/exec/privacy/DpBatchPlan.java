package dev.veil.exec.privacy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableDef;
import dev.veil.exec.aggregate.BuildKeys;
import dev.veil.exec.aggregate.VectorInput;
import dev.veil.exec.runtime.ProbeOrderedJoin;
import dev.veil.exec.scan.ArrowTableScan;
import dev.veil.exec.scan.ScanDynamicFilter;
import dev.veil.exec.scan.ScanPredicate;
import dev.veil.exec.scan.ScanPredicates;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import dev.veil.schema.ArrowTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.adapter.enumerable.EnumerableCalc;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgram;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlKind;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How a DP aggregate reads its input from Arrow batches instead of rows ({@link DpBatchAggregator}),
 * when that input is a filtered, projected {@link ArrowTableScan} of one table, through
 * condition-free projections and {@link EnumerableUnitLookup}s: the grouping columns, the column
 * whose value (looked up through a chain of unit maps) is the unit, and each value source's
 * expression over table columns, evaluated by a {@link VectorInput}. The scan may also be the probe
 * side of one inner hash join ({@link ProbeOrderedJoin}) on one INTEGER or BIGINT key pair whose
 * build side is a scan of a public table (TPC-H Q14's line items and parts): its rows then probe a
 * primitive index of the build table's keys ({@link BuildKeys}); a value may be a CASE whose
 * condition reads the build row alone and whose ELSE is a constant, the condition evaluated once per
 * build row; the build row's columns are otherwise not read. If the build keys repeat at run time,
 * the aggregate reads the join's rows instead. Anything else (another join, a FILTER clause, a
 * public domain, an expression the vectors do not evaluate) has no batch plan and runs on the rows.
 * Immutable.
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

    /** Whether it joins the table's rows with a build side (which may turn out not to have distinct keys). */
    boolean joins() {
        return input.join() != null;
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
        return "batches of " + table
                + (input.join() == null ? "" : " " + input.join().build())
                + (steps.isEmpty() ? "" : " through " + steps.size() + " unit lookup(s)")
                + (input.dynamicFilters().isEmpty() ? "" : " with dynamicFilters " + input.dynamicFilters());
    }

    /**
     * A DP input field: an expression over the scanned table's columns, a looked-up value, a column
     * of a joined build table, or a CASE whose condition reads the build row alone.
     */
    private sealed interface Field permits Expr, Lookup, BuildRef, Gated {}

    private record Expr(RexNode node) implements Field {}

    private record Lookup(Field key, Step step) implements Field {}

    /** Column {@code column} of the build table. */
    private record BuildRef(int column, RelDataType type) implements Field {}

    /**
     * {@code CASE WHEN condition THEN then ELSE otherwise END} with {@code condition} over build table
     * columns, {@code then} over scanned table columns and a constant {@code otherwise}.
     */
    private record Gated(RexNode condition, RexNode then, RexLiteral otherwise) implements Field {}

    /** Build table columns stand in an expression as input references from this position on. */
    private static final int BUILD = 1 << 20;

    /** What {@link #resolve} found below the aggregate: the scan, and the join with its build scan if any. */
    private static final class Found {
        ArrowTableScan scan;
        ArrowTableScan build;
        int probeKeyColumn = -1;
        int buildKeyColumn = -1;
    }

    /**
     * The batch plan of a DP aggregate over {@code input} with {@code spec}, or null; a join's build
     * side must scan one of {@code publicTables} (qualified names).
     */
    static @Nullable DpBatchPlan of(RelNode input, DpSpec spec, Set<List<String>> publicTables) {
        if (spec.domainMarker() >= 0) {
            return null;
        }
        Found found = new Found();
        List<Field> fields = resolve(input, found);
        if (fields == null
                || (found.build != null
                        && !publicTables.contains(found.build.getTable().getQualifiedName()))) {
            return null;
        }
        List<RexNode> conditions = new ArrayList<>();
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
        int[] gates = new int[nullOnly.length];
        double[] otherwise = new double[nullOnly.length];
        java.util.Arrays.fill(gates, -1);
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
            Field argument = fields.get(reader.argument());
            if (argument instanceof Gated g) {
                int c = conditions.indexOf(g.condition());
                if (c < 0) {
                    c = conditions.size();
                    conditions.add(g.condition());
                }
                gates[s] = c;
                otherwise[s] = ((Number) requireNonNull(g.otherwise().getValue(), "otherwise")).doubleValue();
                values.add(g.then());
                nullOnly[s] = reader.kind().isCount();
                continue;
            }
            if (!(argument instanceof Expr e)) {
                return null;
            }
            values.add(e.node());
            nullOnly[s] = reader.kind().isCount();
        }
        ArrowTable table = found.scan.arrowTable();
        TableDef def = table.definition();
        VectorInput vectors;
        try {
            VectorInput.Join join = null;
            if (found.build != null) {
                ArrowTable buildTable = found.build.arrowTable();
                TableDef buildDef = buildTable.definition();
                List<ScanPredicate> compiled = new ArrayList<>();
                for (RexNode condition : conditions) {
                    compiled.add(ScanPredicates.compile(condition, buildDef));
                }
                join = new VectorInput.Join(
                        new BuildKeys(
                                buildTable,
                                found.build.filter() == null
                                        ? null
                                        : ScanPredicates.compile(found.build.filter(), buildDef),
                                found.buildKeyColumn,
                                compiled),
                        found.probeKeyColumn,
                        gates,
                        otherwise);
            } else if (!conditions.isEmpty()) {
                return null;
            }
            vectors = VectorInput.of(
                    table,
                    found.scan.filter() == null ? null : ScanPredicates.compile(found.scan.filter(), def),
                    groupColumns,
                    keyRef.getIndex(),
                    values,
                    nullOnly,
                    join);
        } catch (RuntimeException e) {
            return null; // a filter or condition the batch scan does not evaluate
        }
        return vectors == null
                ? null
                : new DpBatchPlan(vectors, steps, def.name().toString());
    }

    /**
     * The fields of {@code node}'s rows over the one scan below it and at most one joined build scan
     * (set in {@code found}), or null.
     */
    private static @Nullable List<Field> resolve(RelNode node, Found found) {
        if (node instanceof ArrowTableScan s) {
            found.scan = s;
            int[] projects = s.projects();
            List<Field> fields = new ArrayList<>(projects.length);
            for (int i = 0; i < projects.length; i++) {
                fields.add(new Expr(new RexInputRef(
                        projects[i], s.getRowType().getFieldList().get(i).getType())));
            }
            return fields;
        }
        if (node instanceof EnumerableUnitLookup lookup) {
            List<Field> inner = resolve(lookup.getInput(), found);
            ArrowTable table = lookup.table().unwrap(ArrowTable.class);
            if (inner == null || table == null) {
                return null;
            }
            List<Field> fields = new ArrayList<>(inner.subList(0, lookup.keptFields()));
            fields.add(
                    new Lookup(inner.get(lookup.keyField()), new Step(table, lookup.keyColumn(), lookup.nextColumn())));
            return fields;
        }
        if (node instanceof Join join && node instanceof ProbeOrderedJoin) {
            return resolveJoin(join, found);
        }
        if (node instanceof EnumerableCalc calc) {
            RexProgram program = calc.getProgram();
            if (program.getCondition() != null) {
                return null;
            }
            List<Field> inner = resolve(calc.getInput(), found);
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
                    if (inner.get(ref.getIndex()) instanceof BuildRef b) {
                        return new RexInputRef(BUILD + b.column(), b.type());
                    }
                    lookedUp[0] = true;
                    return ref;
                }
            };
            List<Field> fields = new ArrayList<>();
            for (RexNode project : program.getProjectList()) {
                RexNode expanded = program.expandLocalRef((org.apache.calcite.rex.RexLocalRef) project);
                if (expanded instanceof RexInputRef ref && !(inner.get(ref.getIndex()) instanceof Expr)) {
                    fields.add(inner.get(ref.getIndex()));
                    continue;
                }
                RexNode over = expanded.accept(substitute);
                if (lookedUp[0]) {
                    return null; // arithmetic on a looked-up value
                }
                Field field = fieldOf(over);
                if (field == null) {
                    return null;
                }
                fields.add(field);
            }
            return fields;
        }
        return null;
    }

    /**
     * The fields of an inner join on one pair of INTEGER or BIGINT keys, without a remainder, whose
     * left input resolves to the scan and whose right input, the build side, is a scan of a table
     * without dynamic filters; or null.
     */
    private static @Nullable List<Field> resolveJoin(Join join, Found found) {
        if (found.build != null
                || join.getJoinType() != JoinRelType.INNER
                || !(join.getRight() instanceof ArrowTableScan build)
                || !build.dynamicFilters().isEmpty()) {
            return null;
        }
        JoinInfo info = join.analyzeCondition();
        if (!info.isEqui() || info.leftKeys.size() != 1) {
            return null;
        }
        List<Field> left = resolve(join.getLeft(), found);
        if (left == null || found.build != null) {
            return null;
        }
        if (!(left.get(info.leftKeys.get(0)) instanceof Expr key) || !(key.node() instanceof RexInputRef probeKey)) {
            return null;
        }
        TableDef probeDef = found.scan.arrowTable().definition();
        TableDef buildDef = build.arrowTable().definition();
        int buildKey = build.projects()[info.rightKeys.get(0)];
        if (!BuildKeys.supportsKey(
                        probeDef.columns().get(probeKey.getIndex()).type().type())
                || !BuildKeys.supportsKey(
                        buildDef.columns().get(buildKey).type().type())) {
            return null;
        }
        found.build = build;
        found.probeKeyColumn = probeKey.getIndex();
        found.buildKeyColumn = buildKey;
        List<Field> fields = new ArrayList<>(left);
        int[] projects = build.projects();
        for (int i = 0; i < projects.length; i++) {
            fields.add(new BuildRef(
                    projects[i], build.getRowType().getFieldList().get(i).getType()));
        }
        return fields;
    }

    /**
     * The field of an expression over scanned columns and build columns (references from {@link
     * #BUILD} on): an {@link Expr} when it reads no build column, a {@link Gated} CASE, or null.
     */
    private static @Nullable Field fieldOf(RexNode over) {
        if (!readsBuild(over)) {
            return new Expr(over);
        }
        if (!(over instanceof RexCall call)
                || call.getKind() != SqlKind.CASE
                || call.getOperands().size() != 3
                || !(call.getOperands().get(2) instanceof RexLiteral otherwise)
                || otherwise.isNull()
                || !(otherwise.getValue() instanceof Number)) {
            return null;
        }
        RexNode condition = call.getOperands().get(0);
        RexNode then = call.getOperands().get(1);
        RelDataType type = call.getType();
        if (readsBuild(then)
                || !onlyBuild(condition)
                || then.getType().getSqlTypeName() != type.getSqlTypeName()
                || then.getType().getScale() != type.getScale()
                || otherwise.getType().getSqlTypeName() != type.getSqlTypeName()
                || otherwise.getType().getScale() != type.getScale()) {
            return null;
        }
        RexNode overBuild = condition.accept(new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                return new RexInputRef(ref.getIndex() - BUILD, ref.getType());
            }
        });
        return new Gated(overBuild, then, otherwise);
    }

    private static boolean readsBuild(RexNode node) {
        return RelOptUtil.InputFinder.bits(node).asList().stream().anyMatch(i -> i >= BUILD);
    }

    private static boolean onlyBuild(RexNode node) {
        List<Integer> refs = RelOptUtil.InputFinder.bits(node).asList();
        return !refs.isEmpty() && refs.stream().allMatch(i -> i >= BUILD);
    }
}
