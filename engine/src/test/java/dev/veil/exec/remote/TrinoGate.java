package dev.veil.exec.remote;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;

/**
 * Whether the Trino tests run: they skip when no Trino can be found or started here, unless
 * {@code VEIL_REQUIRE_TRINO} is set (as {@code .ci/run} does), when they fail instead. Public, with
 * {@link TrinoServer}, for the thin driver's federation test (the engine's test jar).
 */
public final class TrinoGate {
    private TrinoGate() {}

    public static boolean required() {
        String value = System.getenv("VEIL_REQUIRE_TRINO");
        return value != null && !value.isBlank() && !value.equals("0");
    }

    /** A started Trino with {@code workers} workers, or a skipped test. */
    public static TrinoServer start(int workers) throws Exception {
        Optional<String> missing = TrinoServer.unavailable();
        if (missing.isPresent() && required()) {
            throw new IllegalStateException("VEIL_REQUIRE_TRINO is set but " + missing.get());
        }
        assumeTrue(missing.isEmpty(), () -> "Trino tests skipped: " + missing.orElse(""));
        try {
            return TrinoServer.start(workers);
        } catch (Exception e) {
            if (required()) {
                throw e;
            }
            assumeTrue(false, () -> "Trino tests skipped: " + e.getMessage());
            throw e;
        }
    }
}
