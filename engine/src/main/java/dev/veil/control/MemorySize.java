package dev.veil.control;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes of memory as people write them: a whole number of bytes, or a number with a unit
 * {@code kB}, {@code MB}, {@code GB} or {@code TB} (powers of 1024, case-insensitive, an optional
 * {@code i} as in {@code MiB}), such as {@code '512MB'} or {@code '2 GB'}.
 */
public final class MemorySize {
    private static final Pattern SIZE = Pattern.compile(
            "\\s*(\\d{1,15})\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)\\s*", Pattern.CASE_INSENSITIVE);

    private MemorySize() {}

    /** The bytes {@code text} stands for; INVALID_ARGUMENT naming {@code what} if it is no size. */
    public static long parse(String text, String what) {
        Matcher m = SIZE.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "Invalid " + what + " '" + text
                            + "': write a number of bytes or a number with a unit, such as '512MB' or '2GB'");
        }
        long number = Long.parseLong(m.group(1));
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        int shift = switch (unit.isEmpty() ? ' ' : unit.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        if (number > (Long.MAX_VALUE >> shift)) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "Invalid " + what + " '" + text + "': too large");
        }
        return number << shift;
    }

    /** {@code bytes} in the largest unit that keeps it a whole number, or with one decimal in MB or GB. */
    public static String format(long bytes) {
        String[] units = {"TB", "GB", "MB", "kB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return (bytes >> shifts[i]) + " " + units[i];
            }
        }
        if (bytes >= (1L << 30)) {
            return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
        }
        if (bytes >= (1L << 20)) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1L << 20));
        }
        return bytes + " bytes";
    }
}
