package dev.veil.exec.aggregate;

import dev.veil.catalog.TableDef;
import dev.veil.exec.runtime.ExecutionOptions;
import dev.veil.exec.scan.ArrowTableScan;
import dev.veil.exec.scan.ScanPredicate;
import dev.veil.exec.scan.ScanPredicates;
import dev.veil.exec.scan.SemiJoinScan;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableAggregate;
import org.apache.calcite.adapter.enumerable.EnumerableCalc;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgram;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A pass over a physical plan that replaces each {@code EnumerableAggregate} over an
 * {@link ArrowTableScan}, directly or through an {@code EnumerableCalc} without a condition, by
 * an {@link ArrowAggregateScan} when every part of it is supported: plain grouping columns,
 * COUNT, SUM, $SUM0, MIN and MAX without DISTINCT or FILTER, arguments that are +, -, * and
 * widening casts of numeric columns and literals ({@link VectorExpression}). Anything else is
 * left as it is. It changes how a plan computes, never what, so it runs after the privacy
 * rewrite like every other optimization.
 */
public final class VectorAggregates {
    private VectorAggregates() {}

    /** The plan with every supported aggregate over a scan fused into one operator. */
    public static RelNode fuse(RelNode node) {
        if (!ExecutionOptions.current().columnar()) {
            return node;
        }
        if (node instanceof EnumerableAggregate aggregate) {
            RelNode fused = tryFuse(aggregate);
            if (fused != null) {
                return fused;
            }
        }
        if (node instanceof EnumerableCalc calc && calc.getProgram().getCondition() != null) {
            RelNode input = fuse(calc.getInput());
            if (input instanceof ArrowAggregateScan scan && !scan.aggregation().hasGroupFilter()) {
                // A HAVING-like condition: groups that fail it are dropped before their rows are
                // built; the calculation keeps the condition and tests the rows that are left.
                RexProgram program = calc.getProgram();
                RexNode condition = program.expandLocalRef(program.getCondition());
                VectorAggregation aggregation = scan.aggregation();
                GroupFilter test = GroupFilter.of(condition, aggregation.groupCount(), aggregation::exactResult);
                if (test != null) {
                    input = scan.withGroupFilter(test);
                }
            }
            return input == calc.getInput() ? calc : calc.copy(calc.getTraitSet(), List.of(input));
        }
        List<RelNode> inputs = node.getInputs();
        List<RelNode> fusedInputs = new ArrayList<>(inputs.size());
        boolean changed = false;
        for (RelNode input : inputs) {
            RelNode fused = fuse(input);
            changed |= fused != input;
            fusedInputs.add(fused);
        }
        return changed ? node.copy(node.getTraitSet(), fusedInputs) : node;
    }

    /**
     * The plan with every aggregation over a {@link SemiJoinScan} (directly or through an {@code
     * EnumerableCalc} without a condition) moved into both of the operator's answers: fused over
     * the scan in its filtered one, as it was over the join in the other. Runs after {@code
     * join.SemiJoinScans}, which places those operators once the dynamic filters are planned.
     */
    public static RelNode fuseSemiJoins(RelNode node) {
        if (!ExecutionOptions.current().columnar()) {
            return node;
        }
        List<RelNode> inputs = node.getInputs();
        List<RelNode> fusedInputs = new ArrayList<>(inputs.size());
        boolean changed = false;
        for (RelNode input : inputs) {
            RelNode fused = fuseSemiJoins(input);
            changed |= fused != input;
            fusedInputs.add(fused);
        }
        RelNode n = changed ? node.copy(node.getTraitSet(), fusedInputs) : node;
        if (!(n instanceof EnumerableAggregate aggregate)) {
            return n;
        }
        RelNode input = aggregate.getInput();
        EnumerableCalc calc = null;
        if (input instanceof EnumerableCalc c && c.getProgram().getCondition() == null) {
            calc = c;
            input = c.getInput();
        }
        if (!(input instanceof SemiJoinScan semi) || !(semi.filtered() instanceof ArrowTableScan scan)) {
            return n;
        }
        RelNode fused = tryFuse(aggregate, calc == null ? null : calc.getProgram(), scan);
        if (fused == null) {
            return n;
        }
        RelNode joinInput = calc == null ? semi.join() : calc.copy(calc.getTraitSet(), List.of(semi.join()));
        return semi.withAggregatedAnswers(fused, aggregate.copy(aggregate.getTraitSet(), List.of(joinInput)));
    }

    private static RelNode tryFuse(EnumerableAggregate aggregate) {
        RelNode input = aggregate.getInput();
        RexProgram program = null;
        if (input instanceof EnumerableCalc calc) {
            program = calc.getProgram();
            if (program.getCondition() != null) {
                return null;
            }
            input = calc.getInput();
        }
        if (!(input instanceof ArrowTableScan scan)) {
            return null;
        }
        return tryFuse(aggregate, program, scan);
    }

