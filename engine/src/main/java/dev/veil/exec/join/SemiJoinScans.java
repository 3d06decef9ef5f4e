package dev.veil.exec.join;

import dev.veil.exec.scan.ArrowTableScan;
import dev.veil.exec.scan.ScanDynamicFilter;
import dev.veil.exec.scan.SemiJoinScan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.adapter.enumerable.EnumerableAggregate;
import org.apache.calcite.adapter.enumerable.EnumerableCalc;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgram;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A pass over the physical plan, after {@link DynamicFilterPlanner}: an inner {@link
 * EnumerableLongHashJoin} on one INTEGER or BIGINT key whose probe side is a table's scan filtered
 * on that key by the join's own dynamic filter, under a calculation or aggregation that uses no
 * field of the build side, becomes a {@link SemiJoinScan}: when the build side's keys turn out
 * unique, the scan under the filter (made exact) is the join, and no row is hashed, probed or
 * concatenated; an aggregation above then runs over the scan's batches ({@code
 * exec.aggregate.VectorAggregates#fuseSemiJoins}). The join stays as the operator's other answer,
 * for build sides with a repeated key. TPC-H Q11: partsupp joined with the German suppliers.
 *
 * <p>Plans with a privacy operator (or a correlation) are left as they are, like {@link
 * AggregateProbeSide} leaves them, and so are plans that read anything but tables the statement's
 * principal reads without any policy (and constant rows): which answer runs depends on whether
 * the build side's keys repeat, so its run time must not depend on protected rows.
 */
public final class SemiJoinScans {
    private SemiJoinScans() {}

    /**
     * {@code root} with such joins replaced; {@code root} itself if there is none, or if it holds a
     * privacy operator or reads a table not in {@code publicTables} (qualified names of the tables the
     * principal reads without any policy).
     */
    public static RelNode apply(RelNode root, Set<List<String>> publicTables) {
        if (AggregateProbeSide.kept(root) || !readsOnly(root, publicTables)) {
            return root;
        }
        return visit(root);
    }

    /** Whether every table {@code node} reads is in {@code publicTables}, and its other leaves are constant rows. */
    private static boolean readsOnly(RelNode node, Set<List<String>> publicTables) {
        if (node.getTable() != null) {
            return publicTables.contains(node.getTable().getQualifiedName())
                    && node.getInputs().stream().allMatch(input -> readsOnly(input, publicTables));
        }
        if (node.getInputs().isEmpty()) {
            return node instanceof Values;
        }
        return node.getInputs().stream().allMatch(input -> readsOnly(input, publicTables));
    }

    private static RelNode visit(RelNode node) {
        List<RelNode> inputs = new ArrayList<>();
        boolean changed = false;
        for (RelNode input : node.getInputs()) {
            RelNode visited = visit(input);
            changed |= visited != input;
            inputs.add(visited);
        }
        RelNode n = changed ? node.copy(node.getTraitSet(), inputs) : node;
        if (n instanceof EnumerableCalc calc && calc.getInput() instanceof EnumerableLongHashJoin join) {
            SemiJoinScan semi = semiJoin(join, probeFields(calc));
            if (semi != null) {
                RexProgram program = calc.getProgram();
                List<RexNode> projects = program.getProjectList().stream()
                        .map(program::expandLocalRef)
                        .toList();
                RexNode condition =
                        program.getCondition() == null ? null : program.expandLocalRef(program.getCondition());
                return EnumerableCalc.create(
                        semi,
                        RexProgram.create(
                                semi.getRowType(),
                                projects,
                                condition,
                                calc.getRowType(),
                                calc.getCluster().getRexBuilder()));
            }
        }
        if (n instanceof EnumerableAggregate aggregate && aggregate.getInput() instanceof EnumerableLongHashJoin join) {
            SemiJoinScan semi = semiJoin(join, probeFields(aggregate));
            if (semi != null) {
                return aggregate.copy(
                        aggregate.getTraitSet(),
                        semi,
                        aggregate.getGroupSet(),
                        aggregate.getGroupSets(),
                        aggregate.getAggCallList());
            }
        }
        return n;
    }

    /** The input fields a calculation reads. */
    private static ImmutableBitSet probeFields(EnumerableCalc calc) {
        RexProgram program = calc.getProgram();
        List<RexNode> used = new ArrayList<>();
        program.getProjectList().forEach(p -> used.add(program.expandLocalRef(p)));
        if (program.getCondition() != null) {
            used.add(program.expandLocalRef(program.getCondition()));
        }
        return RelOptUtil.InputFinder.bits(used, null);
    }

    /** The input fields an aggregation reads. */
    private static ImmutableBitSet probeFields(EnumerableAggregate aggregate) {
        ImmutableBitSet.Builder fields = ImmutableBitSet.builder();
        fields.addAll(aggregate.getGroupSet());
        for (AggregateCall call : aggregate.getAggCallList()) {
            fields.addAll(call.getArgList());
            if (call.filterArg >= 0) {
                fields.set(call.filterArg);
            }
            fields.addAll(call.distinctKeys == null ? ImmutableBitSet.of() : call.distinctKeys);
            call.getCollation().getFieldCollations().forEach(c -> fields.set(c.getFieldIndex()));
        }
        return fields.build();
    }

    /**
     * The join as a {@link SemiJoinScan}, when it is one of the joins described above and {@code
     * used}, the fields read above it, are all of its probe side; else null.
     */
    private static @Nullable SemiJoinScan semiJoin(EnumerableLongHashJoin join, ImmutableBitSet used) {
        if (join.getJoinType() != JoinRelType.INNER
                || !(join.getLeft() instanceof ArrowTableScan scan)
                || !(join.getRight() instanceof DynamicFilterSource source)) {
            return null;
        }
        int probeCount = scan.getRowType().getFieldCount();
        if (used.nextSetBit(probeCount) >= 0) {
            return null;
        }
        JoinInfo info = join.analyzeCondition();
        if (!info.isEqui() || info.leftKeys.size() != 1 || !info.nullExclusionFlags.get(0)) {
            return null;
        }
        int probeKey = info.leftKeys.get(0);
        int buildKey = info.rightKeys.get(0);
        if (!integer(scan, probeKey) || !integer(source, buildKey)) {
            return null;
        }
        int tableColumn = scan.projects()[probeKey];
        for (DynamicFilterSource.Key key : source.keys()) {
            if (key.field() == buildKey
                    && scan.dynamicFilters().contains(new ScanDynamicFilter(key.id(), tableColumn))) {
                RelNode probeRows = EnumerableCalc.create(
                        join,
                        RexProgram.create(
                                join.getRowType(),
                                scan.getRowType().getFieldList().stream()
                                        .map(f -> (RexNode) new RexInputRef(f.getIndex(), f.getType()))
                                        .toList(),
                                null,
                                scan.getRowType(),
                                join.getCluster().getRexBuilder()));
                RelNode build = source.keys().size() == 1 ? source.getInput() : source;
                return SemiJoinScan.create(build, buildKey, key.id(), scan, probeRows);
            }
        }
        return null;
    }

    private static boolean integer(RelNode node, int field) {
        SqlTypeName type = node.getRowType().getFieldList().get(field).getType().getSqlTypeName();
        return type == SqlTypeName.INTEGER || type == SqlTypeName.BIGINT;
    }
}
