package dev.veil.exec.privacy;

import dev.veil.dp.AggregationParams;
import dev.veil.dp.AutoBoundedSum;
import dev.veil.dp.BoundedMean;
import dev.veil.dp.BoundedSum;
import dev.veil.dp.BoundedVariance;
import dev.veil.dp.BudgetSplit;
import dev.veil.dp.Count;
import dev.veil.dp.CountDistinctUnits;
import dev.veil.dp.EpsilonDelta;
import dev.veil.dp.ExponentialQuantile;
import dev.veil.dp.OptimalPartitionSelection;
import dev.veil.dp.ValueBounds;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;

/** Builds the DP primitives a {@link DpSpec} describes: one accumulator per call and group, and its partition selection. */
final class DpAccumulators {
    static {
        // The values DP averages keep until their release go in chunks the server recycles.
        dev.veil.dp.ChunkRecycler.install(ArenaChunks.RECYCLER);
    }

    private DpAccumulators() {}

    /** A fresh accumulator for call {@code i} of {@code spec}, for one group. */
    static DpAccumulator forSpec(DpSpec spec, BudgetSplit split, int i) {
        DpCall call = spec.calls().get(i);
        AggregationParams params = spec.params(split, i);
        ValueBounds bounds = spec.bounds(i);
        if (call.hasGroupBounds()) {
            return DpAccumulator.groupBounded(
                    spec.groupSum(split, i), call.kind().isCount() ? null : bounds);
        }
        if (spec.autoValueBounded(i)) {
            return DpAccumulator.autoValues(spec.autoStatistic(split, i), call.kind() == DpCall.Kind.STDDEV_POP);
        }
        if (spec.autoBounded(i)) {
            return DpAccumulator.auto(
                    AutoBoundedSum.create(params, spec.rowBounds(i), call.kind().isCount()));
        }
        return switch (call.kind()) {
            case COUNT_ROWS, COUNT_VALUES -> DpAccumulator.count(Count.create(params));
            case COUNT_UNITS -> DpAccumulator.units(CountDistinctUnits.create(params));
            case SUM -> DpAccumulator.sum(BoundedSum.create(params, bounds));
            case AVG -> DpAccumulator.mean(BoundedMean.create(params, bounds));
            case VAR_POP -> DpAccumulator.variance(BoundedVariance.create(params, bounds));
            case STDDEV_POP -> DpAccumulator.stdDev(BoundedVariance.create(params, bounds));
            case PERCENTILE_CONT ->
                DpAccumulator.quantile(ExponentialQuantile.create(params, bounds, call.rank(), call.wholeValues()));
        };
    }

    /** The partition selection rule of {@code spec}, which must select partitions. */
    static OptimalPartitionSelection selection(DpSpec spec, BudgetSplit split) {
        EpsilonDelta share = split.partitionSelection().orElseThrow();
        return OptimalPartitionSelection.create(
                share.epsilon(), share.delta(), spec.groupsPerUnit(), spec.preThreshold());
    }
}
