package dev.veil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Login throttling: free attempts, doubling lockouts capped at 30 s, per name and per address. */
class LoginThrottleTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private long now = 1_000 * SECOND;
    private final LoginThrottle throttle = new LoginThrottle(() -> now);

    @Test
    void fiveFailuresForANameLockItWithDoublingDelaysUpTo30Seconds() {
        for (int i = 0; i < 4; i++) {
            assertEquals(0, throttle.failed("ana", "10.0.0." + i));
        }
        assertEquals(2 * SECOND, throttle.failed("ana", "10.0.0.9"));
        assertEquals(2 * SECOND, throttle.waitNanos("ana", "10.0.0.10"));
        assertEquals(0, throttle.waitNanos("bob", "10.0.0.9"), "another name is not slowed down");
        now += 2 * SECOND;
        assertEquals(0, throttle.waitNanos("ana", "10.0.0.10"));
        assertEquals(4 * SECOND, throttle.failed("ana", "10.0.0.10"));
        now += 4 * SECOND;
        assertEquals(8 * SECOND, throttle.failed("ana", "10.0.0.11"));
        now += 8 * SECOND;
        assertEquals(16 * SECOND, throttle.failed("ana", "10.0.0.12"));
        now += 16 * SECOND;
        assertEquals(30 * SECOND, throttle.failed("ana", "10.0.0.13"), "capped at 30 s");
        for (int i = 0; i < 10; i++) {
            throttle.failed("ana", "10.0.1." + i);
        }
        assertEquals(30 * SECOND, throttle.waitNanos("ana", "10.0.2.1"));
        now += 29 * SECOND;
        assertEquals(SECOND, throttle.waitNanos("ana", "10.0.2.1"));
    }

    @Test
    void successClearsTheNameAndOldFailuresAreForgotten() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("ana", "10.0.0.1");
        }
        throttle.succeeded("ana");
        assertEquals(0, throttle.failed("ana", "10.0.0.2"));
        for (int i = 0; i < 3; i++) {
            throttle.failed("ana", "10.0.0.2");
        }
        now += LoginThrottle.WINDOW.toNanos() + 1;
        assertEquals(0, throttle.failed("ana", "10.0.0.3"), "failures 10 minutes old are forgotten");
    }

    @Test
    void anAddressGuessingManyNamesIsLockedAfter20Failures() {
        for (int i = 0; i < 19; i++) {
            assertEquals(0, throttle.failed("user" + i, "10.9.9.9"));
        }
        assertTrue(throttle.failed("user19", "10.9.9.9") > 0);
        assertTrue(throttle.waitNanos("fresh", "10.9.9.9") > 0);
        assertEquals(0, throttle.waitNanos("fresh", "10.9.9.8"));
    }

    @Test
    void oneRefusalPerLockoutIsReported() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("ana", "10.0.0.1");
        }
        assertTrue(throttle.firstRefusal("ana", "10.0.0.1"));
        assertFalse(throttle.firstRefusal("ana", "10.0.0.1"));
        now += 2 * SECOND;
        throttle.failed("ana", "10.0.0.1");
        assertTrue(throttle.firstRefusal("ana", "10.0.0.1"));
    }

    @Test
    void retryAfterRoundsUp() {
        assertEquals(1, LoginThrottle.seconds(1));
        assertEquals(1, LoginThrottle.seconds(SECOND));
        assertEquals(2, LoginThrottle.seconds(SECOND + 1));
    }
}
