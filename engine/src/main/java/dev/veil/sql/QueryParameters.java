package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The {@code ?} parameters of a prepared query, bound by writing each value into the statement
 * text as the literal of its parameter's type: a bound parameter is a constant, planned and
 * privacy-rewritten exactly as that literal would be (and recorded so in the audit log). A value
 * is a Java {@code null}, {@link Boolean}, {@link String}, {@link Number}, {@link LocalDate} (a
 * DATE) or {@link LocalDateTime} (a TIMESTAMP); the wrong number of values fails with
 * WRONG_PARAMETER_COUNT, a value that does not fit its parameter's type with INVALID_PARAMETER.
 */
public final class QueryParameters {
    /** The most characters of a number's literal: DECIMAL has 38 digits at most. */
    private static final int MAX_NUMBER_CHARS = 80;

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private QueryParameters() {}

    /**
     * The character offsets of the {@code ?} markers of {@code sql}, in order: those outside string
     * literals, quoted identifiers and comments.
     */
    public static List<Integer> markers(String sql) {
        requireNonNull(sql, "sql is null");
        List<Integer> markers = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                i = closing(sql, i + 1, c);
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                if (c == '?') {
                    markers.add(i);
                }
                i++;
            }
        }
        return Collections.unmodifiableList(markers);
    }

    /** The offset after the quote {@code quote} that closes a literal or identifier opened before {@code from}. */
    private static int closing(String sql, int from, char quote) {
        int i = from;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return i;
    }

    /**
     * {@code sql} with each {@code ?} replaced by the literal of its value, typed as its parameter.
     *
     * @param types the parameters' types, as the validator inferred them
     * @param values one value per parameter
     */
    public static String bind(String sql, List<RelDataType> types, List<?> values) {
        requireNonNull(types, "types is null");
        requireNonNull(values, "values is null");
        List<Integer> markers = markers(sql);
        if (markers.size() != types.size()) {
            throw new VeilException(
                    ErrorCode.NOT_SUPPORTED,
                    "Could not locate the statement's " + types.size() + " parameters (?) in its text");
        }
        if (values.size() != types.size()) {
            throw new VeilException(
                    ErrorCode.WRONG_PARAMETER_COUNT,
                    "The statement has " + types.size() + " parameter" + (types.size() == 1 ? "" : "s") + " (?); "
                            + values.size() + (values.size() == 1 ? " value was" : " values were") + " given");
        }
        StringBuilder bound = new StringBuilder(sql.length() + 16 * values.size());
        int from = 0;
        for (int i = 0; i < markers.size(); i++) {
            int at = markers.get(i);
            bound.append(sql, from, at).append(literal(i + 1, types.get(i), values.get(i)));
            from = at + 1;
        }
        return bound.append(sql, from, sql.length()).toString();
    }

    /** {@code sql} with each parameter a NULL of its type: planned to learn the result's columns before execution. */
    static String bindNulls(String sql, List<RelDataType> types) {
        return bind(sql, types, Collections.nCopies(types.size(), null));
    }

    /** The literal of parameter {@code ordinal} (1-based) of type {@code type} with value {@code value}. */
    static String literal(int ordinal, RelDataType type, Object value) {
        SqlTypeName name = type == null ? SqlTypeName.ANY : type.getSqlTypeName();
        if (value == null) {
            String typeName = typeName(type);
            return typeName == null ? "NULL" : "CAST(NULL AS " + typeName + ")";
        }
        switch (name) {
            case TINYINT, SMALLINT, INTEGER, BIGINT -> {
                return wholeNumber(ordinal, name, number(ordinal, name, value));
            }
            case DECIMAL -> {
                return exact(ordinal, decimal(ordinal, number(ordinal, name, value)));
            }
            case FLOAT, REAL, DOUBLE -> {
                return approximate(ordinal, number(ordinal, name, value));
            }
            case CHAR, VARCHAR -> {
                return string(ordinal, name, value);
            }
            case BOOLEAN -> {
                if (value instanceof Boolean b) {
                    return b ? "TRUE" : "FALSE";
                }
                throw mismatch(ordinal, name, value);
            }
            case DATE -> {
                if (value instanceof LocalDate date) {
                    return "DATE '" + date(ordinal, date) + "'";
                }
                if (value instanceof String text) {
                    return "DATE '" + date(ordinal, parse(ordinal, text, LocalDate::parse)) + "'";
                }
                throw mismatch(ordinal, name, value);
            }
            case TIMESTAMP -> {
                if (value instanceof LocalDateTime time) {
                    return "TIMESTAMP '" + timestamp(ordinal, time) + "'";
                }
                if (value instanceof LocalDate date) {
                    return "TIMESTAMP '" + timestamp(ordinal, date.atStartOfDay()) + "'";
                }
                if (value instanceof String text) {
                    LocalDateTime time = parse(ordinal, text.strip().replace(' ', 'T'), LocalDateTime::parse);
                    return "TIMESTAMP '" + timestamp(ordinal, time) + "'";
                }
                throw mismatch(ordinal, name, value);
            }
            default -> {
                return untyped(ordinal, name, value);
            }
        }
    }

    /** The literal of a value whose parameter has no type Veil binds to: its own type decides. */
    private static String untyped(int ordinal, SqlTypeName name, Object value) {
        if (value instanceof Boolean b) {
            return b ? "TRUE" : "FALSE";
        }
        if (value instanceof String) {
            return string(ordinal, name, value);
        }
        if (value instanceof Double || value instanceof Float) {
            return approximate(ordinal, (Number) value);
        }
        if (value instanceof Number n) {
            return exact(ordinal, decimal(ordinal, n));
        }
        if (value instanceof LocalDate date) {
            return "DATE '" + date(ordinal, date) + "'";
        }
        if (value instanceof LocalDateTime time) {
            return "TIMESTAMP '" + timestamp(ordinal, time) + "'";
        }
        throw mismatch(ordinal, name, value);
    }

    /** A date or timestamp given as text, in ISO form ({@code 2025-01-31}, {@code 2025-01-31 10:00:00}). */
    private static <T> T parse(int ordinal, String text, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(text.strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw new VeilException(
                    ErrorCode.INVALID_PARAMETER,
                    "Parameter " + ordinal
                            + " is not a date or timestamp in ISO form (2025-01-31, 2025-01-31 10:00:00)");
        }
    }

    private static Number number(int ordinal, SqlTypeName name, Object value) {
        if (value instanceof Number n) {
            return n;
        }
        throw mismatch(ordinal, name, value);
    }

    private static BigDecimal decimal(int ordinal, Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                throw new VeilException(
                        ErrorCode.INVALID_PARAMETER, "Parameter " + ordinal + " is not a finite number (" + d + ")");
            }
            return new BigDecimal(n.toString());
        }
        return BigDecimal.valueOf(n.longValue());
    }

    private static String wholeNumber(int ordinal, SqlTypeName name, Number n) {
        BigDecimal d = decimal(ordinal, n);
        BigInteger whole;
        try {
            whole = d.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw new VeilException(
                    ErrorCode.INVALID_PARAMETER,
                    "Parameter " + ordinal + " is " + article(name) + " " + name.getName() + "; " + d.toPlainString()
                            + " is not a whole number");
        }
        return signed(ordinal, whole.toString());
    }

    private static String exact(int ordinal, BigDecimal d) {
        BigDecimal plain = d.scale() < 0 ? d.setScale(0) : d;
        if (plain.precision() > MAX_NUMBER_CHARS || plain.scale() > MAX_NUMBER_CHARS) {
            throw new VeilException(
                    ErrorCode.INVALID_PARAMETER, "Parameter " + ordinal + " has more digits than a DECIMAL holds");
        }
        return signed(ordinal, plain.toPlainString());
    }

    /** A number in scientific notation, which SQL types DOUBLE. */
    private static String approximate(int ordinal, Number n) {
        BigDecimal d = decimal(ordinal, n);
        if (d.precision() > MAX_NUMBER_CHARS) {
            d = d.round(new java.math.MathContext(17));
        }
        return signed(ordinal, d.unscaledValue() + "E" + (-d.scale()));
    }

    private static String signed(int ordinal, String text) {
        if (text.length() > MAX_NUMBER_CHARS + 2) {
            throw new VeilException(ErrorCode.INVALID_PARAMETER, "Parameter " + ordinal + " is too long a number");
        }
        // In parentheses, a negative number cannot join a minus before it into a comment (x - -1).
        return text.startsWith("-") ? "(" + text + ")" : text;
    }

    private static String string(int ordinal, SqlTypeName name, Object value) {
        if (value instanceof String s) {
            return "'" + s.replace("'", "''") + "'";
        }
        throw mismatch(ordinal, name, value);
    }

    private static String date(int ordinal, LocalDate date) {
        if (date.getYear() < 1 || date.getYear() > 9999) {
            throw new VeilException(
                    ErrorCode.INVALID_PARAMETER, "Parameter " + ordinal + " is a date outside years 1 to 9999");
        }
        return date.toString();
    }

    private static String timestamp(int ordinal, LocalDateTime time) {
        if (time.getYear() < 1 || time.getYear() > 9999) {
            throw new VeilException(
                    ErrorCode.INVALID_PARAMETER, "Parameter " + ordinal + " is a timestamp outside years 1 to 9999");
        }
        return TIMESTAMP.format(time);
    }

    private static VeilException mismatch(int ordinal, SqlTypeName name, Object value) {
        String expected = name == SqlTypeName.ANY ? "a value Veil can bind" : article(name) + " " + name.getName();
        return new VeilException(
                ErrorCode.INVALID_PARAMETER,
                "Parameter " + ordinal + " must be " + expected + "; the value given is " + kind(value));
    }

    private static String article(SqlTypeName name) {
        return name == SqlTypeName.INTEGER ? "an" : "a";
    }

    private static String kind(Object value) {
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof LocalDate) {
            return "a date";
        }
        if (value instanceof LocalDateTime) {
            return "a timestamp";
        }
        return "of a type Veil does not bind";
    }

    /** The SQL name of a parameter's type for a typed NULL, or null when it has none Veil spells. */
    private static String typeName(RelDataType type) {
        if (type == null) {
            return null;
        }
        return switch (type.getSqlTypeName()) {
            case TINYINT, SMALLINT, INTEGER, BIGINT, REAL, FLOAT, DOUBLE, BOOLEAN, DATE ->
                type.getSqlTypeName().getName();
            case TIMESTAMP -> "TIMESTAMP";
            case CHAR, VARCHAR -> "VARCHAR";
            case DECIMAL -> "DECIMAL(" + type.getPrecision() + ", " + type.getScale() + ")";
            default -> null;
        };
    }
}
