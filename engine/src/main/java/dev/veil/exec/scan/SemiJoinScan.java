package dev.veil.exec.scan;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.linq4j.function.Function0;
import org.apache.calcite.linq4j.function.Function1;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.BlockStatement;
import org.apache.calcite.linq4j.tree.Blocks;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Types;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The rows of an inner equi-join on one integer key of a stored table's scan (the probe side) with
 * another input (the build side) of which nothing above uses a field but the key, projected on
 * the probe side's fields. When the build side's non-null keys turn out unique at run time, each
 * probe row matches at most once, so those rows are the probe side's rows whose key is in the build
 * side's key set: this operator publishes the set as dynamic filter {@code filterId} (exactly, not
 * as the optional filter a hash join's build side offers) and returns the rows of its {@code
 * filtered} input, which reads the table under that filter, possibly aggregated on the way ({@code
 * exec.aggregate.VectorAggregates} fuses an aggregation over this operator into both of its
 * answers). Otherwise (a repeated key, or too many keys to publish) it returns the rows of its
 * {@code join} input, the join itself (under the same aggregation), which reads the build side
 * again. Placed by {@code join.SemiJoinScans}; TPC-H Q11's parts of German suppliers.
 */
public final class SemiJoinScan extends AbstractRelNode implements EnumerableRel {
    private RelNode build;
    private final int buildKey;
    private final int filterId;
    private RelNode filtered;
    private RelNode join;
    /** Whether the answer's rows are kept for the next enumeration: aggregated rows, which a nested loop join reads again. */
    private final boolean keepRows;

    private SemiJoinScan(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelNode build,
            int buildKey,
            int filterId,
            RelNode filtered,
            RelNode join,
            boolean keepRows) {
        super(cluster, traits);
        this.build = requireNonNull(build, "build is null");
        this.filtered = requireNonNull(filtered, "filtered is null");
        this.join = requireNonNull(join, "join is null");
        if (buildKey < 0 || buildKey >= build.getRowType().getFieldCount()) {
            throw new IllegalArgumentException("build key " + buildKey + " is not a field of the build side");
        }
        SqlTypeName keyType =
                build.getRowType().getFieldList().get(buildKey).getType().getSqlTypeName();
        if (keyType != SqlTypeName.INTEGER && keyType != SqlTypeName.BIGINT) {
            throw new IllegalArgumentException("build key is not an integer: " + keyType);
        }
        if (filterId < 0) {
            throw new IllegalArgumentException("filterId is negative: " + filterId);
        }
        if (filtered.getRowType().getFieldCount() != join.getRowType().getFieldCount()) {
            throw new IllegalArgumentException("the filtered rows and the join's rows differ: " + filtered.getRowType()
                    + " and " + join.getRowType());
        }
        this.buildKey = buildKey;
        this.filterId = filterId;
        this.keepRows = keepRows;
        this.rowType = filtered.getRowType();
    }

    /**
     * The operator over {@code build} (whose field {@code buildKey} is the join key), {@code
     * filtered} (reading the probe side under dynamic filter {@code filterId}) and {@code join}
     * (the same rows from the join itself).
     */
    public static SemiJoinScan create(RelNode build, int buildKey, int filterId, RelNode filtered, RelNode join) {
        return new SemiJoinScan(
                build.getCluster(), filtered.getTraitSet(), build, buildKey, filterId, filtered, join, false);
    }

    /** The build side. */
    public RelNode build() {
        return build;
    }

    /** The rows when the build side's keys are unique: the probe side under the filter. */
    public RelNode filtered() {
        return filtered;
    }

    /** The rows otherwise: the join. */
    public RelNode join() {
        return join;
    }

    /**
     * This operator with aggregated {@code filtered} and {@code join} inputs (the same rows computed
     * further): few rows, which it keeps for another enumeration in the same execution (a nested
     * loop join reads its inner input once per outer row; the statement has no correlation).
     */
    public SemiJoinScan withAggregatedAnswers(RelNode filtered, RelNode join) {
        return new SemiJoinScan(getCluster(), filtered.getTraitSet(), build, buildKey, filterId, filtered, join, true);
    }

    @Override
    public List<RelNode> getInputs() {
        return List.of(build, filtered, join);
    }

