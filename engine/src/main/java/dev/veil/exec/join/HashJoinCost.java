package dev.veil.exec.join;

import org.apache.calcite.adapter.enumerable.EnumerableHashJoin;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.MetadataDef;
import org.apache.calcite.rel.metadata.MetadataHandler;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The cost of a hash join as Veil's runtime pays it. The enumerable hash join builds a hash table
 * of its right input (a map entry and a key object per row, all held in memory) and streams its
 * left input past it, so a right row costs several times a left row. Calcite's own estimate
 * charges the left input {@code n log n} instead, which prefers plans that build on the larger
 * input.
 */
public final class HashJoinCost implements MetadataHandler<BuiltInMetadata.NonCumulativeCost> {
    /** How much more building from a row costs than probing with one. */
    private static final double BUILD_FACTOR = 3;
    /** The cost of a join on primitive keys ({@link EnumerableLongHashJoin}) relative to a generic hash join. */
    private static final double LONG_KEY_DISCOUNT = 0.8;

    public HashJoinCost() {}

    @Override
    public MetadataDef<BuiltInMetadata.NonCumulativeCost> getDef() {
        return BuiltInMetadata.NonCumulativeCost.DEF;
    }

    /** Output rows, plus one per probe row, plus {@link #BUILD_FACTOR} per build row. */
    public @Nullable RelOptCost getNonCumulativeCost(EnumerableHashJoin join, RelMetadataQuery mq) {
        Double out = mq.getRowCount(join);
        Double left = mq.getRowCount(join.getLeft());
        Double right = mq.getRowCount(join.getRight());
        if (out == null || left == null || right == null) {
            return null;
        }
        return join.getCluster().getPlanner().getCostFactory().makeCost(rows(out, left, right), 0, 0);
    }

    /**
     * The cost in rows of a hash join with {@code out} output rows, {@code probe} probe rows and
     * {@code build} build rows: one per output and probe row, {@link #BUILD_FACTOR} per build row.
     */
    public static double rows(double out, double probe, double build) {
        return out + probe + BUILD_FACTOR * build;
    }

    /**
     * {@link #LONG_KEY_DISCOUNT} of what {@link EnumerableHashJoin} would cost on the same inputs:
     * the same balance of build and probe rows (so join orders and build sides are chosen as for
     * that join), but cheaper, so that the planner takes it wherever it applies.
     */
    public @Nullable RelOptCost getNonCumulativeCost(EnumerableLongHashJoin join, RelMetadataQuery mq) {
        Double out = mq.getRowCount(join);
        Double left = mq.getRowCount(join.getLeft());
        Double right = mq.getRowCount(join.getRight());
        if (out == null || left == null || right == null) {
            return null;
        }
        double rows = LONG_KEY_DISCOUNT * rows(out, left, right);
        return join.getCluster().getPlanner().getCostFactory().makeCost(rows, 0, 0);
    }
}
