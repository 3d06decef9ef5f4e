package dev.veil.policy;

/**
 * A minimum group size: every released group holds at least {@code k} distinct privacy units.
 *
 * @param k the minimum number of distinct units per group, at least 2
 * @param remainder fold small groups into one NULL-keyed remainder row instead of dropping them
 */
public record MinGroupSize(int k, boolean remainder) {
    public MinGroupSize {
        if (k < 2) {
            throw new IllegalArgumentException("a minimum group size must be at least 2, got " + k);
        }
    }
}
