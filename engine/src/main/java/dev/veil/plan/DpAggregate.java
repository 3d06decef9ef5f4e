package dev.veil.plan;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A differentially private aggregate: the privacy boundary of a query over a table with a
 * differential-privacy policy, as the privacy rewrite builds it (see {@link DpSpec} for what it
 * does, {@code DpAggregator} of {@code exec} for how). Its output is the group keys, one noisy value per
 * aggregate (BIGINT for counts and sums of integers, DOUBLE otherwise), then the low and high
 * ends of each value's 95% confidence interval.
 *
 * <p>No optimizer rule knows this node, so none moves a filter, projection or join across it: the
 * rows it aggregates are exactly those the rewrite gave it. Its groups leave sorted by their keys
 * (NULL first), so their order says nothing about the order of the data.
 *
 * <p>Each boundary of a statement has its own number ({@link DpSpec#release}): one execution
 * draws its noise once and replays the same rows however often the plan enumerates it
 * ({@code DpReleases} of {@code exec}), and the statement is charged once per number.
 */
public class DpAggregate extends SingleRel {
    private final DpSpec spec;

    protected DpAggregate(RelOptCluster cluster, RelTraitSet traits, RelNode input, DpSpec spec) {
        super(cluster, traits, input);
        this.spec = requireNonNull(spec, "spec is null");
        int fields = input.getRowType().getFieldCount();
        for (int key : spec.groupKeys()) {
            checkField(key, fields);
        }
        checkField(spec.unitField(), fields);
        for (DpCall call : spec.calls()) {
            if (call.argument() >= 0) {
                checkField(call.argument(), fields);
            }
            if (call.filter() >= 0) {
                checkField(call.filter(), fields);
            }
        }
    }

    private static void checkField(int field, int fields) {
        if (field >= fields) {
            throw new IllegalArgumentException("field " + field + " is not among the input's " + fields);
        }
    }

    /** A logical DP aggregate over {@code input}. */
    public static DpAggregate create(RelNode input, DpSpec spec) {
        RelOptCluster cluster = input.getCluster();
        return new DpAggregate(cluster, cluster.traitSetOf(Convention.NONE), input, spec);
    }

    public DpSpec spec() {
        return spec;
    }

    /** The field holding the low end of call {@code i}'s interval (the high end follows). */
    public int intervalField(int call) {
        return spec.groupKeys().size() + spec.calls().size() + 2 * call;
    }

    /**
     * Whether this node's physical form was planned for its spec's budget, not only handed it: a
     * remote statement whose grid or layout follows from the budget. Another budget then needs
     * another plan, not another spec ({@link #withSpec} is for forms that read the budget when they run).
     */
    public boolean plannedForBudget() {
        return false;
    }

    /** The same node spending another budget. */
    public DpAggregate withSpec(DpSpec newSpec) {
        return new DpAggregate(getCluster(), getTraitSet(), getInput(), newSpec);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new DpAggregate(getCluster(), traitSet, sole(inputs), spec);
    }

    @Override
    protected RelDataType deriveRowType() {
        RelDataTypeFactory types = getCluster().getTypeFactory();
        RelDataType input = getInput().getRowType();
        RelDataTypeFactory.Builder builder = types.builder();
        List<String> names = new ArrayList<>();
        for (int key : spec.groupKeys()) {
            builder.add(
                    unique(names, input.getFieldNames().get(key)),
                    input.getFieldList().get(key).getType());
        }
        RelDataType bigint = types.createSqlType(SqlTypeName.BIGINT);
        RelDataType dbl = types.createSqlType(SqlTypeName.DOUBLE);
        for (int i = 0; i < spec.calls().size(); i++) {
            builder.add(unique(names, "$dp" + i), spec.calls().get(i).integral() ? bigint : dbl);
        }
        for (int i = 0; i < spec.calls().size(); i++) {
            builder.add(unique(names, "$dp" + i + "_low"), dbl);
            builder.add(unique(names, "$dp" + i + "_high"), dbl);
        }
        return builder.build();
    }

    private static String unique(List<String> names, String name) {
        String candidate = name;
        for (int i = 0; names.contains(candidate); i++) {
            candidate = name + "$" + i;
        }
        names.add(candidate);
        return candidate;
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        super.explainTerms(pw)
                .item("group", spec.groupKeys())
                .item("unit", "$" + spec.unitField())
                .item("calls", spec.calls().stream().map(DpCall::label).toList())
                .item("maxGroupsPerUnit", spec.maxGroupsPerUnit())
                .item("maxRowsPerUnitPerGroup", spec.maxRowsPerUnitPerGroup())
                .item("epsilon", spec.epsilon())
                .itemIf("contributionBounds", "AUTO", spec.autoBounds());
        if (spec.partitionSelection()) {
            pw.item("delta", spec.delta()).item("partitionSelection", "preThreshold " + spec.preThreshold());
        }
        // Two boundaries of one statement are never the same node, even when they compute the same
        // thing (a CTE read twice): each is charged and released on its own.
        pw.itemIf("release", spec.release(), spec.release() >= 0);
        return pw;
    }

    /** Every DP aggregate of {@code plan}, once per occurrence, bottom-up. */
    public static List<DpAggregate> findAll(RelNode plan) {
        List<DpAggregate> found = new ArrayList<>();
        collect(plan, found);
        return found;
    }

    /**
     * {@code plan} with each DP aggregate's spec replaced by {@code f}'s (bottom-up); nodes not
     * above a DP aggregate stay the same objects.
     */
    public static RelNode replaceSpecs(RelNode plan, UnaryOperator<DpSpec> f) {
        List<RelNode> inputs = plan.getInputs();
        List<RelNode> replaced = new ArrayList<>(inputs.size());
        boolean changed = false;
        for (RelNode input : inputs) {
            RelNode r = replaceSpecs(input, f);
            changed |= r != input;
            replaced.add(r);
        }
        RelNode result = changed ? plan.copy(plan.getTraitSet(), replaced) : plan;
        return result instanceof DpAggregate dp ? dp.withSpec(f.apply(dp.spec())) : result;
    }

    private static void collect(RelNode node, List<DpAggregate> found) {
        for (RelNode input : node.getInputs()) {
            collect(input, found);
        }
        if (node instanceof DpAggregate dp) {
            found.add(dp);
        }
    }
}
