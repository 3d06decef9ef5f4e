package dev.veil.dp;

import static java.util.Objects.requireNonNull;

/** One quantile read from a {@link NoisyQuantiles} tree. */
public final class NoisyQuantile implements DpResult {
    private final double rank;
    private final double value;
    private final NoisyQuantiles tree;

    NoisyQuantile(double rank, double value, NoisyQuantiles tree) {
        this.rank = rank;
        this.value = value;
        this.tree = requireNonNull(tree, "tree is null");
    }

    public double rank() {
        return rank;
    }

    @Override
    public double value() {
        return value;
    }

    @Override
    public ConfidenceInterval interval(double level) {
        return tree.interval(rank, level);
    }

    @Override
    public String toString() {
        return "NoisyQuantile[rank=" + rank + ", value=" + value + "]";
    }
}
