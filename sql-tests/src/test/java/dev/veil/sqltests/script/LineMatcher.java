package dev.veil.sqltests.script;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Matches a script's expected lines against actual lines: a line is equal to its counterpart,
 * except that {@code ~ regex} matches a line the whole regex matches and {@code ...} matches
 * any number of lines (none included).
 */
public final class LineMatcher {
    /** Expected line matching any number of actual lines. */
    public static final String ANY_LINES = "...";
    /** Prefix of an expected line that is a regular expression. */
    public static final String REGEX_PREFIX = "~ ";

    private LineMatcher() {}

    /** Whether {@code actual} matches {@code expected}. */
    public static boolean matches(List<String> expected, List<String> actual) {
        return matches(expected, 0, actual, 0);
    }

    private static boolean matches(List<String> expected, int e, List<String> actual, int a) {
        while (e < expected.size()) {
            String line = expected.get(e);
            if (line.strip().equals(ANY_LINES)) {
                for (int skip = a; skip <= actual.size(); skip++) {
                    if (matches(expected, e + 1, actual, skip)) {
                        return true;
                    }
                }
                return false;
            }
            if (a >= actual.size() || !lineMatches(line, actual.get(a).stripTrailing())) {
                return false;
            }
            e++;
            a++;
        }
        return a == actual.size();
    }

    private static boolean lineMatches(String expected, String actual) {
        if (expected.startsWith(REGEX_PREFIX)) {
            return Pattern.compile(expected.substring(REGEX_PREFIX.length()))
                    .matcher(actual)
                    .matches();
        }
        return expected.equals(actual);
    }
}
