package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * A masking function with its argument, e.g. {@code TRUNCATE(3)} or {@code BUCKET(10)}.
 *
 * @param kind the function
 * @param argument its argument, present exactly when the function takes one
 */
public record Mask(MaskKind kind, Optional<BigDecimal> argument) {
    public Mask {
        requireNonNull(kind, "kind is null");
        requireNonNull(argument, "argument is null");
        if (kind.takesArgument() != argument.isPresent()) {
            throw new IllegalArgumentException(
                    kind + (kind.takesArgument() ? " needs an argument" : " takes no argument"));
        }
        if (argument.isPresent()
                && (argument.get().precision() > Bounds.MAX_DIGITS
                        || argument.get().scale() > Bounds.MAX_DIGITS
                        || argument.get().abs().compareTo(Bounds.MAX_MAGNITUDE) > 0)) {
            // Checked before anything prints or stores it: the plain form of 1e-999999999 has a
            // billion digits.
            throw new IllegalArgumentException(kind + " needs an argument of at most 1e300 in magnitude with at most "
                    + Bounds.MAX_DIGITS + " digits (and " + Bounds.MAX_DIGITS + " after the point)");
        }
        if (argument.isPresent() && argument.get().signum() < 0) {
            throw new IllegalArgumentException(kind + " needs a non-negative argument, got " + argument.get());
        }
    }

    public static Mask of(MaskKind kind) {
        return new Mask(kind, Optional.empty());
    }

    public static Mask of(MaskKind kind, BigDecimal argument) {
        return new Mask(kind, Optional.of(argument));
    }

    @Override
    public String toString() {
        return kind + argument.map(a -> "(" + a.toPlainString() + ")").orElse("");
    }
}
