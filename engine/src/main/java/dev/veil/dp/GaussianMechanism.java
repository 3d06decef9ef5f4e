package dev.veil.dp;

/**
 * The Gaussian mechanism, made safe for finite computers: discrete Gaussian noise on a power-of-two
 * grid, calibrated by the analytic Gaussian mechanism for (ε, δ) or directly for ρ-zCDP, for a
 * statistic of L2 sensitivity {@code √L0 × Linf}.
 *
 * <p>Where Google's "Secure Noise Generation" note approximates a Gaussian by a centred binomial
 * sampled with floating-point acceptance tests, this draws the integer number of grid steps from
 * the exact discrete Gaussian sampler of Canonne, Kamath and Steinke (2020). The grid is chosen so
 * that σ is about 2^40 steps; at that resolution the discrete Gaussian's privacy curve equals the
 * continuous one up to a relative difference in δ of order 2^-34 (amplified by at most about 1/ε
 * for small ε), which the calibration absorbs by targeting {@code δ (1 - 2^-10)}. Under zCDP the
 * guarantee is that of the discrete Gaussian itself: {@code D²/(2σ²)}-zCDP for a shift of D steps
 * in one partition, and the same up to a negligible correction term for several (CKS 2020).
 */
public final class GaussianMechanism extends NoiseMechanism {
    /** Relative margin on δ covering the discrete-versus-continuous difference at σ ≈ 2^40. */
    private static final double DELTA_MARGIN = 1 - 0x1p-10;

    private final DiscreteGaussianSampler sampler;

    private GaussianMechanism(NoiseDistribution distribution, boolean integerInput, long unitSigma, RandomBits random) {
        super(distribution, integerInput, random);
        this.sampler = unitSigma == 0 ? null : DiscreteGaussianSampler.withSigma(unitSigma);
    }

    /**
     * An (ε, δ)-DP mechanism for real values where each privacy unit changes at most {@code l0}
     * partitions by at most {@code linf} each.
     */
    public static GaussianMechanism forReals(double epsilon, double delta, long l0, double linf) {
        return create(new Budget(epsilon, delta, 0), l0, linf, false, RandomBits.secure());
    }

    /** An (ε, δ)-DP mechanism for integer values (counts); outputs are rounded to integers. */
    public static GaussianMechanism forIntegers(double epsilon, double delta, long l0, long linf) {
        return create(new Budget(epsilon, delta, 0), l0, linf, true, RandomBits.secure());
    }

    /** A ρ-zCDP mechanism for real values. */
    public static GaussianMechanism zcdpForReals(double rho, long l0, double linf) {
        return create(new Budget(0, 0, rho), l0, linf, false, RandomBits.secure());
    }

    /** A ρ-zCDP mechanism for integer values. */
    public static GaussianMechanism zcdpForIntegers(double rho, long l0, long linf) {
        return create(new Budget(0, 0, rho), l0, linf, true, RandomBits.secure());
    }

    /** Either (ε, δ) with rho = 0, or rho with ε = δ = 0. */
    record Budget(double epsilon, double delta, double rho) {
        Budget {
            if (rho == 0) {
                Checks.epsilon(epsilon);
                Checks.positiveDelta("The Gaussian mechanism", delta);
            } else {
                Checks.rho(rho);
            }
        }

        double sigma(double l2Sensitivity) {
            return rho == 0
                    ? GaussianCalibration.sigma(epsilon, delta, l2Sensitivity)
                    : GaussianCalibration.sigmaForZcdp(rho, l2Sensitivity);
        }

        double sigmaWithMargin(double l2Sensitivity) {
            return rho == 0
                    ? GaussianCalibration.sigma(epsilon, delta * DELTA_MARGIN, l2Sensitivity)
                    : GaussianCalibration.sigmaForZcdp(rho, l2Sensitivity);
        }
    }

    static GaussianMechanism create(Budget budget, long l0, double linf, boolean integerInput, RandomBits random) {
        Checks.atLeastOne("L0 (max partitions per unit)", l0);
        Checks.nonNegativeFinite("Linf sensitivity", linf);
        if (integerInput && Math.rint(linf) != linf) {
            throw new DpException("Linf sensitivity must be an integer, was " + linf);
        }
        if (linf == 0) {
            return create(budget, 1, 0, false, integerInput, random);
        }
        double l2 = Math.nextUp(sqrtUp(l0) * linf);
        double grid = Granularity.forScale(budget.sigma(l2));
        boolean rounds = !integerInput || grid > 1;
        // Rounding each of the L0 coordinates moves it by less than one step: √L0 steps in L2.
        double unitL2 = rounds ? Math.nextUp(l2 / grid + sqrtUp(l0)) : l2 / grid;
        return create(budget, grid, unitL2, rounds, integerInput, random);
    }

    /**
     * A mechanism for an accumulator that already holds exact grid steps and knows its L2
     * sensitivity in steps.
     */
    static GaussianMechanism onGrid(Budget budget, double grid, double unitL2, RandomBits random) {
        return create(budget, grid, unitL2, false, false, random);
    }

    private static GaussianMechanism create(
            Budget budget, double grid, double unitL2, boolean roundsInput, boolean integerInput, RandomBits random) {
        long unitSigma = 0;
        if (unitL2 > 0) {
            double sigma = Math.ceil(budget.sigmaWithMargin(unitL2));
            if (!(sigma < 0x1p62)) {
                throw new DpException("Gaussian noise is too large to sample: sigma " + sigma + " grid steps");
            }
            unitSigma = Math.max(1, (long) sigma);
        }
        NoiseDistribution distribution = new NoiseDistribution(NoiseKind.GAUSSIAN, grid, unitSigma, roundsInput);
        return new GaussianMechanism(distribution, integerInput, unitSigma, random);
    }

    @Override
    long sampleUnits() {
        return sampler == null ? 0 : sampler.sample(random);
    }
}
