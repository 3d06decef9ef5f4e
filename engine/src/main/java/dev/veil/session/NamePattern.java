package dev.veil.session;

import static java.util.Objects.requireNonNull;

/**
 * A JDBC metadata name pattern ({@code DatabaseMetaData.getTables} and friends): {@code %} matches
 * any run of characters, {@code _} any one character, and a backslash makes the next character
 * literal. Matched by a greedy two-pointer scan that backtracks only to the last {@code %}, so a
 * match costs at most pattern length × name length steps and never more, whatever the pattern
 * (a regular expression built from it can take exponential time on {@code %%%...%#}).
 */
final class NamePattern {
    private static final char ANY = '%';
    private static final char ONE = '_';
    private static final char ESCAPE = '\\';

    /** The pattern's elements: a literal character, or the wildcard marker with its kind. */
    private final char[] chars;

    private final boolean[] wildcard;

    private NamePattern(char[] chars, boolean[] wildcard) {
        this.chars = chars;
        this.wildcard = wildcard;
    }

    /** Compiles a pattern; consecutive {@code %} collapse into one. */
    static NamePattern of(String pattern) {
        requireNonNull(pattern, "pattern is null");
        char[] chars = new char[pattern.length()];
        boolean[] wildcard = new boolean[pattern.length()];
        int n = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == ESCAPE && i + 1 < pattern.length()) {
                chars[n++] = pattern.charAt(++i);
            } else if (c == ANY || c == ONE) {
                if (c == ANY && n > 0 && wildcard[n - 1] && chars[n - 1] == ANY) {
                    continue;
                }
                wildcard[n] = true;
                chars[n++] = c;
            } else {
                chars[n++] = c;
            }
        }
        return new NamePattern(java.util.Arrays.copyOf(chars, n), java.util.Arrays.copyOf(wildcard, n));
    }

    /** Whether the whole of {@code name} matches. */
    boolean matches(String name) {
        requireNonNull(name, "name is null");
        int p = 0;
        int s = 0;
        int star = -1; // pattern position just after the last % seen
        int resume = 0; // the name position that % is taken to have reached
        while (s < name.length()) {
            if (p < chars.length && wildcard[p] && chars[p] == ANY) {
                star = ++p;
                resume = s;
            } else if (p < chars.length && (wildcard[p] ? chars[p] == ONE : chars[p] == name.charAt(s))) {
                p++;
                s++;
            } else if (star >= 0) {
                // Let the last % take one more character and retry what follows it.
                p = star;
                s = ++resume;
            } else {
                return false;
            }
        }
        while (p < chars.length && wildcard[p] && chars[p] == ANY) {
            p++;
        }
        return p == chars.length;
    }
}
