package dev.veil.dp;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;

/**
 * Exact sampler of the discrete Gaussian distribution on the integers,
 * {@code P[Y = y] ∝ exp(-y² / (2σ²))}, for a rational {@code σ²}.
 *
 * <p>Algorithm 3 of Canonne, Kamath and Steinke (NeurIPS 2020): with {@code t = floor(σ) + 1},
 * draw {@code Y} from the discrete Laplace distribution of scale {@code t} and accept it with
 * probability {@code exp(-(|Y| - σ²/t)² / (2σ²))}. The acceptance test is an exact Bernoulli
 * trial on a rational argument, so the output distribution is exactly the discrete Gaussian.
 */
final class DiscreteGaussianSampler {
    private final Rational sigmaSquared;
    private final DiscreteLaplaceSampler proposal;
    private final BigInteger t;
    /** {@code σ² = a / b}. */
    private final BigInteger a;

    private final BigInteger b;

    DiscreteGaussianSampler(Rational sigmaSquared) {
        this.sigmaSquared = requireNonNull(sigmaSquared, "sigmaSquared is null").reduced();
        if (sigmaSquared.isZero()) {
            throw new IllegalArgumentException("sigma² must be > 0, was " + sigmaSquared);
        }
        this.a = this.sigmaSquared.numerator();
        this.b = this.sigmaSquared.denominator();
        // floor(sqrt(x)) == floor(sqrt(floor(x))) for x >= 0.
        this.t = this.sigmaSquared.floor().sqrt().add(BigInteger.ONE);
        this.proposal = new DiscreteLaplaceSampler(new Rational(t, BigInteger.ONE));
    }

    /** A sampler for an integer standard deviation. */
    static DiscreteGaussianSampler withSigma(long sigma) {
        if (sigma <= 0) {
            throw new IllegalArgumentException("sigma must be > 0, was " + sigma);
        }
        BigInteger s = BigInteger.valueOf(sigma);
        return new DiscreteGaussianSampler(new Rational(s.multiply(s), BigInteger.ONE));
    }

    Rational sigmaSquared() {
        return sigmaSquared;
    }

    long sample(RandomBits random) {
        BigInteger bt = b.multiply(t);
        BigInteger denominator =
                BigInteger.TWO.multiply(a).multiply(b).multiply(t).multiply(t);
        while (true) {
            long y = proposal.sample(random);
            // (|Y| - σ²/t)² / (2σ²) = (|Y| b t - a)² / (2 a b t²)
            BigInteger difference = BigInteger.valueOf(Math.abs(y)).multiply(bt).subtract(a);
            Rational exponent = new Rational(difference.multiply(difference), denominator);
            if (ExactBernoulli.expMinus(random, exponent)) {
                return y;
            }
        }
    }
}
