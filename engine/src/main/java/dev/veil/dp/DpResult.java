package dev.veil.dp;

/** A released differentially private value together with what its confidence interval needs. */
public interface DpResult {
    /** The released (noisy, post-processed) value. */
    double value();

    /**
     * An interval containing the true value with probability at least {@code level}, computed from
     * the released value and the mechanism parameters only; it spends no budget.
     */
    ConfidenceInterval interval(double level);
}
