package dev.veil.exec.join;

import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.MetadataDef;
import org.apache.calcite.rel.metadata.MetadataHandler;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.util.ImmutableBitSet;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The population size (distinct values of columns, whatever the filters) of a set of equivalent
 * expressions of the cost-based planner: that of its best or original expression. Calcite
 * estimates a semi join's rows from its left input's population of the keys; its default answers
 * "unknown" for a set, and the semi join was then estimated to keep every left row (TPC-H Q20's
 * {@code partsupp} semi {@code part}, which keeps 1%).
 */
public final class SubsetPopulationSize implements MetadataHandler<BuiltInMetadata.PopulationSize> {
    public SubsetPopulationSize() {}

    @Override
    public MetadataDef<BuiltInMetadata.PopulationSize> getDef() {
        return BuiltInMetadata.PopulationSize.DEF;
    }

    /** The population of {@code groupKey} in the subset's best or original expression. */
    public @Nullable Double getPopulationSize(RelSubset subset, RelMetadataQuery mq, ImmutableBitSet groupKey) {
        return mq.getPopulationSize(subset.stripped(), groupKey);
    }
}
