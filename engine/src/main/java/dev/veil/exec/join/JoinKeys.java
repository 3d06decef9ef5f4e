package dev.veil.exec.join;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How the keys of {@link LongHashJoin} become primitive {@code long}s: an INTEGER, BIGINT or DATE key
 * as its value, and a DECIMAL key (or an integer key compared with a DECIMAL one) as its value
 * scaled by a power of ten common to both sides ({@code 1.5} at scale 2 is {@code 150}), so that
 * keys of different scales ({@code 1.5} and {@code 1.50}) are equal exactly when their numbers are.
 * A value that has more fraction digits than the common scale, or whose scaled value does not fit a
 * long, is not encoded ({@link #encode} throws); the join compares such rows as numbers instead.
 */
final class JoinKeys {
    /** The most digits a scale may have: 10^18 still fits a long. */
    static final int MAX_SCALE = 18;

    private static final long[] POWERS = new long[MAX_SCALE + 1];

    static {
        POWERS[0] = 1;
        for (int i = 1; i <= MAX_SCALE; i++) {
            POWERS[i] = POWERS[i - 1] * 10;
        }
    }

    /** Per key, -1 for a key encoded as its integer value, else the scale it is encoded at. */
    private final int[] scales;

    private JoinKeys(int[] scales) {
        this.scales = scales;
    }

    /** Integer keys only: {@code count} keys encoded as their values. */
    static JoinKeys integers(int count) {
        int[] scales = new int[count];
        Arrays.fill(scales, -1);
        return new JoinKeys(scales);
    }

    /** Keys with these scales (-1: an integer key; 0 to {@link #MAX_SCALE}: a decimal encoding). */
    static JoinKeys of(int[] scales) {
        for (int s : scales) {
            if (s < -1 || s > MAX_SCALE) {
                throw new IllegalArgumentException("a key scale is -1 or 0.." + MAX_SCALE + ", not " + s);
            }
        }
        return new JoinKeys(scales.clone());
    }

    /** Whether some key is encoded as a scaled decimal (its rows may then be compared as numbers). */
    boolean hasDecimals() {
        for (int s : scales) {
            if (s >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The long of key {@code key}'s non-null {@code value} (an Integer, a Long or a BigDecimal).
     *
     * @throws ArithmeticException when a decimal encoding cannot hold the value exactly
     */
    long encode(int key, Object value) {
        int scale = scales[key];
        if (scale < 0) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigDecimal decimal) {
            // Exact: throws for fraction digits beyond the scale and for a value beyond a long.
            return decimal.scaleByPowerOfTen(scale).longValueExact();
        }
        return Math.multiplyExact(((Number) value).longValue(), POWERS[scale]);
    }

    /**
     * The keys at {@code fields} of {@code row} (non-null Integers, Longs or BigDecimals) as numbers
     * without trailing zeros: two rows' lists are equal exactly when their keys are equal as numbers
     * ({@code 1.5} and {@code 1.50}, {@code 0} and {@code 0.00}).
     */
    static List<BigDecimal> numbers(Object[] row, int[] fields) {
        List<BigDecimal> numbers = new ArrayList<>(fields.length);
        for (int f : fields) {
            Object value = row[f];
            BigDecimal d = value instanceof BigDecimal b ? b : BigDecimal.valueOf(((Number) value).longValue());
            numbers.add(d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros());
        }
        return numbers;
    }
}
