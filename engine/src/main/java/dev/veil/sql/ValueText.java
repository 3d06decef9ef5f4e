package dev.veil.sql;

import dev.veil.catalog.VeilType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Values as text in files that statements write (exports, {@code COPY ... TO}), and RFC 4180 CSV lines. */
final class ValueText {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private ValueText() {}

    /** A non-null value as text: dates as {@code yyyy-MM-dd}, timestamps as {@code yyyy-MM-dd HH:mm:ss.SSS}, decimals plain. */
    static String of(Object value, VeilType type) {
        return switch (type) {
            case DATE -> LocalDate.ofEpochDay(((Number) value).longValue()).toString();
            case TIMESTAMP -> {
                long millis = ((Number) value).longValue();
                yield LocalDateTime.ofEpochSecond(
                                Math.floorDiv(millis, 1000L),
                                (int) Math.floorMod(millis, 1000L) * 1_000_000,
                                ZoneOffset.UTC)
                        .format(TIMESTAMP);
            }
            case DECIMAL -> ((BigDecimal) value).toPlainString();
            default -> String.valueOf(value);
        };
    }

    /**
     * Appends one CSV line ending in CRLF. NULL (a null field) is an empty unquoted field; a field
     * holding the delimiter, a quote, a line break or nothing at all (the empty string) is quoted.
     */
    static void csvLine(StringBuilder out, List<String> fields, char delimiter) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(delimiter);
            }
            String field = fields.get(i);
            if (field == null) {
                continue;
            }
            boolean quote = field.isEmpty()
                    || field.indexOf(delimiter) >= 0
                    || field.indexOf('"') >= 0
                    || field.indexOf('\n') >= 0
                    || field.indexOf('\r') >= 0;
            if (quote) {
                out.append('"').append(field.replace("\"", "\"\"")).append('"');
            } else {
                out.append(field);
            }
        }
        out.append("\r\n");
    }
}
