package dev.veil.policy;

import dev.veil.catalog.ColumnType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * The canonical text of a domain value for a column type, so that equal values are stored, shown
 * and exported the same way: {@code 007} and {@code 7} are one INTEGER value.
 */
final class DomainValues {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT);

    private DomainValues() {}

    /** The canonical text of {@code text} as a value of {@code type}, or empty if it is not one. */
    static Optional<String> canonical(String text, ColumnType type) {
        String t = text.strip();
        try {
            return switch (type.type()) {
                case VARCHAR -> Optional.of(text);
                case BOOLEAN ->
                    t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")
                            ? Optional.of(t.toLowerCase(Locale.ROOT))
                            : Optional.empty();
                case INTEGER -> Optional.of(Integer.toString(new BigDecimal(t).intValueExact()));
                case BIGINT -> Optional.of(Long.toString(new BigDecimal(t).longValueExact()));
                case DOUBLE, DECIMAL -> Optional.of(plain(new BigDecimal(t)));
                case DATE -> Optional.of(LocalDate.parse(t).toString());
                case TIMESTAMP -> Optional.of(timestamp(LocalDateTime.parse(t.replace(' ', 'T'))));
            };
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String plain(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }

    private static String timestamp(LocalDateTime value) {
        String text = TIMESTAMP.format(value);
        int millis = value.getNano() / 1_000_000;
        return millis == 0 ? text : text + String.format(Locale.ROOT, ".%03d", millis);
    }
}
