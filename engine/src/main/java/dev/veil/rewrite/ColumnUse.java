package dev.veil.rewrite;

import dev.veil.catalog.TableName;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * The columns a statement reads from each table, in any clause, computed on the plan's lineage
 * (not on its syntax): starting from the query's output, each operator says which fields of its
 * inputs it needs, down to the scans. Filters, join conditions, sort keys, grouping keys and the
 * arguments of every aggregate count whether or not their values reach the output; a column
 * projected and then never used does not. Views are already expanded into their base tables, so
 * what a view reads counts for the query that uses it. Operators this class does not know read
 * every field of their inputs (an over-estimate only ever asks for more consent).
 */
public final class ColumnUse {
    private final Map<TableName, Set<String>> used = new HashMap<>();

    private ColumnUse() {}

    /** The columns read, by table (a table scanned but read for no column maps to an empty set). */
    public static Map<TableName, Set<String>> of(RelNode root) {
        ColumnUse use = new ColumnUse();
        use.visit(root, all(root));
        return use.used;
    }

    private static ImmutableBitSet all(RelNode node) {
        return ImmutableBitSet.range(node.getRowType().getFieldCount());
    }

    private void visit(RelNode node, ImmutableBitSet required) {
        for (RexNode expression : expressions(node)) {
            subQueries(expression);
        }
        if (node instanceof TableScan scan) {
            List<String> name = scan.getTable().getQualifiedName();
            if (name.size() == 2) {
                Set<String> columns =
                        used.computeIfAbsent(new TableName(name.get(0), name.get(1)), t -> new HashSet<>());
                List<String> fields = scan.getRowType().getFieldNames();
                for (int i : required) {
                    columns.add(fields.get(i));
                }
            }
            return;
        }
        if (node instanceof Values) {
            return;
        }
        if (node instanceof Project project) {
            ImmutableBitSet.Builder in = ImmutableBitSet.builder();
            for (int i : required) {
                in.addAll(RelOptUtil.InputFinder.bits(project.getProjects().get(i)));
            }
            visit(project.getInput(), in.build());
            return;
        }
        if (node instanceof Filter filter) {
            visit(filter.getInput(), required.union(RelOptUtil.InputFinder.bits(filter.getCondition())));
            return;
        }
        if (node instanceof Sort sort) {
            ImmutableBitSet.Builder in = ImmutableBitSet.builder().addAll(required);
            for (RelFieldCollation c : sort.getCollation().getFieldCollations()) {
                in.set(c.getFieldIndex());
            }
            visit(sort.getInput(), in.build());
            return;
        }
        if (node instanceof Join join) {
            int left = join.getLeft().getRowType().getFieldCount();
            int right = join.getRight().getRowType().getFieldCount();
            ImmutableBitSet needed = required.union(RelOptUtil.InputFinder.bits(join.getCondition()));
            ImmutableBitSet.Builder l = ImmutableBitSet.builder();
            ImmutableBitSet.Builder r = ImmutableBitSet.builder();
            for (int i : needed) {
                if (i < left) {
                    l.set(i);
                } else if (i < left + right) {
                    r.set(i - left);
                }
            }
            visit(join.getLeft(), l.build());
            visit(join.getRight(), r.build());
            return;
        }
        if (node instanceof Aggregate aggregate) {
            ImmutableBitSet.Builder in = ImmutableBitSet.builder().addAll(aggregate.getGroupSet());
            for (AggregateCall call : aggregate.getAggCallList()) {
                in.addAll(call.getArgList());
                if (call.filterArg >= 0) {
                    in.set(call.filterArg);
                }
                for (RelFieldCollation c : call.getCollation().getFieldCollations()) {
                    in.set(c.getFieldIndex());
                }
            }
            visit(aggregate.getInput(), in.build());
            return;
        }
        // Set operations, windows, correlations and anything else: every field of every input.
        for (RelNode input : node.getInputs()) {
            visit(input, all(input));
        }
    }

    private static List<RexNode> expressions(RelNode node) {
        List<RexNode> result = new java.util.ArrayList<>();
        node.accept(new RexShuttle() {
            @Override
            public RexNode visitSubQuery(RexSubQuery subQuery) {
                result.add(subQuery);
                return subQuery;
            }
        });
        return result;
    }

    /** A sub-query left in an expression reads every field of its own plan. */
    private void subQueries(RexNode expression) {
        if (expression instanceof RexSubQuery sub) {
            visit(sub.rel, all(sub.rel));
        }
    }
}
