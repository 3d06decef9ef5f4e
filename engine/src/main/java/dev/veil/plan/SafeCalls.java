package dev.veil.plan;

import java.util.Locale;
import java.util.Set;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.sql.SqlOperator;

/**
 * The size cap on functions whose cost grows with a value, on protected rows: a result longer than
 * {@link #MAX_LENGTH} characters (or bytes) is NULL, and it is found so from the operands' sizes
 * before anything is built ({@code LPAD('a', 1000000000)} costs nothing). A LIKE match whose
 * backtracking could exceed {@link #MAX_MATCH_STEPS} steps (many inner {@code %} over a long
 * text) is NULL too. So one row's value can change a query's run time by a small constant at
 * most. Called by the code {@link SafeOperator} generates.
 */
public final class SafeCalls {
    /** The longest text or binary result a capped function may build on protected rows: 64 KiB. */
    public static final int MAX_LENGTH = 64 * 1024;

    private static final Set<String> CAPPED = Set.of(
            "LPAD",
            "RPAD",
            "REPEAT",
            "SPACE",
            "OVERLAY",
            "||",
            "CONCAT",
            "CONCAT_WS",
            "REPLACE",
            "TRANSLATE",
            "REGEXP_REPLACE");

    /** Thrown inside the generated {@code try} when a result would exceed the cap; becomes NULL. */
    private static final class TooLarge extends RuntimeException {
        TooLarge() {
            super("result exceeds the size cap", null, false, false);
        }
    }

    private static final TooLarge TOO_LARGE = new TooLarge();

    private SafeCalls() {}

    /** The name under which {@link #checkSize} knows {@code operator}, or null if its results are not capped. */
    static String cappedName(SqlOperator operator) {
        String name = operator.getName().toUpperCase(Locale.ROOT);
        if (name.equals("LIKE") || name.equals("NOT LIKE") || name.equals("ILIKE") || name.equals("NOT ILIKE")) {
            return "LIKE";
        }
        return CAPPED.contains(name) ? name : null;
    }

    /**
     * Throws when {@code function} over {@code operands} (Calcite's runtime values, NULL as null)
     * would build a result longer than {@link #MAX_LENGTH}. Costs at most one pass over the operands.
     */
    public static void checkSize(String function, Object[] operands) {
        long size = switch (function) {
            case "LPAD", "RPAD" -> number(operands, 1);
            case "SPACE" -> number(operands, 0);
            case "REPEAT" -> length(operands[0]) * Math.max(0, number(operands, 1));
            case "OVERLAY" -> length(operands[0]) + length(operands[1]);
            case "||", "CONCAT", "CONCAT_WS" -> {
                long total = 0;
                for (Object operand : operands) {
                    total += length(operand);
                }
                // CONCAT_WS repeats its separator between the values.
                yield function.equals("CONCAT_WS") ? total + length(operands[0]) * operands.length : total;
            }
            case "REPLACE" -> replaced(operands);
            case "TRANSLATE" -> length(operands[0]);
            // Every position of the text may match, each replaced by the whole replacement.
            case "REGEXP_REPLACE" -> length(operands[0]) + (length(operands[0]) + 1) * length(operands[2]);
            case "LIKE" -> {
                // A LIKE pattern runs as a regular expression whose backtracking costs up to
                // n^w steps for a text of n characters and w inner '%' wildcards; beyond
                // MAX_MATCH_STEPS the match is NULL rather than slow.
                if (likeSteps(operands) > MAX_MATCH_STEPS) {
                    throw TOO_LARGE;
                }
                yield 0;
            }
            default -> 0;
        };
        if (size > MAX_LENGTH) {
            throw TOO_LARGE;
        }
    }

    /** {@code text LIKE 'prefix%'} for a prefix without wildcards (see {@link SafeOperator}). */
    public static boolean startsWith(String text, String prefix) {
        return text.startsWith(prefix);
    }

    /** The most backtracking steps a LIKE match may need on protected rows. */
    static final double MAX_MATCH_STEPS = 1e9;

    private static double likeSteps(Object[] operands) {
        if (!(operands[0] instanceof String text) || !(operands[1] instanceof String pattern)) {
            return 0;
        }
        String trimmed = pattern;
        while (trimmed.endsWith("%")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        int wildcards = 0;
        for (int i = 0; i < trimmed.length(); i++) {
            if (trimmed.charAt(i) == '%') {
                wildcards++;
            }
        }
        return wildcards == 0 ? text.length() : Math.pow(Math.max(1, text.length()), wildcards);
    }

    private static long number(Object[] operands, int i) {
        return i < operands.length && operands[i] instanceof Number n ? n.longValue() : 0;
    }

    private static long length(Object value) {
        if (value instanceof String s) {
            return s.length();
        }
        if (value instanceof ByteString b) {
            return b.length();
        }
        return value == null ? 0 : String.valueOf(value).length();
    }

    /** The length of {@code REPLACE(s, find, with)}, counted without building it. */
    private static long replaced(Object[] operands) {
        if (!(operands[0] instanceof String s) || !(operands[1] instanceof String find) || find.isEmpty()) {
            return length(operands[0]);
        }
        long with = length(operands[2]);
        long count = 0;
        for (int at = s.indexOf(find); at >= 0; at = s.indexOf(find, at + find.length())) {
            count++;
        }
        return s.length() + count * (with - find.length());
    }
}