    /**
     * The aggregation fused over {@code scan}, which {@code program} (null for none) projects into
     * the aggregation's input, or null when a part is not supported. The scan's dynamic filters
     * carry over.
     */
    private static RelNode tryFuse(EnumerableAggregate aggregate, RexProgram program, ArrowTableScan scan) {
        if (aggregate.getGroupType() != Aggregate.Group.SIMPLE || aggregate.getGroupCount() > 63) {
            return null;
        }
        int[] projects = scan.projects();
        RexShuttle toTableColumns = new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                return new RexInputRef(projects[ref.getIndex()], ref.getType());
            }
        };
        List<RexNode> fields = new ArrayList<>();
        for (int i = 0; i < aggregate.getInput().getRowType().getFieldCount(); i++) {
            RexNode field = program == null
                    ? RexInputRef.of(i, scan.getRowType())
                    : program.expandLocalRef(program.getProjectList().get(i));
            fields.add(field.accept(toTableColumns));
        }
        TableDef def = scan.arrowTable().definition();
        int[] groupColumns = new int[aggregate.getGroupCount()];
        List<String> groupNames = new ArrayList<>();
        int k = 0;
        for (int key : aggregate.getGroupSet()) {
            if (!(fields.get(key) instanceof RexInputRef ref)) {
                return null;
            }
            groupColumns[k++] = ref.getIndex();
            groupNames.add(def.columns().get(ref.getIndex()).name());
        }
        List<VectorAggregation.Call> calls = new ArrayList<>();
        List<String> callNames = new ArrayList<>();
        for (AggregateCall call : aggregate.getAggCallList()) {
            VectorAggregation.Call c = call(call, fields);
            if (c == null) {
                return null;
            }
            calls.add(c);
            callNames.add(call.getAggregation().getName() + "(" + (c.argument() == null ? "" : c.argument()) + ")");
        }
        ScanPredicate filter = scan.filter() == null ? null : ScanPredicates.compile(scan.filter(), def);
        boolean scalar = aggregate.getRowType().getFieldCount() == 1;
        VectorAggregation aggregation;
        try {
            aggregation = new VectorAggregation(scan.arrowTable(), filter, groupColumns, calls, scalar);
        } catch (VectorExpression.Unsupported e) {
            return null;
        }
        if (!scan.dynamicFilters().isEmpty()) {
            aggregation = aggregation.filteredBy(scan.dynamicFilters());
        }
        double rows = aggregate.getCluster().getMetadataQuery().getRowCount(aggregate);
        return new ArrowAggregateScan(
                aggregate.getCluster(),
                aggregate.getTraitSet(),
                scan.getTable(),
                aggregate.getRowType(),
                aggregation,
                groupNames,
                callNames,
                scan.filter() == null ? null : scan.filter().toString(),
                rows,
                null);
    }

    /** The vectorized form of one call, or null when it is not supported. */
    private static VectorAggregation.Call call(AggregateCall call, List<RexNode> fields) {
        if (call.isDistinct()
                || call.hasFilter()
                || call.isApproximate()
                || !call.getCollation().getFieldCollations().isEmpty()
                || call.distinctKeys != null) {
            return null;
        }
        List<Integer> args = call.getArgList();
        RelDataType type = call.getType();
        switch (call.getAggregation().getKind()) {
            case COUNT -> {
                if (args.isEmpty()) {
                    return new VectorAggregation.Call(VectorAggregation.Kind.COUNT_ROWS, null, false);
                }
                if (args.size() > 1) {
                    return null;
                }
                RexNode arg = fields.get(args.get(0));
                return new VectorAggregation.Call(
                        arg instanceof RexInputRef
                                ? VectorAggregation.Kind.COUNT_COLUMN
                                : VectorAggregation.Kind.COUNT_EXPRESSION,
                        arg,
                        false);
            }
            case SUM, SUM0 -> {
                if (args.size() != 1) {
                    return null;
                }
                boolean zero = call.getAggregation().getKind() == SqlKind.SUM0;
                RexNode arg = fields.get(args.get(0));
                RelDataType argType = arg.getType();
                SqlTypeName result = type.getSqlTypeName();
                switch (argType.getSqlTypeName()) {
                    case INTEGER, BIGINT -> {
                        return result != SqlTypeName.BIGINT
                                ? null
                                : new VectorAggregation.Call(VectorAggregation.Kind.SUM_LONG, arg, zero);
                    }
                    case DECIMAL -> {
                        return result != SqlTypeName.DECIMAL || type.getScale() != argType.getScale()
                                ? null
                                : new VectorAggregation.Call(VectorAggregation.Kind.SUM_DECIMAL, arg, zero);
                    }
                    case DOUBLE -> {
                        return result != SqlTypeName.DOUBLE
                                ? null
                                : new VectorAggregation.Call(VectorAggregation.Kind.SUM_DOUBLE, arg, zero);
                    }
                    default -> {
                        return null;
                    }
                }
            }
            case MIN, MAX -> {
                if (args.size() != 1
                        || !(fields.get(args.get(0)) instanceof RexInputRef arg)
                        || arg.getType().getSqlTypeName() != type.getSqlTypeName()) {
                    return null;
                }
                return new VectorAggregation.Call(
                        call.getAggregation().getKind() == SqlKind.MIN
                                ? VectorAggregation.Kind.MIN
                                : VectorAggregation.Kind.MAX,
                        arg,
                        false);
            }
            default -> {
                return null;
            }
        }
    }
}
