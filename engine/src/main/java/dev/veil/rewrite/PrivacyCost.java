package dev.veil.rewrite;

/**
 * The privacy cost of one query: the (epsilon, delta) its noisy outputs spend from the budget.
 *
 * @param epsilon epsilon spent, 0 for a query with no noisy output
 * @param delta delta spent, 0 for a query with no noisy output
 */
public record PrivacyCost(double epsilon, double delta) {
    public static final PrivacyCost ZERO = new PrivacyCost(0, 0);

    public PrivacyCost {
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite and >= 0: " + epsilon);
        }
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in [0, 1): " + delta);
        }
    }

    public boolean isZero() {
        return epsilon == 0 && delta == 0;
    }
}
