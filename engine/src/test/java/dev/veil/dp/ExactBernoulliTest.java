package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ExactBernoulliTest {
    private static final int N = 200_000;

    @Test
    void expMinusSucceedsWithProbabilityExpMinusX() {
        RandomBits random = new SeededRandomBits(11);
        Rational[] arguments = {
            Rational.of(0.3),
            Rational.ONE,
            Rational.of(2.5),
            Rational.of(BigInteger.valueOf(7), BigInteger.valueOf(3)),
            Rational.ZERO
        };
        for (Rational x : arguments) {
            long successes = 0;
            for (int i = 0; i < N; i++) {
                successes += ExactBernoulli.expMinus(random, x) ? 1 : 0;
            }
            double p = Math.exp(-x.doubleValue());
            if (p == 1) {
                assertEquals(N, successes);
            } else {
                double z = Stats.binomialZ(successes, N, p);
                assertTrue(Math.abs(z) < Stats.Z, "x = " + x + ": z = " + z);
            }
        }
    }

    @Test
    void bernoulliOfDoubleUsesTheExactProbability() {
        RandomBits random = new SeededRandomBits(12);
        for (double p : new double[] {0.3, 1e-3, 0.999}) {
            long successes = 0;
            for (int i = 0; i < N; i++) {
                successes += ExactBernoulli.of(random, p) ? 1 : 0;
            }
            double z = Stats.binomialZ(successes, N, p);
            assertTrue(Math.abs(z) < Stats.Z, "p = " + p + ": z = " + z);
        }
        assertFalse(ExactBernoulli.of(random, 0.0));
        assertTrue(ExactBernoulli.of(random, 1.0));
    }

    @Test
    void rationalHoldsDoublesExactly() {
        Rational tenth = Rational.of(0.1);
        assertEquals(new BigInteger("3602879701896397"), tenth.numerator());
        assertEquals(BigInteger.ONE.shiftLeft(55), tenth.denominator());
        assertEquals(Rational.of(3), Rational.of(3.0));
        assertEquals(
                BigInteger.ONE.shiftLeft(1074), Rational.of(Double.MIN_VALUE).denominator());
        assertEquals(
                BigInteger.valueOf(3),
                Rational.of(BigInteger.TEN, BigInteger.valueOf(3)).floor());
        assertEquals(
                BigInteger.valueOf(4),
                Rational.of(BigInteger.TEN, BigInteger.valueOf(3)).ceil());
    }

    @Test
    void uniformIntegersAreUniformBelowTheBound() {
        RandomBits random = new SeededRandomBits(13);
        int bound = 37;
        Stats.ChiSquare longs =
                Stats.chiSquare(() -> random.nextLong(bound) - 18, N, k -> Math.abs(k) <= 18 ? 1.0 / bound : 0);
        assertTrue(longs.fits(), longs.toString());
        BigInteger big = BigInteger.ONE.shiftLeft(70).add(BigInteger.valueOf(5)).multiply(BigInteger.valueOf(3));
        // Draws below a 72-bit bound: the top 6 residues of a small modulus must be uniform.
        Stats.ChiSquare bigs = Stats.chiSquare(
                () -> random.nextBigInteger(big).mod(BigInteger.valueOf(11)).longValue() - 5,
                N,
                k -> Math.abs(k) <= 5 ? 1.0 / 11 : 0);
        assertTrue(bigs.fits(), bigs.toString());
    }
}
