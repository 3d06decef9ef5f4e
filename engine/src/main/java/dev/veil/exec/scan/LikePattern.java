package dev.veil.exec.scan;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A SQL {@code LIKE} pattern compiled once into a matcher over UTF-8 bytes, which agrees with
 * Calcite's {@code SqlFunctions.LikeFunction.like} on every string: {@code %} matches any
 * sequence of characters, {@code _} one code point other than a line terminator ({@code \n},
 * {@code \r}, U+0085, U+2028, U+2029, as Calcite's Java regex {@code .} does), the escape
 * character makes the next {@code %}, {@code _} or escape character literal; the match is case
 * sensitive. Without an ESCAPE clause Calcite treats the character U+0000 as the escape.
 *
 * <p>The pattern is split at its {@code %} into segments of literal bytes and runs of {@code _}.
 * The first segment is anchored at the start, the last at the end (found by stepping back its
 * number of code points), and each middle one is matched at its leftmost place: a segment
 * consumes a fixed number of code points, so its leftmost match also ends leftmost. Literal bytes
 * compare as bytes; in valid UTF-8 a match of a whole character's bytes starts on a character.
 */
public final class LikePattern {
    private final String pattern;
    private final Segment[] segments;
    /** Whether the pattern contains {@code %}: otherwise its one segment spans the whole value. */
    private final boolean hasPercent;

    private LikePattern(String pattern, List<Segment> segments, boolean hasPercent) {
        this.pattern = pattern;
        this.segments = segments.toArray(new Segment[0]);
        this.hasPercent = hasPercent;
    }

    /**
     * Compiles {@code pattern} with the escape character {@code escape} (null: no ESCAPE clause).
     *
     * @throws IllegalArgumentException where Calcite fails: an escape of more or less than one
     *     character, or an escape not followed by {@code %}, {@code _} or itself
     */
    public static LikePattern compile(String pattern, String escape) {
        Objects.requireNonNull(pattern, "pattern is null");
        char esc;
        if (escape == null) {
            esc = 0;
        } else if (escape.length() != 1) {
            throw new IllegalArgumentException("invalid escape character '" + escape + "'");
        } else {
            esc = escape.charAt(0);
        }
        List<Segment> segments = new ArrayList<>();
        List<Object> pieces = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        boolean hasPercent = false;
        int underscores = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == esc) {
                if (i == pattern.length() - 1) {
                    throw new IllegalArgumentException("invalid escape sequence at " + i);
                }
                char next = pattern.charAt(i + 1);
                if (next != '_' && next != '%' && next != esc) {
                    throw new IllegalArgumentException("invalid escape sequence at " + i);
                }
                underscores = flushUnderscores(pieces, underscores);
                literal.append(next);
                i++;
            } else if (c == '_') {
                flushLiteral(pieces, literal);
                underscores++;
            } else if (c == '%') {
                flushLiteral(pieces, literal);
                underscores = flushUnderscores(pieces, underscores);
                segments.add(new Segment(pieces));
                pieces.clear();
                hasPercent = true;
            } else {
                underscores = flushUnderscores(pieces, underscores);
                literal.append(c);
            }
        }
        flushLiteral(pieces, literal);
        flushUnderscores(pieces, underscores);
        segments.add(new Segment(pieces));
        return new LikePattern(pattern, segments, hasPercent);
    }

    private static void flushLiteral(List<Object> pieces, StringBuilder literal) {
        if (literal.length() > 0) {
            pieces.add(literal.toString().getBytes(StandardCharsets.UTF_8));
            literal.setLength(0);
        }
    }

    private static int flushUnderscores(List<Object> pieces, int underscores) {
        if (underscores > 0) {
            pieces.add(underscores);
        }
        return 0;
    }

    /** Whether the UTF-8 bytes {@code data[start..end)} match the pattern. */
    public boolean matches(byte[] data, int start, int end) {
        if (!hasPercent) {
            return segments[0].matchAt(data, start, end) == end;
        }
        int p = segments[0].matchAt(data, start, end);
        if (p < 0) {
            return false;
        }
        int last = segments.length - 1;
        for (int s = 1; s < last; s++) {
            p = segments[s].find(data, p, end);
            if (p < 0) {
                return false;
            }
        }
        Segment tail = segments[last];
        if (tail.isEmpty()) {
            return true;
        }
        int from = tail.startBefore(data, p, end);
        return from >= 0 && tail.matchAt(data, from, end) == end;
    }

    /** Whether {@code value} matches the pattern (for tests and rows already decoded). */
    public boolean matches(String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        return matches(b, 0, b.length);
    }

    @Override
    public String toString() {
        return pattern;
    }

    /** The pattern between two {@code %}: literal byte strings and runs of {@code _}. */
    private static final class Segment {
        /** Each piece is a {@code byte[]} literal or an {@code int} count of {@code _}. */
        private final byte[][] literals;

        private final int[] underscores;
        /** The number of code points the segment consumes. */
        private final int codePoints;
        /** Horspool's shifts for finding the first piece when it is a literal, else null. */
        private final int[] shifts;

        Segment(List<Object> pieces) {
            literals = new byte[pieces.size()][];
            underscores = new int[pieces.size()];
            int n = 0;
            for (int i = 0; i < pieces.size(); i++) {
                Object piece = pieces.get(i);
                if (piece instanceof byte[] bytes) {
                    literals[i] = bytes;
                    for (byte b : bytes) {
                        n += (b & 0xC0) == 0x80 ? 0 : 1;
                    }
                } else {
                    underscores[i] = (Integer) piece;
                    n += underscores[i];
                }
            }
            codePoints = n;
            shifts = literals.length > 0 && literals[0] != null ? shifts(literals[0]) : null;
        }

        boolean isEmpty() {
            return literals.length == 0;
        }

        /** Where the segment's match starting at {@code p} ends, or -1 if it does not match there. */
        int matchAt(byte[] data, int p, int end) {
            for (int i = 0; i < literals.length && p >= 0; i++) {
                byte[] lit = literals[i];
                p = lit != null ? literalAt(data, p, end, lit) : skipChars(data, p, end, underscores[i]);
            }
            return p;
        }

        /** The end of the segment's leftmost match at or after {@code from}, or -1. */
        int find(byte[] data, int from, int end) {
            if (literals.length == 0) {
                return from;
            }
            byte[] first = literals[0];
            int p = from;
            while (p <= end) {
                if (first != null) {
                    p = indexOf(data, p, end, first, shifts);
                    if (p < 0) {
                        return -1;
                    }
                }
                int e = matchAt(data, p, end);
                if (e >= 0) {
                    return e;
                }
                if (first == null && p == end) {
                    return -1;
                }
                p = nextChar(data, p, end);
            }
            return -1;
        }

        /**
         * The start of the segment if it is to end at {@code end}: {@code codePoints} characters
         * before it; -1 if that is before {@code floor}.
         */
        int startBefore(byte[] data, int floor, int end) {
            int p = end;
            for (int k = 0; k < codePoints; k++) {
                p--;
                while (p > floor && (data[p] & 0xC0) == 0x80) {
                    p--;
                }
                if (p < floor) {
                    return -1;
                }
            }
            return p;
        }
    }

    private static int literalAt(byte[] data, int p, int end, byte[] lit) {
        if (end - p < lit.length) {
            return -1;
        }
        for (int k = 0; k < lit.length; k++) {
            if (data[p + k] != lit[k]) {
                return -1;
            }
        }
        return p + lit.length;
    }

    /** Skips {@code n} characters other than line terminators; -1 if there are not so many. */
    private static int skipChars(byte[] data, int p, int end, int n) {
        for (int k = 0; k < n; k++) {
            if (p >= end) {
                return -1;
            }
            int b = data[p] & 0xFF;
            if (b < 0x80) {
                if (b == '\n' || b == '\r') {
                    return -1;
                }
                p++;
                continue;
            }
            int width = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
            if (end - p < width) {
                return -1;
            }
            if (b == 0xC2 && (data[p + 1] & 0xFF) == 0x85) {
                return -1;
            }
            if (b == 0xE2
                    && (data[p + 1] & 0xFF) == 0x80
                    && ((data[p + 2] & 0xFF) == 0xA8 || (data[p + 2] & 0xFF) == 0xA9)) {
                return -1;
            }
            p += width;
        }
        return p;
    }

    /** The start of the character after the one at {@code p}. */
    private static int nextChar(byte[] data, int p, int end) {
        p++;
        while (p < end && (data[p] & 0xC0) == 0x80) {
            p++;
        }
        return p;
    }

    /** Horspool's shift per byte value: how far the window may move when that byte ends it. */
    static int[] shifts(byte[] needle) {
        int[] shifts = new int[256];
        java.util.Arrays.fill(shifts, needle.length);
        for (int k = 0; k < needle.length - 1; k++) {
            shifts[needle[k] & 0xFF] = needle.length - 1 - k;
        }
        return shifts;
    }

    /**
     * The first position at or after {@code from} where {@code needle} (not empty) occurs before
     * {@code end}, or -1: Horspool's search with the needle's {@link #shifts}.
     */
    static int indexOf(byte[] data, int from, int end, byte[] needle, int[] shifts) {
        int n = needle.length;
        int lastIndex = n - 1;
        byte lastByte = needle[lastIndex];
        int limit = end - n;
        int p = from;
        outer:
        while (p <= limit) {
            byte b = data[p + lastIndex];
            if (b == lastByte) {
                for (int k = 0; k < lastIndex; k++) {
                    if (data[p + k] != needle[k]) {
                        p += shifts[b & 0xFF];
                        continue outer;
                    }
                }
                return p;
            }
            p += shifts[b & 0xFF];
        }
        return -1;
    }
}
