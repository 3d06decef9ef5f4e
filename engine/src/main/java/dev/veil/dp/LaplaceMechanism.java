package dev.veil.dp;

import java.math.BigInteger;

/**
 * The Laplace mechanism, made safe for finite computers: discrete Laplace noise on a power-of-two
 * grid. It is ε-differentially private for a statistic of L1 sensitivity {@code L0 × Linf}.
 *
 * <p>In grid steps the input moves by at most {@code Δ1/γ} plus one step of rounding per
 * partition touched (none for integers on a grid of step 1), and the discrete Laplace distribution
 * of scale {@code (Δ1/γ + slack)/ε} changes by a factor of at most e^ε under such a shift:
 * exactly, since the scale is an exact rational and the sampler is exact.
 */
public final class LaplaceMechanism extends NoiseMechanism {
    private final DiscreteLaplaceSampler sampler;

    private LaplaceMechanism(
            NoiseDistribution distribution, boolean integerInput, Rational unitScale, RandomBits random) {
        super(distribution, integerInput, random);
        this.sampler = unitScale.isZero() ? null : new DiscreteLaplaceSampler(unitScale);
    }

    /**
     * A mechanism for real values where each privacy unit changes at most {@code l0} partitions by
     * at most {@code linf} each.
     */
    public static LaplaceMechanism forReals(double epsilon, long l0, double linf) {
        return forReals(epsilon, l0, linf, RandomBits.secure());
    }

    /** A mechanism for integer values (counts): exact discrete Laplace on the integers. */
    public static LaplaceMechanism forIntegers(double epsilon, long l0, long linf) {
        return forIntegers(epsilon, l0, linf, RandomBits.secure());
    }

    static LaplaceMechanism forReals(double epsilon, long l0, double linf, RandomBits random) {
        Checks.epsilon(epsilon);
        Checks.atLeastOne("L0 (max partitions per unit)", l0);
        Checks.nonNegativeFinite("Linf sensitivity", linf);
        Rational l1 = Rational.of(l0).multiply(Rational.of(linf));
        double grid = Granularity.forScale(l1.doubleValue() / epsilon);
        // One step of rounding slack per partition the unit touches.
        Rational unitSensitivity =
                linf == 0 ? Rational.ZERO : l1.divide(Rational.of(grid)).add(Rational.of(l0));
        return create(epsilon, grid, unitSensitivity, true, false, random);
    }

    static LaplaceMechanism forIntegers(double epsilon, long l0, long linf, RandomBits random) {
        Checks.epsilon(epsilon);
        Checks.atLeastOne("L0 (max partitions per unit)", l0);
        if (linf < 0) {
            throw new DpException("Linf sensitivity must be >= 0, was " + linf);
        }
        long l1 = checkedProduct("L1 sensitivity", l0, linf);
        double grid = Granularity.forIntegerScale(l1 / epsilon);
        boolean rounds = grid > 1;
        Rational unitSensitivity = Rational.of(l1);
        if (rounds && l1 > 0) {
            unitSensitivity = unitSensitivity.divide(Rational.of(grid)).add(Rational.of(l0));
        }
        return create(epsilon, grid, unitSensitivity, rounds, true, random);
    }

    /**
     * A mechanism for an accumulator that already holds exact grid steps and knows its L1
     * sensitivity in steps.
     */
    static LaplaceMechanism onGrid(double epsilon, double grid, BigInteger unitSensitivity, RandomBits random) {
        Checks.epsilon(epsilon);
        return create(epsilon, grid, new Rational(unitSensitivity, BigInteger.ONE), false, false, random);
    }

    private static LaplaceMechanism create(
            double epsilon,
            double grid,
            Rational unitSensitivity,
            boolean roundsInput,
            boolean integerInput,
            RandomBits random) {
        Rational unitScale = unitSensitivity.divide(Rational.of(epsilon));
        if (unitScale.compareTo(Rational.of(1L << 30)) > 0) {
            // A larger scale only adds privacy; an integer scale (here at most 2^-30 larger) lets the
            // sampler run on longs instead of BigIntegers.
            unitScale = new Rational(unitScale.ceil(), BigInteger.ONE);
        }
        // Report the scale rounded up so that intervals err on the wide side.
        double reported = Math.nextUp(unitScale.doubleValue());
        if (unitScale.isZero()) {
            reported = 0;
        }
        NoiseDistribution distribution = new NoiseDistribution(NoiseKind.LAPLACE, grid, reported, roundsInput);
        return new LaplaceMechanism(distribution, integerInput, unitScale, random);
    }

    @Override
    long sampleUnits() {
        return sampler == null ? 0 : sampler.sample(random);
    }
}
