package dev.veil.exec.join;

import dev.veil.exec.runtime.RuleConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.rules.MultiJoin;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.util.ImmutableBitSet;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Orders the inner joins of a multi-join under a projection greedily, joining at each step the two
 * connected inputs (tables or joins made so far) whose hash join is cheapest by {@link
 * HashJoinCost#rows}, with the smaller input (by estimate) on the build side; the trees it makes
 * may be bushy. Calcite's heuristic ({@code MULTI_JOIN_OPTIMIZE}) only adds one table at a time to
 * a single growing join, so TPC-H Q9 hashed intermediate results of the line items of green parts
 * twice (at SF 10, 3.25 million rows of 15 fields, beyond the statement's memory), where
 * {@code partsupp} joined with the green parts first is a small build side for the line items.
 * Only a bushy order (a join of two joins) is offered, beside Calcite's left-deep one; the
 * cost-based planner keeps the cheaper.
 *
 * <p>Equalities between two fields of the same type make classes of equal fields, and a join may
 * compare any member of a class on one side with any on the other: Q9 says {@code ps_partkey =
 * l_partkey AND p_partkey = l_partkey}, which also joins {@code partsupp} with {@code part}. A join
 * compares each class once (one equality per class with members on both sides), so its keys and
 * estimates are not doubled. After each join, and on each input before it is joined, the fields
 * that neither the projection, nor a condition still to be applied, nor a later join of a class
 * reads are projected away: a column that only an input's filter reads (Q9's {@code p_name}) is
 * not carried through the joins above it, nor is a join key once its joins are done, so hash
 * tables hold fewer and smaller rows.
 *
 * <p>Estimates come from the catalog's statistics and the query alone ({@link JoinSelectivity}),
 * never from rows read. The joins compute the same rows: each other conjunct of the multi-join's
 * condition is applied at the lowest join that has all its fields (one on a single input filters
 * that input), an equality of a class holds in a join's output for all the class's members it has
 * (one equality per join between the two sides' all-equal members), and an inner join's result
 * does not depend on its order. A multi-join with outer joins, a filter after its joins, an
 * aggregation among its inputs, non-deterministic or constant conditions, inputs that no
 * condition connects, or more than {@link #MAX_INPUTS} inputs is left to Calcite's heuristic.
 */
public final class GreedyJoinOrderRule extends RelRule<RuleConfig> {
    private GreedyJoinOrderRule(RuleConfig config) {
        super(config);
    }

    public static RuleConfig config() {
        return new RuleConfig(
                "GreedyJoinOrderRule",
                b0 -> b0.operand(Project.class)
                        .oneInput(b1 -> b1.operand(MultiJoin.class)
                                .predicate(GreedyJoinOrderRule::innerOnly)
                                .anyInputs()),
                RelFactories.LOGICAL_BUILDER,
                GreedyJoinOrderRule::new);
    }

    /**
     * The most inputs of a multi-join this rule orders: its greedy search estimates about n^3 / 6
     * candidate joins, so wider joins (TPC-H joins at most 8 tables) are left to Calcite's order.
     */
    static final int MAX_INPUTS = 16;

    private static boolean innerOnly(MultiJoin join) {
        return join.getInputs().size() <= MAX_INPUTS
                && !join.isFullOuterJoin()
                && join.getPostJoinFilter() == null
                && join.getJoinTypes().stream().allMatch(t -> t == JoinRelType.INNER)
                && join.getOuterJoinConditions().stream().allMatch(c -> c == null)
                && join.getInputs().stream().noneMatch(i -> isAggregation(i, 3));
    }

    /**
     * Whether {@code rel} is an aggregation, possibly under projections and filters: such a
     * multi-join is left to Calcite's order, in which {@link AggregateProbeSide} then filters the
     * aggregation's input by the other side's keys (TPC-H Q2), a shape this order does not make.
     */
    private static boolean isAggregation(RelNode rel, int depth) {
        if (depth == 0) {
            return false;
        }
        if (rel instanceof RelSubset subset) {
            RelNode original = subset.getOriginal();
            return original != null && isAggregation(original, depth);
        }
        if (rel instanceof Aggregate) {
            return true;
        }
        return (rel instanceof Project || rel instanceof Filter) && isAggregation(rel.getInput(0), depth - 1);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        Project project = call.rel(0);
        MultiJoin multiJoin = call.rel(1);
        RelNode ordered = new Ordering(project, multiJoin, call.getMetadataQuery()).order();
        if (ordered != null) {
            call.transformTo(ordered);
        }
    }

    /** A conjunct of the multi-join's condition, on the multi-join's fields, and the inputs it reads. */
    private record Conjunct(RexNode condition, ImmutableBitSet fields, ImmutableBitSet factors) {}

    /**
     * An input or a join made so far: its plan, the multi-join's inputs it covers, where each of the
     * multi-join's fields is in its row (-1 where it is not) and its estimated rows.
     */
    private record Vertex(RelNode rel, ImmutableBitSet factors, int[] positions, double rows) {
        /** Whether it joins two or more of the multi-join's inputs. */
        boolean joined() {
            return factors.cardinality() > 1;
        }
    }

    /** A candidate join: its probe (left) and build (right) side, the conjuncts it applies, the join and its cost. */
    private record Candidate(Vertex probe, Vertex build, List<Conjunct> conjuncts, RelNode join, double cost) {}

    /** The ordering of one multi-join. */
    private static final class Ordering {
        private final Project project;
        private final MultiJoin multiJoin;
        private final RelMetadataQuery mq;
        private final RexBuilder rexBuilder;
        private final int fieldCount;
        /** The input each field comes from. */
        private final int[] factorOf;
        /** The fields the projection reads. */
        private final ImmutableBitSet projected;
        /** The conjuncts of two or more inputs not applied yet, other than equalities of a class. */
        private final List<Conjunct> pending = new ArrayList<>();
        /** The classes of two or more fields made equal by equalities of fields. */
        private List<ImmutableBitSet> classes = List.of();

        Ordering(Project project, MultiJoin multiJoin, RelMetadataQuery mq) {
            this.project = project;
            this.multiJoin = multiJoin;
            this.mq = mq;
            this.rexBuilder = multiJoin.getCluster().getRexBuilder();
            this.fieldCount = multiJoin.getRowType().getFieldCount();
            this.factorOf = new int[fieldCount];
            this.projected = RelOptUtil.InputFinder.bits(project.getProjects(), null);
        }

        @Nullable
        RelNode order() {
            List<RelNode> inputs = multiJoin.getInputs();
            int[] offsets = new int[inputs.size()];
            int offset = 0;
            for (int i = 0; i < inputs.size(); i++) {
                offsets[i] = offset;
                int n = inputs.get(i).getRowType().getFieldCount();
                if (offset + n > fieldCount) {
                    return null;
                }
                Arrays.fill(factorOf, offset, offset + n, i);
                offset += n;
            }
            if (offset != fieldCount) {
                return null;
            }
            List<List<RexNode>> inputFilters = new ArrayList<>();
            inputs.forEach(i -> inputFilters.add(new ArrayList<>()));
            int[] parent = new int[fieldCount];
            Arrays.setAll(parent, f -> f);
            for (RexNode c : RelOptUtil.conjunctions(multiJoin.getJoinFilter())) {
                ImmutableBitSet fields = RelOptUtil.InputFinder.bits(c);
                ImmutableBitSet.Builder factors = ImmutableBitSet.builder();
                fields.forEach(f -> factors.set(factorOf[f]));
                ImmutableBitSet fs = factors.build();
                if (fs.isEmpty() || !RexUtil.isDeterministic(c)) {
                    return null;
                }
                int[] equal = equalFields(c);
                if (fs.cardinality() == 1) {
                    int factor = fs.nextSetBit(0);
                    inputFilters.get(factor).add(RexUtil.shift(c, -offsets[factor]));
                } else if (equal != null) {
                    parent[root(parent, equal[0])] = root(parent, equal[1]);
                } else {
                    pending.add(new Conjunct(c, fields, fs));
                }
            }
            classes = classes(parent);
            // Members of a class in one input are equal there: joins compare only the first one.
            for (ImmutableBitSet c : classes) {
                for (int f : c) {
                    int first = c.nextSetBit(offsets[factorOf[f]]);
                    if (first != f) {
                        RexNode a = rexBuilder.makeInputRef(multiJoin, first);
                        RexNode b = rexBuilder.makeInputRef(multiJoin, f);
                        inputFilters
                                .get(factorOf[f])
                                .add(RexUtil.shift(
                                        rexBuilder.makeCall(SqlStdOperatorTable.EQUALS, a, b), -offsets[factorOf[f]]));
                    }
                }
            }
            List<Vertex> vertices = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                RelNode input = inputs.get(i);
                if (!inputFilters.get(i).isEmpty()) {
                    input = LogicalFilter.create(input, RexUtil.composeConjunction(rexBuilder, inputFilters.get(i)));
                }
                int[] positions = new int[fieldCount];
                Arrays.fill(positions, -1);
                for (int f = 0; f < input.getRowType().getFieldCount(); f++) {
                    positions[offsets[i] + f] = f;
                }
                vertices.add(pruned(input, ImmutableBitSet.of(i), positions));
            }
            boolean bushy = false;
            while (vertices.size() > 1) {
                Candidate best = null;
                for (int a = 0; a < vertices.size(); a++) {
                    for (int b = a + 1; b < vertices.size(); b++) {
                        Candidate c = candidate(vertices.get(a), vertices.get(b));
                        if (c != null && (best == null || c.cost() < best.cost())) {
                            best = c;
                        }
                    }
                }
                if (best == null) {
                    return null; // inputs that no condition connects: a cross product, left to Calcite
                }
                pending.removeAll(best.conjuncts());
                bushy |= best.probe().joined() && best.build().joined();
                Vertex joined = pruned(
                        best.join(),
                        best.probe().factors().union(best.build().factors()),
                        joinedPositions(best.probe(), best.build()));
                vertices.remove(best.probe());
                vertices.remove(best.build());
                vertices.add(joined);
            }
            if (!bushy) {
                // A left-deep order is Calcite's heuristic's to choose (MULTI_JOIN_OPTIMIZE): offered
                // as well, it won on estimates and lost on TPC-H Q2 and Q7 (106 vs 60 ms, 229 vs 177
                // ms at SF 1).
                return null;
            }
            Vertex all = vertices.get(0);
            List<RexNode> exprs = new ArrayList<>();
            for (RexNode e : project.getProjects()) {
                exprs.add(remap(e, all.positions()));
            }
            return LogicalProject.create(all.rel(), List.of(), exprs, project.getRowType(), Set.of());
        }

        /**
         * The two fields of {@code a = b} when {@code c} is that equality of fields of the same type, or
         * null: such equalities make the classes of equal fields.
         */
        private int @Nullable [] equalFields(RexNode c) {
            if (c.getKind() != SqlKind.EQUALS
                    || !(((RexCall) c).getOperands().get(0) instanceof RexInputRef a)
                    || !(((RexCall) c).getOperands().get(1) instanceof RexInputRef b)) {
                return null;
            }
            RelDataTypeFactory types = multiJoin.getCluster().getTypeFactory();
            return SqlTypeUtil.equalSansNullability(types, a.getType(), b.getType())
                    ? new int[] {a.getIndex(), b.getIndex()}
                    : null;
        }

        /**
         * {@code rel} as a vertex, under a projection of the fields still needed if it has others:
         * those of the projection and of the conditions not yet applied, and of each class with
         * members outside it, the first member it has (the one later joins compare).
         */
        private Vertex pruned(RelNode rel, ImmutableBitSet factors, int[] positions) {
            ImmutableBitSet.Builder needed = projected.rebuild();
            pending.forEach(c -> needed.addAll(c.fields()));
            for (ImmutableBitSet c : classes) {
                int first = first(c, positions);
                if (first >= 0 && c.asList().stream().anyMatch(f -> !factors.get(factorOf[f]))) {
                    needed.set(first);
                }
            }
            ImmutableBitSet keep = needed.build();
            List<RexNode> kept = new ArrayList<>();
            List<String> names = new ArrayList<>();
            int[] keptPositions = new int[fieldCount];
            Arrays.fill(keptPositions, -1);
            for (int f = 0; f < fieldCount; f++) {
                if (positions[f] >= 0 && keep.get(f)) {
                    keptPositions[f] = kept.size();
                    kept.add(RexInputRef.of(positions[f], rel.getRowType()));
                    names.add(rel.getRowType().getFieldList().get(positions[f]).getName());
                }
            }
            RelNode result = rel;
            int[] resultPositions = positions;
            if (!kept.isEmpty() && kept.size() < rel.getRowType().getFieldCount()) {
                result = LogicalProject.create(rel, List.of(), kept, uniquified(names), Set.of());
                resultPositions = keptPositions;
            }
            Double rows = mq.getRowCount(result);
            return new Vertex(result, factors, resultPositions, rows == null ? Double.MAX_VALUE : rows);
        }

        /** The join of {@code a} and {@code b}, or null if no condition connects them. */
        private @Nullable Candidate candidate(Vertex a, Vertex b) {
            // The smaller side is hashed; on equal estimates the earlier vertex is probed.
            Vertex probe = b.rows() > a.rows() ? b : a;
            Vertex build = probe == a ? b : a;
            int[] positions = joinedPositions(probe, build);
            int probeFields = probe.rel().getRowType().getFieldCount();
            List<RexNode> conditions = new ArrayList<>();
            for (ImmutableBitSet c : classes) {
                int p = first(c, probe.positions());
                int q = first(c, build.positions());
                if (p >= 0 && q >= 0) {
                    conditions.add(rexBuilder.makeCall(
                            SqlStdOperatorTable.EQUALS,
                            new RexInputRef(
                                    probe.positions()[p],
                                    probe.rel()
                                            .getRowType()
                                            .getFieldList()
                                            .get(probe.positions()[p])
                                            .getType()),
                            new RexInputRef(
                                    probeFields + build.positions()[q],
                                    build.rel()
                                            .getRowType()
                                            .getFieldList()
                                            .get(build.positions()[q])
                                            .getType())));
                }
            }
            ImmutableBitSet union = a.factors().union(b.factors());
            List<Conjunct> applied = new ArrayList<>();
            for (Conjunct c : pending) {
                if (union.contains(c.factors())
                        && c.factors().intersects(a.factors())
                        && c.factors().intersects(b.factors())) {
                    applied.add(c);
                    conditions.add(remap(c.condition(), positions));
                }
            }
            if (conditions.isEmpty()) {
                return null;
            }
            RelNode join = LogicalJoin.create(
                    probe.rel(),
                    build.rel(),
                    List.of(),
                    RexUtil.composeConjunction(rexBuilder, conditions),
                    Set.of(),
                    JoinRelType.INNER);
            Double rows = mq.getRowCount(join);
            if (rows == null) {
                return null;
            }
            return new Candidate(probe, build, applied, join, HashJoinCost.rows(rows, probe.rows(), build.rows()));
        }

        /** Where each field is in the row of the join of {@code probe} and {@code build}. */
        private int[] joinedPositions(Vertex probe, Vertex build) {
            int probeFields = probe.rel().getRowType().getFieldCount();
            int[] positions = new int[fieldCount];
            for (int f = 0; f < fieldCount; f++) {
                int p = probe.positions()[f];
                int q = build.positions()[f];
                positions[f] = p >= 0 ? p : q >= 0 ? probeFields + q : -1;
            }
            return positions;
        }
    }

    private static int root(int[] parent, int f) {
        int r = f;
        while (parent[r] != r) {
            r = parent[r];
        }
        return r;
    }

    /** The classes of two or more fields that {@code parent} (a union-find forest) makes equal. */
    private static List<ImmutableBitSet> classes(int[] parent) {
        Map<Integer, ImmutableBitSet.Builder> byRoot = new LinkedHashMap<>();
        for (int f = 0; f < parent.length; f++) {
            byRoot.computeIfAbsent(root(parent, f), r -> ImmutableBitSet.builder())
                    .set(f);
        }
        List<ImmutableBitSet> classes = new ArrayList<>();
        for (ImmutableBitSet.Builder b : byRoot.values()) {
            ImmutableBitSet c = b.build();
            if (c.cardinality() > 1) {
                classes.add(c);
            }
        }
        return classes;
    }

    /** The first member of class {@code c} that a row with these field positions has, or -1. */
    private static int first(ImmutableBitSet c, int[] positions) {
        for (int f : c) {
            if (positions[f] >= 0) {
                return f;
            }
        }
        return -1;
    }

    private static List<String> uniquified(List<String> names) {
        List<String> result = new ArrayList<>();
        for (String name : names) {
            String unique = name;
            for (int n = 0; result.contains(unique); n++) {
                unique = name + n;
            }
            result.add(unique);
        }
        return result;
    }

    /** {@code e} (on the multi-join's fields) on a row where field f is at {@code positions[f]}. */
    private static RexNode remap(RexNode e, int[] positions) {
        return e.accept(new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                int p = positions[ref.getIndex()];
                if (p < 0) {
                    throw new IllegalStateException("field " + ref.getIndex() + " was projected away");
                }
                return new RexInputRef(p, ref.getType());
            }
        });
    }
}
