package dev.veil.storage;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Parses values of text files (CSV) from UTF-8 bytes without making Strings. A value that does
 * not parse raises {@link BadValue}, whose message describes the value's shape ("a value that is
 * not a number") and never its content, since the content may be protected.
 */
final class TextValues {
    static final long MILLIS_PER_DAY = 86_400_000L;

    private TextValues() {}

    /** A value that does not parse as the column's type; cheap (no stack trace), since inference expects many. */
    static final class BadValue extends Exception {
        private static final long serialVersionUID = 1L;

        BadValue(String description) {
            super(description, null, false, false);
        }
    }

    static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    static boolean isSpace(byte c) {
        return c == ' ' || c == '\t';
    }

    /** The start of the value with leading blanks skipped. */
    static int trimStart(byte[] b, int s, int e) {
        while (s < e && isSpace(b[s])) {
            s++;
        }
        return s;
    }

    /** The end of the value with trailing blanks dropped. */
    static int trimEnd(byte[] b, int s, int e) {
        while (e > s && isSpace(b[e - 1])) {
            e--;
        }
        return e;
    }

    static boolean equalsAscii(byte[] b, int s, int e, byte[] other) {
        if (e - s != other.length) {
            return false;
        }
        for (int i = 0; i < other.length; i++) {
            if (b[s + i] != other[i]) {
                return false;
            }
        }
        return true;
    }

    /** A whole number in [min, max]: optional sign, digits only. */
    static long parseLong(byte[] b, int s, int e, long min, long max) throws BadValue {
        int p = s;
        boolean negative = false;
        if (p < e && (b[p] == '-' || b[p] == '+')) {
            negative = b[p] == '-';
            p++;
        }
        if (p == e) {
            throw new BadValue("a value that is not a number");
        }
        // Accumulate negatively: Long.MIN_VALUE has no positive counterpart.
        long result = 0;
        for (; p < e; p++) {
            byte c = b[p];
            if (!isDigit(c)) {
                throw new BadValue(notAWholeNumber(b, p, e));
            }
            int digit = c - '0';
            if (result < (Long.MIN_VALUE + digit) / 10) {
                throw new BadValue("a number out of range");
            }
            result = result * 10 - digit;
        }
        if (!negative) {
            if (result == Long.MIN_VALUE) {
                throw new BadValue("a number out of range");
            }
            result = -result;
        }
        if (result < min || result > max) {
            throw new BadValue("a number out of range");
        }
        return result;
    }

    private static String notAWholeNumber(byte[] b, int p, int e) {
        if (b[p] == '.') {
            for (int i = p + 1; i < e; i++) {
                if (!isDigit(b[i])) {
                    return "a value that is not a number";
                }
            }
            return "a number with a fractional part";
        }
        return "a value that is not a number";
    }

