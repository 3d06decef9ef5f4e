package dev.veil.exec.join;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.VeilType;
import dev.veil.exec.privacy.EnumerableDpAggregate;
import dev.veil.exec.privacy.EnumerableReleaseOrder;
import dev.veil.exec.scan.ArrowTableScan;
import dev.veil.exec.scan.DynamicFilterTarget;
import dev.veil.exec.scan.ScanDynamicFilter;
import dev.veil.plan.DpAggregate;
import dev.veil.plan.UnitLookup;
import dev.veil.schema.ArrowTable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.adapter.enumerable.EnumerableAggregate;
import org.apache.calcite.adapter.enumerable.EnumerableCalc;
import org.apache.calcite.adapter.enumerable.EnumerableFilter;
import org.apache.calcite.adapter.enumerable.EnumerableHashJoin;
import org.apache.calcite.adapter.enumerable.EnumerableProject;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgram;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Places dynamic filters in a physical plan: for each equi-join key of a hash join that can drop
 * probe rows without a match (inner, semi and right joins), it follows the probe key down the
 * probe input to the scan column it comes from, gives that scan a {@link ScanDynamicFilter}, and
 * puts a {@link DynamicFilterSource} on the join's build input to publish the key set at run time.
 *
 * <p>A key is followed only through operators for which skipping the rows with a given key value
 * removes exactly the output rows with that value, and nothing else: plain column references of
 * projections and calcs, filters, the order of released rows ({@link ReleaseOrder}), a deferred input ({@link EnumerableDeferred}), the group
 * keys of a plain aggregate (and of an aggregation fused over a scan, which filters its rows by
 * them: a {@link DynamicFilterTarget}), and either input of an inner join (the left of a semi join). Any other operator stops the search (its inputs can
 * still get filters from joins below it), so a filter never crosses an operator whose result on
 * the remaining rows could change, such as a limit, a window or a differentially private
 * aggregate. Keys must be BIGINT, INTEGER or DATE, and only {@code =} keys count ({@code IS NOT
 * DISTINCT FROM} matches NULLs). The plan computes the same rows: a skipped row is one that the
 * join would have dropped.
 *
 * <p>A build side that is a whole table publishes no filter; its join may instead read its probe
 * side first and filter the table's scan by the probe keys ({@link #probeFirst}).
 *
 * <p>A differentially private aggregate ({@link EnumerableDpAggregate}) that reads a table's batches
 * takes a filter on one of its group keys, applied to the table's rows before the aggregate samples
 * groups per unit and rows per unit and group, only when the key set is made from public tables
 * alone ({@link #isPublic}: tables the principal reads without any policy, through filters that are
 * themselves public) and is fixed for the whole scan ({@link
 * dev.veil.exec.scan.DynamicFilters#fixed}). The aggregate then runs on the rows of the groups in
 * that set: a selection of its input by a predicate that no protected row decides, the same as if
 * the query had said {@code WHERE key IN (SELECT ... FROM public tables)} inside the aggregate. On two
 * neighbouring databases (one unit's rows more or fewer) the selected inputs are still neighbours
 * (the same key set, so at most that unit's rows differ), so the aggregate's guarantee holds as
 * before; the groups it no longer computes are exactly those the join above drops, and whether the
 * groups in the set appear is still decided by its partition selection over noisy unit counts. A key
 * set collected from a protected table (or from a DP aggregate's output) is never used: one unit's row
 * could add a key to it and so bring other units' rows into the aggregate, a change of many units
 * that the noise is not scaled for. A DP aggregate over rows (not batches) takes no filter: its
 * scan would apply a set published late to some batches only.
 */
public final class DynamicFilterPlanner {
    private static final Set<SqlTypeName> KEY_TYPES =
            EnumSet.of(SqlTypeName.BIGINT, SqlTypeName.INTEGER, SqlTypeName.DATE);
    private static final Set<VeilType> KEY_COLUMN_TYPES = EnumSet.of(VeilType.BIGINT, VeilType.INTEGER, VeilType.DATE);

    /**
     * The fewest rows of a whole table on a build side for which its join reads the probe side
     * first: a smaller table costs less to read whole than keeping the probe rows does.
     */
    private static final double MIN_PROBE_FIRST_ROWS = 10_000;

    private int nextId;
    /** The tables the principal reads without any policy (qualified names). */
    private final Set<List<String>> publicTables;
    /** The filters whose key sets are made from public tables alone ({@link #isPublic}). */
    private final Set<Integer> publicIds = new HashSet<>();
    /** The filters that reached a scan; the others need no build side to collect them. */
    private final Set<Integer> placed = new HashSet<>();

    private DynamicFilterPlanner(Set<List<String>> publicTables) {
        this.publicTables = Set.copyOf(requireNonNull(publicTables, "publicTables is null"));
    }

    /** Whether a join key of this type can be a dynamic filter's. */
    static boolean isKeyType(SqlTypeName type) {
        return KEY_TYPES.contains(type);
    }

    /**
     * {@code plan} with dynamic filters; the same plan if no join can use one. No DP aggregate takes
     * one: no table is known to be public.
     */
    public static RelNode apply(RelNode plan) {
        return apply(plan, Set.of());
    }

    /**
     * {@code plan} with dynamic filters, where DP aggregates also take the filters whose key sets
     * come from {@code publicTables} alone: the qualified names of the tables the statement's
     * principal reads without any policy (no privacy unit, row filter, minimum group size or
     * restricted column).
     */
    public static RelNode apply(RelNode plan, Set<List<String>> publicTables) {
        return new DynamicFilterPlanner(publicTables).visit(plan, List.of());
    }

    /** A filter looking for its scan: output field {@code field} of the current operator must be in set {@code id}. */
    private record Pending(int field, int id, SqlTypeName type) {
        Pending to(int newField) {
            return new Pending(newField, id, type);
        }
    }

    private RelNode visit(RelNode node, List<Pending> pending) {
        if (node instanceof DynamicFilterTarget target) {
            return place(target, pending);
        }
        // Exact classes: a subclass may do something else with its rows.
        Class<?> c = node.getClass();
        if (c == EnumerableHashJoin.class || c == EnumerableLongHashJoin.class) {
            return visitJoin((Join) node, pending);
        }
        if (c == EnumerableLongMarkJoin.class) {
            return visitMarkJoin((Join) node, pending);
        }
        if (c == EnumerableDpAggregate.class) {
            return visitDpAggregate((EnumerableDpAggregate) node, pending);
        }
        if (c == EnumerableCalc.class) {
            RexProgram program = ((EnumerableCalc) node).getProgram();
            return visitSingle(
                    node,
                    pending,
                    field -> inputRef(
                            program.expandLocalRef(program.getProjectList().get(field))));
        }
        if (c == EnumerableProject.class) {
            List<RexNode> projects = ((EnumerableProject) node).getProjects();
            return visitSingle(node, pending, field -> inputRef(projects.get(field)));
        }
        if (c == EnumerableFilter.class || c == EnumerableReleaseOrder.class || c == EnumerableDeferred.class) {
            return visitSingle(node, pending, field -> field);
        }
        if (c == EnumerableAggregate.class) {
            Aggregate aggregate = (Aggregate) node;
            boolean simple = aggregate.getGroupType() == Aggregate.Group.SIMPLE;
            return visitSingle(
                    node,
                    pending,
                    field -> simple && field < aggregate.getGroupCount()
                            ? aggregate.getGroupSet().nth(field)
                            : -1);
        }
        return withInputs(
                node,
                node.getInputs().stream().map(input -> visit(input, List.of())).toList());
    }

    /** Maps an output field to the input field it copies, or -1. */
    @FunctionalInterface
    private interface FieldMap {
        int inputField(int field);
    }

    private static int inputRef(RexNode e) {
        return e instanceof RexInputRef ref ? ref.getIndex() : -1;
    }

    private RelNode visitSingle(RelNode node, List<Pending> pending, FieldMap map) {
        List<Pending> down = new ArrayList<>();
        for (Pending p : pending) {
            int field = map.inputField(p.field());
            if (field >= 0) {
                down.add(p.to(field));
            }
        }
        return withInputs(node, List.of(visit(node.getInput(0), down)));
    }

    private RelNode place(DynamicFilterTarget target, List<Pending> pending) {
        RelNode scan = (RelNode) target;
        List<RelDataTypeField> fields = scan.getRowType().getFieldList();
        List<ScanDynamicFilter> filters = new ArrayList<>();
        for (Pending p : pending) {
            int column = target.keyColumn(p.field());
            if (column < 0) {
                continue;
            }
            VeilType type = target.arrowTable()
                    .definition()
                    .columns()
                    .get(column)
                    .type()
                    .type();
            if (KEY_COLUMN_TYPES.contains(type)
                    && fields.get(p.field()).getType().getSqlTypeName() == p.type()) {
                filters.add(new ScanDynamicFilter(p.id(), column));
                placed.add(p.id());
            }
        }
        return filters.isEmpty() ? scan : target.withDynamicFilters(filters);
    }

    /**
     * A DP aggregate reading a table's batches: the pending filters with public key sets on its group
     * keys go to its batch scan (see the class comment); the others stop here.
     */
    private RelNode visitDpAggregate(EnumerableDpAggregate dp, List<Pending> pending) {
        List<ScanDynamicFilter> filters = new ArrayList<>();
        ArrowTable table = dp.batchTable();
        List<RelDataTypeField> fields = dp.getRowType().getFieldList();
        for (Pending p : pending) {
            int column = dp.batchKeyColumn(p.field());
            if (table == null || column < 0 || !publicIds.contains(p.id())) {
                continue;
            }
            VeilType type = table.definition().columns().get(column).type().type();
            if (KEY_COLUMN_TYPES.contains(type)
                    && fields.get(p.field()).getType().getSqlTypeName() == p.type()) {
                filters.add(new ScanDynamicFilter(p.id(), column));
                placed.add(p.id());
            }
        }
        RelNode visited = withInputs(dp, List.of(visit(dp.getInput(), List.of())));
        return filters.isEmpty() ? visited : ((EnumerableDpAggregate) visited).withBatchDynamicFilters(filters);
    }

    /**
     * Whether the rows of {@code node} (visited) come from public tables alone: its leaves are scans
     * (or aggregations fused over scans) of {@link #publicTables} whose dynamic filters have public
     * key sets too, or constant rows, and it holds no DP aggregate and no unit lookup. Anything else
     * (a protected table's scan, a remote query, a system table) is not public.
     */
    private boolean isPublic(RelNode node) {
        if (node instanceof DpAggregate || node instanceof UnitLookup) {
            return false;
        }
        if (node instanceof DynamicFilterTarget target) {
            // A stored table's scan, or an aggregation fused over one.
            return node.getTable() != null
                    && publicTables.contains(node.getTable().getQualifiedName())
                    && target.dynamicFilters().stream().allMatch(f -> publicIds.contains(f.id()));
        }
        if (node.getInputs().isEmpty()) {
            return node instanceof Values;
        }
        return node.getInputs().stream().allMatch(this::isPublic);
    }

    /** Marks the filters in {@code keys} as having public key sets when {@code source} is public. */
    private void markPublic(RelNode source, List<DynamicFilterSource.Key> keys) {
        if (!keys.isEmpty() && isPublic(source)) {
            keys.forEach(k -> publicIds.add(k.id()));
        }
    }

    private RelNode visitJoin(Join join, List<Pending> pending) {
        JoinRelType type = join.getJoinType();
        int leftCount = join.getLeft().getRowType().getFieldCount();
        List<Pending> leftPending = new ArrayList<>();
        List<Pending> rightPending = new ArrayList<>();
        if (type == JoinRelType.INNER || type == JoinRelType.SEMI) {
            for (Pending p : pending) {
                if (p.field() < leftCount) {
                    leftPending.add(p);
                } else if (type == JoinRelType.INNER) {
                    rightPending.add(p.to(p.field() - leftCount));
                }
            }
        }
        List<DynamicFilterSource.Key> keys = new ArrayList<>();
        RelNode right = visit(join.getRight(), rightPending);
        if ((type == JoinRelType.INNER || type == JoinRelType.SEMI || type == JoinRelType.RIGHT)
                && !wholeTable(right)) {
            keyPairs(join, true, leftPending, keys);
            markPublic(right, keys);
        }
        RelNode left = visit(join.getLeft(), leftPending);
        List<DynamicFilterSource.Key> used =
                keys.stream().filter(k -> placed.contains(k.id())).toList();
        if (!used.isEmpty()) {
            right = new DynamicFilterSource(right.getTraitSet(), right, used);
        } else if (join.getClass() == EnumerableLongHashJoin.class && wholeTable(right)) {
            return probeFirst(join, left, right);
        }
        return withInputs(join, List.of(left, right));
    }

    /**
     * For each {@code =} key of {@code join} of one BIGINT, INTEGER or DATE type on both sides: a
     * new filter, pending in {@code pending} on the filtered side's key (the left one if {@code
     * filterLeft}, else the right one) and collected in {@code keys} from the other side's.
     */
    private void keyPairs(Join join, boolean filterLeft, List<Pending> pending, List<DynamicFilterSource.Key> keys) {
        JoinInfo info = join.analyzeCondition();
        List<RelDataTypeField> leftFields = join.getLeft().getRowType().getFieldList();
        List<RelDataTypeField> rightFields = join.getRight().getRowType().getFieldList();
        for (int i = 0; i < info.leftKeys.size(); i++) {
            int leftKey = info.leftKeys.get(i);
            int rightKey = info.rightKeys.get(i);
            SqlTypeName leftType = leftFields.get(leftKey).getType().getSqlTypeName();
            SqlTypeName rightType = rightFields.get(rightKey).getType().getSqlTypeName();
            if (info.nullExclusionFlags.get(i) && leftType == rightType && KEY_TYPES.contains(leftType)) {
                int id = nextId++;
                pending.add(new Pending(filterLeft ? leftKey : rightKey, id, leftType));
                keys.add(new DynamicFilterSource.Key(id, filterLeft ? rightKey : leftKey));
            }
        }
    }

    /**
     * A hash join whose build side {@code right} is a whole table, with its probe side {@code left}
     * read first ({@link ProbeBuffer}, {@link BuildAfterProbe}, {@link ProbeKeysFirst}) when its
     * keys can filter the table's scan: every {@code =} key of BIGINT, INTEGER or DATE on both
     * sides, a table of at least {@link #MIN_PROBE_FIRST_ROWS} rows, and a probe side that is a scan
     * under filters and projections ({@link #streamedScan}) estimated at no more than four times the
     * table's rows (estimates of ranges are coarse). The probe side is kept only up to half the
     * table's rows, beyond which filtering the table would save less than keeping the probe rows
     * costs; a probe side with more is read again, which costs at most a second scan of its rows up
     * to that many. Any join type of the hash join
     * takes it: a build row without a matching probe row is never output.
     */
    private RelNode probeFirst(Join join, RelNode left, RelNode right) {
        List<Pending> buildPending = new ArrayList<>();
        List<DynamicFilterSource.Key> keys = new ArrayList<>();
        keyPairs(join, false, buildPending, keys);
        markPublic(left, keys);
        RelMetadataQuery mq = join.getCluster().getMetadataQuery();
        double tableRows = mq.getRowCount(right);
        if (keys.isEmpty()
                || tableRows < MIN_PROBE_FIRST_ROWS
                || mq.getRowCount(left) > 4 * tableRows
                || !streamedScan(left)) {
            return withInputs(join, List.of(left, right));
        }
        RelNode filtered = visit(right, buildPending);
        List<DynamicFilterSource.Key> used =
                keys.stream().filter(k -> placed.contains(k.id())).toList();
        if (used.isEmpty()) {
            return withInputs(join, List.of(left, right));
        }
        long cap = (long) Math.min(Integer.MAX_VALUE, tableRows / 2);
        int link = nextId++;
        return withInputs(
                join,
                List.of(
                        new ProbeBuffer(left.getTraitSet(), left, link, used, cap),
                        new BuildAfterProbe(filtered.getTraitSet(), filtered, link)));
    }

    /**
     * A join that hashes its left input and streams its right one past it ({@link
     * EnumerableLongMarkJoin}): a SEMI or ANTI join's output rows are left rows, so filters from
     * above go left (a LEFT join's take none); right rows without a key on the left match nothing,
     * so the left keys filter the right scans.
     */
    private RelNode visitMarkJoin(Join join, List<Pending> pending) {
        List<Pending> rightPending = new ArrayList<>();
        List<DynamicFilterSource.Key> keys = new ArrayList<>();
        RelNode left = visit(join.getLeft(), join.getJoinType() == JoinRelType.LEFT ? List.of() : pending);
        if (!wholeTable(left)) {
            keyPairs(join, false, rightPending, keys);
        }
        markPublic(left, keys);
        RelNode right = visit(join.getRight(), rightPending);
        List<DynamicFilterSource.Key> used =
                keys.stream().filter(k -> placed.contains(k.id())).toList();
        if (!used.isEmpty()) {
            left = new DynamicFilterSource(left.getTraitSet(), left, used);
        }
        return withInputs(join, List.of(left, right));
    }

    /**
     * Whether a (visited) build input is a whole table: a scan without a filter or dynamic filters,
     * through projections. Its key set holds every key of the table, so the probe rows it could
     * skip are only those whose key no row of the table has; collecting it costs a hash of every
     * row and skips next to nothing on a foreign key (TPC-H Q14's {@code lineitem JOIN part}).
     */
    private static boolean wholeTable(RelNode node) {
        RelNode n = node;
        while (n.getClass() == EnumerableProject.class
                || (n.getClass() == EnumerableCalc.class
                        && ((EnumerableCalc) n).getProgram().getCondition() == null)) {
            n = n.getInput(0);
        }
        return n instanceof ArrowTableScan scan
                && scan.filter() == null
                && scan.dynamicFilters().isEmpty();
    }

    /**
     * Whether {@code node} streams the rows of a scan through filters and projections only: such a
     * probe side can be read again from the start at the cost of the rows read the first time.
     */
    private static boolean streamedScan(RelNode node) {
        RelNode n = node;
        while (n.getClass() == EnumerableProject.class
                || n.getClass() == EnumerableCalc.class
                || n.getClass() == EnumerableFilter.class) {
            n = n.getInput(0);
        }
        return n instanceof ArrowTableScan;
    }

    private static RelNode withInputs(RelNode node, List<RelNode> inputs) {
        List<RelNode> old = node.getInputs();
        for (int i = 0; i < inputs.size(); i++) {
            if (old.get(i) != inputs.get(i)) {
                return node.copy(node.getTraitSet(), inputs);
            }
        }
        return node;
    }
}
