package dev.veil.dp;

/** The family of additive noise a mechanism uses. */
public enum NoiseKind {
    /** Discrete Laplace (two-sided geometric) noise: pure ε-DP, needs no δ. */
    LAPLACE,
    /** Discrete Gaussian noise calibrated by the analytic Gaussian mechanism: needs δ > 0. */
    GAUSSIAN;

    /** Whether this noise spends a share of δ. */
    public boolean needsDelta() {
        return this == GAUSSIAN;
    }
}
