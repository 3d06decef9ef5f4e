package dev.veil.dp;

/**
 * The optimal partition-selection rule of Desfontaines, Voss, Gipson and Mandayam,
 * "Differentially private partition selection" (PoPETs 2022).
 *
 * <p>For one partition per unit, the largest keep probabilities compatible with (ε, δ)-DP are
 * {@code π(0) = 0} and {@code π(n) = min(e^ε π(n-1) + δ, 1 - e^{-ε}(1 - π(n-1) - δ), 1)}. The
 * first term binds while {@code π(n-1) <= (1 - δ)/(1 + e^ε)}, giving
 * {@code π(n) = δ (e^{nε} - 1)/(e^ε - 1)}; after that {@code 1 - π} decays geometrically with
 * ratio {@code e^{-ε}} towards {@code -δ/(e^ε - 1)}, so π reaches 1 after finitely many steps.
 * Both phases are evaluated in closed form, so the cost does not depend on n. When a unit may
 * be in L0 partitions, each partition uses {@code (ε/L0, δ/L0)} (basic composition over the
 * partitions the unit touches), as in the paper. The keep decision is an exact Bernoulli trial
 * on the probability, computed in double precision.
 */
public final class OptimalPartitionSelection implements PartitionSelection {
    private final double epsilon;
    private final double delta;
    private final long preThreshold;
    private final RandomBits random;
    /** The last n at which the first (linear-growth) phase still applies. */
    private final long lastLinearStep;

    private final double expm1Epsilon;

    private OptimalPartitionSelection(double epsilon, double delta, long preThreshold, RandomBits random) {
        this.epsilon = epsilon;
        this.delta = delta;
        this.preThreshold = preThreshold;
        this.random = random;
        this.expm1Epsilon = Math.expm1(epsilon);
        this.lastLinearStep = computeLastLinearStep();
    }

    /** Selection with total budget (ε, δ), each unit in at most {@code l0} partitions. */
    public static OptimalPartitionSelection create(double epsilon, double delta, long l0, long preThreshold) {
        return create(epsilon, delta, l0, preThreshold, RandomBits.secure());
    }

    static OptimalPartitionSelection create(
            double epsilon, double delta, long l0, long preThreshold, RandomBits random) {
        Checks.epsilon(epsilon);
        Checks.positiveDelta("Partition selection", delta);
        Checks.atLeastOne("L0 (max partitions per unit)", l0);
        Checks.atLeastOne("pre-threshold", preThreshold);
        return new OptimalPartitionSelection(epsilon / l0, delta / l0, preThreshold, random);
    }

    @Override
    public boolean keep(long unitCount) {
        double p = probabilityOfKeeping(unitCount);
        return p > 0 && ExactBernoulli.of(random, p);
    }

    @Override
    public long preThreshold() {
        return preThreshold;
    }

    /** The probability that a partition of {@code unitCount} distinct units is kept. */
    public double probabilityOfKeeping(long unitCount) {
        return probability(PartitionSelection.shifted(unitCount, preThreshold));
    }

    /** π(n) without the pre-threshold. */
    double probability(long n) {
        if (n <= 0) {
            return 0;
        }
        if (n <= lastLinearStep + 1) {
            return Math.min(1, linear(n));
        }
        // 1 - π(n) = q* + e^{-ε(n - m)} (1 - π(m) - q*) from m = lastLinearStep + 1 on.
        long m = lastLinearStep + 1;
        double qStar = -delta / expm1Epsilon;
        double q = qStar + Math.exp(-epsilon * (double) (n - m)) * (1 - linear(m) - qStar);
        return q <= 0 ? 1 : Math.min(1, 1 - q);
    }

    /** δ (e^{nε} - 1)/(e^ε - 1). */
    private double linear(long n) {
        if (n == 1) {
            return delta; // also when e^ε overflows
        }
        return delta * (Math.expm1(n * epsilon) / expm1Epsilon);
    }

    private long computeLastLinearStep() {
        double crossover = (1 - delta) / (2 + expm1Epsilon);
        // Largest n with linear(n) <= crossover: n <= log1p(crossover (e^ε - 1)/δ) / ε.
        double estimate = Math.floor(Math.log1p(crossover * expm1Epsilon / delta) / epsilon);
        long n = (long) Math.max(0, Math.min(estimate, 1e15));
        for (int i = 0; n > 0 && linear(n) > crossover; i++) {
            Checks.correctionStep("the selection rule", i);
            n--;
        }
        for (int i = 0; linear(n + 1) <= crossover; i++) {
            Checks.correctionStep("the selection rule", i);
            n++;
        }
        return n;
    }
}
