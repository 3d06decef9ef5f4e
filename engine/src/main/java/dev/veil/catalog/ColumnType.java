package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A column's type: a {@link VeilType} plus, for DECIMAL, its precision and scale.
 *
 * @param type the base type
 * @param precision total digits of a DECIMAL (1..38); 0 for every other type
 * @param scale digits after the point of a DECIMAL (0..precision); 0 for every other type
 */
public record ColumnType(VeilType type, int precision, int scale) {
    public static final int MAX_DECIMAL_PRECISION = 38;

    private static final Pattern DECIMAL =
            Pattern.compile("(?:DECIMAL|NUMERIC)\\s*(?:\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\))?");

    public ColumnType {
        requireNonNull(type, "type is null");
        if (type == VeilType.DECIMAL) {
            if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
                throw new VeilException(
                        ErrorCode.INVALID_ARGUMENT, "DECIMAL precision must be between 1 and 38, got " + precision);
            }
            if (scale < 0 || scale > precision) {
                throw new VeilException(
                        ErrorCode.INVALID_ARGUMENT,
                        "DECIMAL scale must be between 0 and the precision " + precision + ", got " + scale);
            }
        } else if (precision != 0 || scale != 0) {
            throw new IllegalArgumentException("only DECIMAL has a precision and scale: " + type);
        }
    }

    public static ColumnType of(VeilType type) {
        return new ColumnType(type, 0, 0);
    }

    public static ColumnType decimal(int precision, int scale) {
        return new ColumnType(VeilType.DECIMAL, precision, scale);
    }

    /**
     * Parses a type as written in DDL or stored in the catalog: {@code BIGINT}, {@code DECIMAL(12,2)},
     * and the usual synonyms ({@code INT}, {@code VARCHAR(n)}, {@code TEXT}, {@code FLOAT}, ...).
     */
    public static ColumnType parse(String text) {
        requireNonNull(text, "text is null");
        // The parser prints a type it does not know as SQL (TEXT, STRING) as a quoted identifier: `TEXT`.
        String t = text.replace("`", "").trim().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        Matcher m = DECIMAL.matcher(t);
        if (m.matches()) {
            int p = m.group(1) == null ? 18 : Integer.parseInt(m.group(1));
            int s = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
            return decimal(p, s);
        }
        String base = t.replaceAll("\\s*\\(.*\\)$", "");
        switch (base) {
            case "BOOLEAN", "BOOL":
                return of(VeilType.BOOLEAN);
            case "INTEGER", "INT", "INT4", "SMALLINT", "TINYINT":
                return of(VeilType.INTEGER);
            case "BIGINT", "INT8", "LONG":
                return of(VeilType.BIGINT);
            case "DOUBLE", "DOUBLE PRECISION", "FLOAT", "FLOAT8", "REAL":
                return of(VeilType.DOUBLE);
            case "VARCHAR", "CHAR", "CHARACTER", "CHARACTER VARYING", "TEXT", "STRING":
                return of(VeilType.VARCHAR);
            case "DATE":
                return of(VeilType.DATE);
            case "TIMESTAMP", "TIMESTAMP WITHOUT TIME ZONE", "DATETIME":
                return of(VeilType.TIMESTAMP);
            default:
                throw new VeilException(
                        ErrorCode.TYPE_MISMATCH,
                        "Unknown type '" + text
                                + "'; Veil supports BOOLEAN, INTEGER, BIGINT, DOUBLE, DECIMAL(p,s), VARCHAR, DATE, TIMESTAMP");
        }
    }

    /** The SQL spelling, e.g. {@code DECIMAL(12,2)}; {@link #parse} reads it back. */
    public String sql() {
        return type == VeilType.DECIMAL ? "DECIMAL(" + precision + "," + scale + ")" : type.name();
    }

    @Override
    public String toString() {
        return sql();
    }
}
