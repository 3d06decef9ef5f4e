package dev.veil.audit;

import static java.util.Objects.requireNonNull;

/**
 * Prepares statement text for the audit log. Text that parsed is recorded as written, except
 * statements that carry a password, which the SQL layer unparses with the password masked
 * before they get here. Text that did not parse may hide a password anywhere, so every string
 * literal in it is masked.
 */
public final class StatementText {
    /** Longer statements (a huge INSERT ... VALUES) are cut to this many characters. */
    public static final int MAX_LENGTH = 100_000;

    private static final String MASK = "'***'";

    private StatementText() {}

    /** {@code text} with every single-quoted string literal replaced by {@code '***'}. */
    public static String maskStringLiterals(String text) {
        requireNonNull(text, "text is null");
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char ch = text.charAt(i);
            if (ch != '\'') {
                out.append(ch);
                i++;
                continue;
            }
            // Skip to the closing quote; '' inside a literal is an escaped quote. An unterminated
            // literal runs to the end of the text.
            int j = i + 1;
            while (j < text.length()) {
                if (text.charAt(j) == '\'') {
                    if (j + 1 < text.length() && text.charAt(j + 1) == '\'') {
                        j += 2;
                        continue;
                    }
                    break;
                }
                j++;
            }
            out.append(MASK);
            i = j + 1;
        }
        return out.toString();
    }

    /** {@code text}, cut to {@link #MAX_LENGTH} characters with a note of how much was cut. */
    public static String limit(String text) {
        requireNonNull(text, "text is null");
        if (text.length() <= MAX_LENGTH) {
            return text;
        }
        return text.substring(0, MAX_LENGTH) + " ... (" + (text.length() - MAX_LENGTH) + " more characters)";
    }
}
