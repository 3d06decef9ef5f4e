package dev.veil.server;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a user name and password against the warehouse's users.
 *
 * <p>HTTP Basic authentication repeats the password on every request, and a PBKDF2 check is slow
 * on purpose, so successful checks are remembered for a short time. The cache is keyed by an
 * HMAC of user and password under a random key made when the process starts: it holds no
 * password, nor anything from which one could be guessed offline. A wrong password never
 * matches an entry (its key differs) and always goes through the full check. An entry also
 * remembers the stored hash it was checked against and is used only while that is still the
 * user's stored hash, so a changed password or a dropped user takes effect at once.
 * Concurrent checks of the same credentials share one computation.
 *
 * <p>The checks themselves run at most {@link #concurrentChecks()} at once (half the processors,
 * at least one): a burst of logins, or of guesses spread over many names and addresses so that
 * the {@link LoginThrottle} does not stop them, then waits in line for a turn, at most
 * {@link #CHECK_WAIT}, instead of taking every processor from the statements that run. A login
 * that does not get a turn in time is refused as {@link Busy}, without a check.
 */
final class Authenticator {
    static final Duration DEFAULT_TTL = Duration.ofMinutes(2);
    /** How long a login waits for a turn to check its password before it is refused as {@link Busy}. */
    static final Duration CHECK_WAIT = Duration.ofSeconds(30);

    private static final int MAX_ENTRIES = 10_000;
    private static final String MAC = "HmacSHA256";

    private final Principals principals;
    private final long ttlNanos;
    private final LongSupplier clock;
    private final SecretKeySpec key;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Optional<String>>> checking = new ConcurrentHashMap<>();
    private final Semaphore turns;
    private final Duration checkWait;

    /** Too many password checks are waiting: the login is refused for now, its password unchecked. */
    static final class Busy extends RuntimeException {
        Busy() {
            super("Too many logins are being checked at once; retry in a few seconds", null, false, false);
        }
    }

    /** A remembered successful check. */
    private record Entry(String user, String stamp, long expiresAt) {}

    /** A user's stored hash (null: no such user) as read at a catalog generation. */
    private record Stamp(String value, long generation) {}

    /**
     * The stored hashes of users with remembered checks, valid while the catalog's generation
     * stays the same (a changed password or a dropped user raises it): every request checks that
     * its remembered entry is still current, and this spares it the catalog's lock.
     */
    private final Map<String, Stamp> stamps = new ConcurrentHashMap<>();

    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    Authenticator(Principals principals) {
        this(principals, DEFAULT_TTL, System::nanoTime);
    }

    Authenticator(Principals principals, Duration ttl, LongSupplier clock) {
        this(principals, ttl, clock, concurrentChecks(), CHECK_WAIT);
    }

    Authenticator(Principals principals, Duration ttl, LongSupplier clock, int turns, Duration checkWait) {
        if (turns < 1) {
            throw new IllegalArgumentException("turns must be positive: " + turns);
        }
        this.turns = new Semaphore(turns, true);
        this.checkWait = requireNonNull(checkWait, "checkWait is null");
        this.principals = requireNonNull(principals, "principals is null");
        this.ttlNanos = requireNonNull(ttl, "ttl is null").toNanos();
        this.clock = requireNonNull(clock, "clock is null");
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        this.key = new SecretKeySpec(bytes, MAC);
    }

    /** How many password checks run at once: half the processors, at least one. */
    static int concurrentChecks() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /**
     * The authenticated user name, or empty when the user does not exist or the password is wrong;
     * {@link Busy} when the password could not be checked in time.
     */
    Optional<String> authenticate(BasicCredentials credentials) {
        requireNonNull(credentials, "credentials is null");
        String user = credentials.user();
        String cacheKey = cacheKey(user, credentials.password());
        Entry entry = cache.get(cacheKey);
        if (entry != null) {
            if (entry.expiresAt() - clock.getAsLong() > 0 && entry.user().equals(user) && stillCurrent(entry)) {
                return Optional.of(user);
            }
            cache.remove(cacheKey, entry);
        }
        CompletableFuture<Optional<String>> mine = new CompletableFuture<>();
        CompletableFuture<Optional<String>> running = checking.putIfAbsent(cacheKey, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                // The shared check failed (Busy, say): this login fails the same way.
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            }
        }
        try {
            Optional<String> stamp = checkInTurn(user, credentials.password());
            if (stamp.isPresent()) {
                remember(cacheKey, new Entry(user, stamp.get(), clock.getAsLong() + ttlNanos));
            }
            Optional<String> result = stamp.map(s -> user);
            mine.complete(result);
            return result;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            checking.remove(cacheKey, mine);
        }
    }

    private Optional<String> checkInTurn(String user, String password) {
        boolean acquired;
        try {
            acquired = turns.tryAcquire(checkWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy();
        }
        if (!acquired) {
            throw new Busy();
        }
        try {
            return principals.verifyPassword(user, password);
        } finally {
            turns.release();
        }
    }

    /**
     * Whether these credentials were checked successfully and are still the user's password: false
     * once the password changed since (also by the request they authenticated).
     */
    boolean isCurrent(BasicCredentials credentials) {
        Entry entry = cache.get(key(credentials));
        return entry != null && entry.user().equals(credentials.user()) && stillCurrent(entry);
    }

    /** A key that stands for these credentials without holding or revealing the password. */
    String key(BasicCredentials credentials) {
        return cacheKey(credentials.user(), credentials.password());
    }

    /** How many successful checks are remembered (for tests). */
    int cachedEntries() {
        return cache.size();
    }

    private boolean stillCurrent(Entry entry) {
        Optional<String> stamp = currentStamp(entry.user());
        return stamp.isPresent()
                && MessageDigest.isEqual(
                        stamp.get().getBytes(StandardCharsets.UTF_8),
                        entry.stamp().getBytes(StandardCharsets.UTF_8));
    }

    /** The user's stored hash now, read from the catalog only when its generation moved since the last read. */
    private Optional<String> currentStamp(String user) {
        // Read before the catalog: a change that begins after this read makes the stamp stale at once.
        long generation = principals.generation();
        Stamp known = stamps.get(user);
        if (known != null && known.generation() == generation) {
            return Optional.ofNullable(known.value());
        }
        Optional<String> stamp = principals.passwordStamp(user);
        if (stamps.size() >= MAX_ENTRIES) {
            stamps.clear();
        }
        stamps.put(user, new Stamp(stamp.orElse(null), generation));
        return stamp;
    }

    private void remember(String cacheKey, Entry entry) {
        if (cache.size() >= MAX_ENTRIES) {
            long now = clock.getAsLong();
            cache.values().removeIf(e -> e.expiresAt() - now <= 0);
            if (cache.size() >= MAX_ENTRIES) {
                cache.clear();
            }
        }
        cache.put(cacheKey, entry);
    }

    /** HMAC(key, length(user) || user || password): the length prefix keeps ("ab","c") apart from ("a","bc"). */
    private String cacheKey(String user, String password) {
        Mac mac = macs.get();
        byte[] userBytes = user.getBytes(StandardCharsets.UTF_8);
        mac.update(new byte[] {
            (byte) (userBytes.length >>> 24), (byte) (userBytes.length >>> 16),
            (byte) (userBytes.length >>> 8), (byte) userBytes.length
        });
        mac.update(userBytes);
        mac.update(password.getBytes(StandardCharsets.UTF_8));
        // doFinal also resets the MAC for the thread's next use.
        return Base64.getEncoder().encodeToString(mac.doFinal());
    }

    /** A MAC under {@link #key}, made once per thread (looking the algorithm up costs more than using it). */
    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC + " is not available in this JVM", e);
        }
    }
}
