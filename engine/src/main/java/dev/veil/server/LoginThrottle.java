package dev.veil.server;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down password guessing. Failed logins are counted per user name and per client address;
 * once a name has {@value #USER_FREE_FAILURES} failures (an address {@value #ADDRESS_FREE_FAILURES},
 * since many users may share one), each further failure locks it for twice as long as the last,
 * from 2 s up to {@link #MAX_DELAY} (2, 4, 8, 16, 30 s). A locked name or address is refused at once, before any
 * password check, with the time to wait: no request thread sleeps and no lock is shared between
 * keys, so a throttled name slows down nobody else. Failures are forgotten {@link #WINDOW} after
 * the last one; a successful login clears its user name's count (not its address's, or one valid
 * account would reset the count of an address guessing others' passwords).
 */
final class LoginThrottle {
    static final int USER_FREE_FAILURES = 5;
    static final int ADDRESS_FREE_FAILURES = 20;
    static final Duration WINDOW = Duration.ofMinutes(10);
    static final Duration MAX_DELAY = Duration.ofSeconds(30);
    private static final long FIRST_DELAY_NANOS = Duration.ofSeconds(2).toNanos();
    private static final int MAX_KEYS = 100_000;

    private final LongSupplier clock;
    private final Map<String, Failures> users = new ConcurrentHashMap<>();
    private final Map<String, Failures> addresses = new ConcurrentHashMap<>();

    /**
     * The failures of one key: how many, when the last was, and whether a refusal since then has
     * been reported; immutable, replaced atomically.
     */
    private record Failures(int count, long lastAt, boolean refusalReported) {}

    LoginThrottle() {
        this(System::nanoTime);
    }

    LoginThrottle(LongSupplier clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * How long a login for {@code user} from {@code address} must still wait, in nanoseconds; 0
     * when it may go ahead.
     */
    long waitNanos(String user, String address) {
        long now = clock.getAsLong();
        return Math.max(
                wait(users.get(user), USER_FREE_FAILURES, now),
                wait(addresses.get(address), ADDRESS_FREE_FAILURES, now));
    }

    /** Records a failed login; returns how long the next attempt for this name or address must wait. */
    long failed(String user, String address) {
        long now = clock.getAsLong();
        add(users, user, now);
        add(addresses, address, now);
        return waitNanos(user, address);
    }

    /**
     * Notes that a login was refused because {@code user} or {@code address} is locked; true for
     * the first such refusal since their last failure, so that a flood of refused attempts writes
     * one audit entry per lockout rather than one each.
     */
    boolean firstRefusal(String user, String address) {
        boolean[] first = {false};
        for (Map<String, Failures> map : java.util.List.of(users, addresses)) {
            map.computeIfPresent(map == users ? user : address, (k, f) -> {
                if (!f.refusalReported()) {
                    first[0] = true;
                }
                return new Failures(f.count(), f.lastAt(), true);
            });
        }
        return first[0];
    }

    /** Records a successful login: the user name's failures are forgotten. */
    void succeeded(String user) {
        users.remove(user);
    }

    private void add(Map<String, Failures> map, String key, long now) {
        if (map.size() >= MAX_KEYS && !map.containsKey(key)) {
            map.values().removeIf(f -> expired(f, now));
            if (map.size() >= MAX_KEYS) {
                map.clear(); // memory stays bounded; the address count still throttles a flood of names
            }
        }
        map.compute(
                key,
                (k, f) -> f == null || expired(f, now)
                        ? new Failures(1, now, false)
                        : new Failures(f.count() == Integer.MAX_VALUE ? f.count() : f.count() + 1, now, false));
    }

    private static boolean expired(Failures f, long now) {
        return now - f.lastAt() > WINDOW.toNanos();
    }

    private static long wait(Failures f, int free, long now) {
        if (f == null || f.count() < free || expired(f, now)) {
            return 0;
        }
        int doublings = Math.min(f.count() - free, 30);
        long delay = Math.min(MAX_DELAY.toNanos(), FIRST_DELAY_NANOS << doublings);
        return Math.max(0, f.lastAt() + delay - now);
    }

    /** Whole seconds to wait, rounded up: what a Retry-After header says. */
    static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
