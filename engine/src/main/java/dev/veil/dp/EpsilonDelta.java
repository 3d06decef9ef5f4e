package dev.veil.dp;

/**
 * A privacy budget or cost in (ε, δ)-differential privacy: ε finite and > 0, δ in [0, 1).
 */
public record EpsilonDelta(double epsilon, double delta) {
    public EpsilonDelta {
        Checks.epsilon(epsilon);
        Checks.delta(delta);
    }

    /** Pure ε-DP. */
    public static EpsilonDelta pure(double epsilon) {
        return new EpsilonDelta(epsilon, 0);
    }
}
