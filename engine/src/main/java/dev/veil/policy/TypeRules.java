package dev.veil.policy;

import dev.veil.catalog.ColumnType;
import dev.veil.catalog.VeilType;
import java.math.BigDecimal;
import java.util.Optional;

/** Which policies fit which column types: bounds on numbers, masks by kind, keys of like types. */
final class TypeRules {
    private TypeRules() {}

    static boolean isNumeric(VeilType type) {
        return type == VeilType.INTEGER
                || type == VeilType.BIGINT
                || type == VeilType.DOUBLE
                || type == VeilType.DECIMAL;
    }

    static boolean isInteger(VeilType type) {
        return type == VeilType.INTEGER || type == VeilType.BIGINT;
    }

    /** Whether values of the two types can be compared for equality, as a foreign key and its key must. */
    static boolean comparable(VeilType a, VeilType b) {
        return a == b || (isNumeric(a) && isNumeric(b));
    }

    /** Why {@code mask} does not fit a column of type {@code type}, or empty if it does. */
    static Optional<String> maskProblem(Mask mask, ColumnType type, String column) {
        VeilType t = type.type();
        String is = "column '" + column + "' is " + type.sql();
        BigDecimal argument = mask.argument().orElse(null);
        return switch (mask.kind()) {
            case REDACT, NULLIFY, HASH -> Optional.empty();
            case YEAR, MONTH ->
                t == VeilType.DATE || t == VeilType.TIMESTAMP
                        ? Optional.empty()
                        : Optional.of(mask.kind() + " needs a DATE or TIMESTAMP column, and " + is);
            case SHOW_LAST ->
                t == VeilType.VARCHAR
                        ? wholeNumber(mask, argument)
                        : Optional.of("SHOW_LAST needs a VARCHAR column, and " + is);
            case TRUNCATE -> {
                if (t == VeilType.VARCHAR) {
                    yield wholeNumber(mask, argument);
                }
                if (t == VeilType.DOUBLE) {
                    yield wholeNumber(mask, argument);
                }
                if (t == VeilType.DECIMAL) {
                    Optional<String> whole = wholeNumber(mask, argument);
                    if (whole.isPresent()) {
                        yield whole;
                    }
                    yield argument.intValueExact() >= type.scale()
                            ? Optional.of(mask + " keeps every decimal of " + is + "; it would mask nothing")
                            : Optional.empty();
                }
                if (isInteger(t)) {
                    yield Optional.of(
                            mask + " would mask nothing on " + is + "; use BUCKET(w) to coarsen whole numbers");
                }
                yield Optional.of("TRUNCATE needs a VARCHAR or numeric column, and " + is);
            }
            case BUCKET -> {
                if (!isNumeric(t)) {
                    yield Optional.of("BUCKET needs a numeric column, and " + is);
                }
                if (argument.signum() <= 0) {
                    yield Optional.of("the bucket width must be positive, got " + argument.toPlainString());
                }
                if (isInteger(t) && argument.stripTrailingZeros().scale() > 0) {
                    yield Optional.of(
                            "the bucket width of " + is + " must be a whole number, got " + argument.toPlainString());
                }
                yield Optional.empty();
            }
        };
    }

    private static Optional<String> wholeNumber(Mask mask, BigDecimal argument) {
        if (argument.stripTrailingZeros().scale() > 0
                || argument.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            return Optional.of(
                    mask.kind() + " needs a whole number of characters or digits, got " + argument.toPlainString());
        }
        return Optional.empty();
    }
}
