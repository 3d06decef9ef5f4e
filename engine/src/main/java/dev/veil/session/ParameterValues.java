package dev.veil.session;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * The values a JDBC client bound to a prepared statement's parameters, as the Java values
 * {@link dev.veil.sql.QueryParameters} binds: Avatica's local representation (a DATE as days, a
 * TIMESTAMP as milliseconds, like Veil's own) turned into {@link LocalDate} and
 * {@link LocalDateTime}; numbers, strings and booleans as they are. A value of another kind
 * (bytes, TIME, arrays) fails with INVALID_PARAMETER.
 */
final class ParameterValues {
    private ParameterValues() {}

    static List<Object> of(List<TypedValue> values) {
        List<Object> list = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            list.add(value(i + 1, values.get(i)));
        }
        return list;
    }

    private static Object value(int ordinal, TypedValue typed) {
        if (typed == null) {
            // Avatica sends an unset parameter as a missing value; an explicit setNull has a type.
            throw new VeilException(
                    ErrorCode.WRONG_PARAMETER_COUNT,
                    "No value was set for parameter " + ordinal + " (set NULL explicitly with setNull)");
        }
        if (typed.value == null) {
            return null;
        }
        Object value = typed.value;
        switch (typed.type) {
            case JAVA_SQL_DATE -> {
                if (value instanceof Number days) {
                    return LocalDate.ofEpochDay(days.longValue());
                }
            }
            case JAVA_SQL_TIMESTAMP, JAVA_UTIL_DATE -> {
                if (value instanceof Number millis) {
                    long ms = millis.longValue();
                    return LocalDateTime.ofEpochSecond(
                            Math.floorDiv(ms, 1000), (int) Math.floorMod(ms, 1000) * 1_000_000, ZoneOffset.UTC);
                }
            }
            case CHARACTER, PRIMITIVE_CHAR -> {
                return String.valueOf(value);
            }
            case STRING,
                    BOOLEAN,
                    PRIMITIVE_BOOLEAN,
                    BYTE,
                    PRIMITIVE_BYTE,
                    SHORT,
                    PRIMITIVE_SHORT,
                    INTEGER,
                    PRIMITIVE_INT,
                    LONG,
                    PRIMITIVE_LONG,
                    FLOAT,
                    PRIMITIVE_FLOAT,
                    DOUBLE,
                    PRIMITIVE_DOUBLE,
                    NUMBER,
                    OBJECT -> {
                if (value instanceof String || value instanceof Boolean || value instanceof Number) {
                    return value;
                }
            }
            default -> {
                // Below: not a kind of value Veil binds.
            }
        }
        throw new VeilException(
                ErrorCode.INVALID_PARAMETER,
                "Parameter " + ordinal + " has a value of a kind Veil does not bind (" + typed.type
                        + "); use a number, a string, a boolean, a date or a timestamp");
    }
}
