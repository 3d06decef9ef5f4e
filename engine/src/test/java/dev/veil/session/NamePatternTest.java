package dev.veil.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** JDBC metadata name patterns: {@code %}, {@code _}, backslash escapes, matched without backtracking blow-up. */
class NamePatternTest {
    private static boolean matches(String pattern, String name) {
        return NamePattern.of(pattern).matches(name);
    }

    @Test
    void wildcardsAndEscapesMatchLikeJdbcSays() {
        assertTrue(matches("%", ""));
        assertTrue(matches("%", "orders"));
        assertTrue(matches("ord%", "orders"));
        assertTrue(matches("%ers", "orders"));
        assertTrue(matches("o_d%s", "orders"));
        assertTrue(matches("%r%r%", "orders"));
        assertFalse(matches("%r%r%r%", "orders"));
        assertFalse(matches("ord", "orders"));
        assertFalse(matches("_", ""));
        assertTrue(matches("a\\_b", "a_b"));
        assertFalse(matches("a\\_b", "axb"));
        assertTrue(matches("100\\%", "100%"));
        assertFalse(matches("100\\%", "1000"));
        assertTrue(matches("a\\\\b", "a\\b"));
        assertTrue(matches("trailing\\", "trailing\\"));
        assertTrue(matches("%_", "x"));
        assertFalse(matches("%_", ""));
    }

    @Test
    void manyPercentSignsBeforeAMissCostMilliseconds() {
        String pattern = "%".repeat(90) + "#";
        String name = "a_rather_long_column_name_without_the_hash_sign_".repeat(4);
        assertTimeoutPreemptively(Duration.ofMillis(500), () -> {
            for (int i = 0; i < 1000; i++) {
                assertFalse(matches(pattern, name));
                assertFalse(matches("%a".repeat(60) + "#", name));
            }
        });
    }
}
