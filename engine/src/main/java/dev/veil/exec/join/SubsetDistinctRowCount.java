package dev.veil.exec.join;

import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.MetadataDef;
import org.apache.calcite.rel.metadata.MetadataHandler;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.util.ImmutableBitSet;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The distinct row count of a set of equivalent expressions of the cost-based planner before it
 * has a best one: that of its original expression, as Calcite does for the row count. Calcite's
 * default answers "unknown" then, and join ordering runs exactly then.
 */
public final class SubsetDistinctRowCount implements MetadataHandler<BuiltInMetadata.DistinctRowCount> {
    public SubsetDistinctRowCount() {}

    @Override
    public MetadataDef<BuiltInMetadata.DistinctRowCount> getDef() {
        return BuiltInMetadata.DistinctRowCount.DEF;
    }

    /** The distinct count of {@code groupKey} in the subset's best or original expression. */
    public @Nullable Double getDistinctRowCount(
            RelSubset subset, RelMetadataQuery mq, ImmutableBitSet groupKey, @Nullable RexNode predicate) {
        return mq.getDistinctRowCount(subset.stripped(), groupKey, predicate);
    }
}