    @Override
    public void replaceInput(int ordinalInParent, RelNode p) {
        switch (ordinalInParent) {
            case 0 -> build = p;
            case 1 -> filtered = p;
            case 2 -> join = p;
            default -> throw new IndexOutOfBoundsException("input " + ordinalInParent);
        }
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        if (inputs.size() != 3) {
            throw new IllegalArgumentException("three inputs expected: " + inputs.size());
        }
        return new SemiJoinScan(
                getCluster(), traitSet, inputs.get(0), buildKey, filterId, inputs.get(1), inputs.get(2), keepRows);
    }

    @Override
    protected RelDataType deriveRowType() {
        return filtered.getRowType();
    }

    @Override
    public double estimateRowCount(RelMetadataQuery mq) {
        return mq.getRowCount(filtered);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw)
                .input("build", build)
                .input("filtered", filtered)
                .input("join", join)
                .item("keys", "DF" + filterId + "=$" + buildKey)
                .itemIf("keepRows", true, keepRows);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        Result buildResult = implementor.visitChild(this, 0, (EnumerableRel) build, pref);
        Result filteredResult = implementor.visitChild(this, 1, (EnumerableRel) filtered, pref);
        Result joinResult = implementor.visitChild(this, 2, (EnumerableRel) join, pref);
        JavaRowFormat format = filteredResult.physType.getFormat();
        BlockBuilder joinRows = new BlockBuilder();
        Expression rows = joinRows.append("joinRows", joinResult.block);
        joinRows.add(Expressions.return_(null, joinResult.physType.convertTo(rows, format)));
        return implementor.result(
                filteredResult.physType,
                Blocks.toBlock(Expressions.call(
                        Types.lookupMethod(
                                SemiJoinScan.class,
                                "rows",
                                DataContext.class,
                                Function0.class,
                                Function1.class,
                                int.class,
                                Function0.class,
                                Function0.class,
                                boolean.class),
                        implementor.getRootExpression(),
                        lambda(buildResult.block),
                        buildResult.physType.generateAccessor(List.of(buildKey)),
                        Expressions.constant(filterId),
                        lambda(filteredResult.block),
                        lambda(joinRows.toBlock()),
                        Expressions.constant(keepRows))));
    }

    private static Expression lambda(BlockStatement block) {
        return Expressions.lambda(Function0.class, block);
    }

    /**
     * At each enumeration, the build side's keys are collected; unique ones are published as filter
     * {@code filterId} and the {@code filtered} rows returned, else the {@code join} rows. Called
     * from generated code.
     */
    public static Enumerable<Object> rows(
            DataContext root,
            Function0<Enumerable<Object>> build,
            Function1<Object, Object> key,
            int filterId,
            Function0<Enumerable<Object>> filtered,
            Function0<Enumerable<Object>> join,
            boolean keepRows) {
        requireNonNull(build, "build is null");
        requireNonNull(key, "key is null");
        requireNonNull(filtered, "filtered is null");
        requireNonNull(join, "join is null");
        return new AbstractEnumerable<>() {
            private @Nullable List<Object> kept;

            @Override
            public Enumerator<Object> enumerator() {
                if (kept != null) {
                    return Linq4j.enumerator(kept);
                }
                Enumerator<Object> rows = answer();
                if (!keepRows) {
                    return rows;
                }
                List<Object> all = new ArrayList<>();
                try (rows) {
                    while (rows.moveNext()) {
                        all.add(rows.current());
                    }
                }
                kept = all;
                return Linq4j.enumerator(all);
            }

            private Enumerator<Object> answer() {
                DynamicFilters filters = DynamicFilters.of(root);
                filters.withdraw(filterId);
                KeySet keys = uniqueKeys(build.apply(), key);
                if (keys != null) {
                    DynamicFilters.publish(root, filterId, keys);
                    if (filters.keys(filterId) == keys) {
                        return filtered.apply().enumerator();
                    }
                }
                return join.apply().enumerator();
            }
        };
    }

    /** The set of the non-null keys of {@code rows}, or null when one repeats or there are too many. */
    private static @Nullable KeySet uniqueKeys(Enumerable<Object> rows, Function1<Object, Object> key) {
        KeySet.Builder builder = new KeySet.Builder();
        long count = 0;
        try (Enumerator<Object> e = rows.enumerator()) {
            while (e.moveNext()) {
                Object k = key.apply(e.current());
                if (k == null) {
                    continue; // a NULL key matches nothing
                }
                if (k instanceof Long l) {
                    builder.add(l);
                } else if (k instanceof Integer n) {
                    builder.add(n);
                } else {
                    return null;
                }
                count++;
                if (builder.size() != count || count > DynamicFilters.MAX_KEYS) {
                    return null;
                }
            }
        }
        return builder.build();
    }
}
