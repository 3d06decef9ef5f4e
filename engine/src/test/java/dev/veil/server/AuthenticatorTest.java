package dev.veil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.Principals;
import dev.veil.catalog.SqliteCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthenticatorTest {
    @TempDir
    Path dir;

    private SqliteCatalog catalog;
    private Principals principals;
    private final AtomicLong clock = new AtomicLong();
    private Authenticator authenticator;

    @BeforeEach
    void setUp() {
        catalog = SqliteCatalog.open(dir.resolve(SqliteCatalog.FILE_NAME));
        principals = new Principals(catalog);
        principals.createUser("ana", "right-pw-long-secret", null, false);
        authenticator = new Authenticator(principals, Duration.ofSeconds(60), clock::get);
    }

    @AfterEach
    void tearDown() {
        catalog.close();
    }

    private Optional<String> login(String user, String password) {
        return authenticator.authenticate(new BasicCredentials(user, password));
    }

    @Test
    void passwordChecksTakeTurnsAndABurstBeyondTheWaitIsRefusedUnchecked() throws Exception {
        // One turn and a wait of 50 ms, far below one PBKDF2 check: of eight logins at once, one is
        // checked first and at least one cannot get a turn in time.
        Authenticator oneAtATime =
                new Authenticator(principals, Duration.ofSeconds(60), clock::get, 1, Duration.ofMillis(50));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<String>>> logins = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String password = i == 0 ? "right-pw-long-secret" : "wrong-password-" + i;
                logins.add(pool.submit(() -> {
                    go.await();
                    return oneAtATime.authenticate(new BasicCredentials("ana", password));
                }));
            }
            go.countDown();
            int busy = 0;
            int answered = 0;
            for (Future<Optional<String>> login : logins) {
                try {
                    login.get();
                    answered++;
                } catch (ExecutionException e) {
                    assertTrue(e.getCause() instanceof Authenticator.Busy, () -> "unexpected: " + e.getCause());
                    busy++;
                }
            }
            assertTrue(answered >= 1, "no login was checked");
            assertTrue(busy >= 1, "no login was refused while the only turn was taken");
        } finally {
            pool.shutdownNow();
        }
        // Once the turn is free, logins are checked again.
        assertEquals(Optional.of("ana"), oneAtATime.authenticate(new BasicCredentials("ana", "right-pw-long-secret")));
    }

    @Test
    void repeatedLoginIsServedFromCacheQuickly() {
        assertEquals(Optional.of("ana"), login("ana", "right-pw-long-secret"));
        assertEquals(1, authenticator.cachedEntries());
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertEquals(Optional.of("ana"), login("ana", "right-pw-long-secret"));
        }
        long perLoginMillis = (System.nanoTime() - start) / 20 / 1_000_000;
        assertTrue(perLoginMillis < 50, "cached login took " + perLoginMillis + " ms");
    }

    @Test
    void repeatedLoginDoesNotWaitForTheCatalogWhileNothingChanged() throws Exception {
        assertEquals(Optional.of("ana"), login("ana", "right-pw-long-secret"));
        assertEquals(Optional.of("ana"), login("ana", "right-pw-long-secret"));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            // Another request holds the catalog (a long audit flush, say) while this one logs in again.
            Future<?> holder = other.submit(() -> catalog.read(c -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            holding.await();
            Future<Optional<String>> again =
                    Executors.newSingleThreadExecutor().submit(() -> login("ana", "right-pw-long-secret"));
            assertEquals(Optional.of("ana"), again.get(10, java.util.concurrent.TimeUnit.SECONDS));
            release.countDown();
            holder.get();
        } finally {
            release.countDown();
            other.shutdown();
        }
        // A change raises the catalog's generation: the next login reads the catalog again.
        principals.setPassword("ana", "new-pw-long-secret");
        assertEquals(Optional.empty(), login("ana", "right-pw-long-secret"));
    }

    @Test
    void wrongPasswordIsRejectedEvenAfterASuccessfulLogin() {
        assertEquals(Optional.of("ana"), login("ana", "right-pw-long-secret"));
        assertEquals(Optional.empty(), login("ana", "wrong-pw"));
        assertEquals(Optional.empty(), login("ana", "right-pw "));
        assertEquals(Optional.empty(), login("nobody", "right-pw-long-secret"));
        assertEquals(1, authenticator.cachedEntries(), "failures are never cached");
    }

    @Test
    void changedPasswordOrDroppedUserTakesEffectAtOnce() {
        assertEquals(Optional.of("ana"), login("ana", "right-pw-long-secret"));
        principals.setPassword("ana", "new-pw-long-secret");
        assertEquals(Optional.empty(), login("ana", "right-pw-long-secret"));
        assertEquals(Optional.of("ana"), login("ana", "new-pw-long-secret"));
        principals.dropUser("ana", false);
        assertEquals(Optional.empty(), login("ana", "new-pw-long-secret"));
    }

    @Test
    void cachedLoginExpires() {
        assertEquals(Optional.of("ana"), login("ana", "right-pw-long-secret"));
        clock.addAndGet(Duration.ofSeconds(61).toNanos());
        // Expired: checked again in full (and still right).
        assertEquals(Optional.of("ana"), login("ana", "right-pw-long-secret"));
        assertEquals(1, authenticator.cachedEntries());
    }

    @Test
    void basicHeaderParsingRejectsMalformedOrEmptyParts() {
        assertEquals(
                Optional.of(new BasicCredentials("ana", "p:w")),
                BasicCredentials.parse("Basic " + java.util.Base64.getEncoder().encodeToString("ana:p:w".getBytes())));
        assertEquals(Optional.empty(), BasicCredentials.parse(null));
        assertEquals(Optional.empty(), BasicCredentials.parse("Bearer abc"));
        assertEquals(Optional.empty(), BasicCredentials.parse("Basic !!!"));
        assertEquals(
                Optional.empty(),
                BasicCredentials.parse("Basic " + java.util.Base64.getEncoder().encodeToString("ana:".getBytes())));
        assertEquals(
                Optional.empty(),
                BasicCredentials.parse("Basic " + java.util.Base64.getEncoder().encodeToString(":pw".getBytes())));
    }
}