    /** A floating-point number: decimal or exponent notation, NaN, Infinity. */
    static double parseDouble(byte[] b, int s, int e) throws BadValue {
        if (s == e) {
            throw new BadValue("a value that is not a number");
        }
        boolean digit = false;
        for (int p = s; p < e; p++) {
            byte c = b[p];
            if (isDigit(c)) {
                digit = true;
            } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
                return parseSpecialDouble(b, s, e);
            }
        }
        if (!digit) {
            throw new BadValue("a value that is not a number");
        }
        try {
            return Double.parseDouble(new String(b, s, e - s, StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException ex) {
            throw new BadValue("a value that is not a number");
        }
    }

    private static double parseSpecialDouble(byte[] b, int s, int e) throws BadValue {
        int p = s;
        boolean negative = false;
        if (b[p] == '-' || b[p] == '+') {
            negative = b[p] == '-';
            p++;
        }
        String word = new String(b, p, e - p, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        switch (word) {
            case "nan":
                return Double.NaN;
            case "inf", "infinity":
                return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            default:
                throw new BadValue("a value that is not a number");
        }
    }

    /** A boolean: true/false, t/f, yes/no, y/n, 1/0, in any case. */
    static boolean parseBoolean(byte[] b, int s, int e) throws BadValue {
        if (e - s == 1) {
            byte c = b[s];
            if (c == '1') {
                return true;
            }
            if (c == '0') {
                return false;
            }
            int lower = c | 0x20;
            if (lower == 't' || lower == 'y') {
                return true;
            }
            if (lower == 'f' || lower == 'n') {
                return false;
            }
        } else if (matches(b, s, e, "true") || matches(b, s, e, "yes")) {
            return true;
        } else if (matches(b, s, e, "false") || matches(b, s, e, "no")) {
            return false;
        }
        throw new BadValue("a value that is not a boolean (true or false)");
    }

    /** Whether the bytes are {@code lowerWord}, ignoring ASCII case. */
    static boolean matches(byte[] b, int s, int e, String lowerWord) {
        if (e - s != lowerWord.length()) {
            return false;
        }
        for (int i = 0; i < lowerWord.length(); i++) {
            if ((b[s + i] | 0x20) != lowerWord.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A date {@code yyyy-MM-dd} (month and day may have one digit) as days since 1970-01-01. */
    static int parseDate(byte[] b, int s, int e) throws BadValue {
        long days = parseDatePrefix(b, s, e, true);
        return (int) days;
    }

    /**
     * Parses a date at the start of the bytes. Returns the epoch day, with the position after it
     * in the upper bits when {@code whole} is false (see {@link #parseTimestamp}).
     */
    private static long parseDatePrefix(byte[] b, int s, int e, boolean whole) throws BadValue {
        String notADate = whole
                ? "a value that is not a date (yyyy-MM-dd)"
                : "a value that is not a timestamp (yyyy-MM-dd HH:mm:ss)";
        int p = s;
        int year = 0;
        int yearDigits = 0;
        while (p < e && isDigit(b[p]) && yearDigits < 4) {
            year = year * 10 + (b[p++] - '0');
            yearDigits++;
        }
        if (yearDigits != 4 || p >= e || b[p] != '-') {
            throw new BadValue(notADate);
        }
        p++;
        int month = 0;
        int monthDigits = 0;
        while (p < e && isDigit(b[p]) && monthDigits < 2) {
            month = month * 10 + (b[p++] - '0');
            monthDigits++;
        }
        if (monthDigits == 0 || p >= e || b[p] != '-') {
            throw new BadValue(notADate);
        }
        p++;
        int day = 0;
        int dayDigits = 0;
        while (p < e && isDigit(b[p]) && dayDigits < 2) {
            day = day * 10 + (b[p++] - '0');
            dayDigits++;
        }
        if (dayDigits == 0 || (whole && p != e)) {
            throw new BadValue(notADate);
        }
        if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
            throw new BadValue("a date with an impossible month or day");
        }
        long epochDay = epochDay(year, month, day);
        return whole ? epochDay : ((long) (p - s) << 32) | (epochDay & 0xFFFFFFFFL);
    }

    /**
     * A timestamp {@code yyyy-MM-dd[( |T)HH:mm[:ss[.fraction]]]} as milliseconds since
     * 1970-01-01 00:00 (no time zone; digits beyond milliseconds are dropped).
     */
    static long parseTimestamp(byte[] b, int s, int e) throws BadValue {
        long packed = parseDatePrefix(b, s, e, false);
        int p = s + (int) (packed >>> 32);
        long days = (int) packed;
        long millis = days * MILLIS_PER_DAY;
        if (p == e) {
            return millis;
        }
        String notATimestamp = "a value that is not a timestamp (yyyy-MM-dd HH:mm:ss)";
        if (b[p] != ' ' && b[p] != 'T') {
            throw new BadValue(notATimestamp);
        }
        p++;
        int hour = twoDigits(b, p, e, notATimestamp);
        p += 2;
        if (p >= e || b[p] != ':') {
            throw new BadValue(notATimestamp);
        }
        int minute = twoDigits(b, p + 1, e, notATimestamp);
        p += 3;
        int second = 0;
        int fractionMillis = 0;
        if (p < e) {
            if (b[p] != ':') {
                throw new BadValue(notATimestamp);
            }
            second = twoDigits(b, p + 1, e, notATimestamp);
            p += 3;
            if (p < e) {
                if (b[p] != '.' || p + 1 == e) {
                    throw new BadValue(notATimestamp);
                }
                p++;
                int digits = 0;
                for (; p < e; p++, digits++) {
                    if (!isDigit(b[p]) || digits == 9) {
                        throw new BadValue(notATimestamp);
                    }
                    if (digits < 3) {
                        fractionMillis = fractionMillis * 10 + (b[p] - '0');
                    }
                }
                for (int d = Math.min(digits, 3); d < 3; d++) {
                    fractionMillis *= 10;
                }
            }
        }
        if (hour > 23 || minute > 59 || second > 59) {
            throw new BadValue("a timestamp with an impossible time of day");
        }
        return millis + hour * 3_600_000L + minute * 60_000L + second * 1000L + fractionMillis;
    }

    private static int twoDigits(byte[] b, int p, int e, String error) throws BadValue {
        if (p + 2 > e || !isDigit(b[p]) || !isDigit(b[p + 1])) {
            throw new BadValue(error);
        }
        return (b[p] - '0') * 10 + (b[p + 1] - '0');
    }

    static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (years 0..9999). */
    static long epochDay(int year, int month, int day) {
        // Count from 0000-03-01 so that the leap day is the last day of a counted year.
        int y = month <= 2 ? year - 1 : year;
        int m = month <= 2 ? month + 9 : month - 3; // March = 0
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * m + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    /** Whether the bytes are well-formed UTF-8 (checked only when a byte is not ASCII). */
    static boolean isValidUtf8(byte[] b, int s, int e) {
        int p = s;
        while (p < e) {
            int c = b[p] & 0xFF;
            if (c < 0x80) {
                p++;
                continue;
            }
            int extra;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                extra = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                extra = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                extra = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (p + extra >= e) {
                return false;
            }
            int code = c & (0x3F >> extra);
            for (int i = 1; i <= extra; i++) {
                int cc = b[p + i] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return false;
                }
                code = (code << 6) | (cc & 0x3F);
            }
            if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
                return false;
            }
            p += extra + 1;
        }
        return true;
    }
}
