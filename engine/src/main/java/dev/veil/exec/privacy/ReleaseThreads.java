package dev.veil.exec.privacy;

import static java.util.Objects.requireNonNull;

import dev.veil.exec.aggregate.HelperThreads;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs two parts of a DP aggregate's release at once: one on a new daemon thread, one on the
 * caller's, each over state of its own (the accumulators of its calls), and waits for both. A part
 * that fails sets {@code stop}, which the other checks between units of its work, and the first
 * failure is thrown on the caller's thread once both have ended, so nothing of a failed release
 * runs on after the statement has returned.
 */
final class ReleaseThreads {
    private ReleaseThreads() {}

    /** Runs {@code helper} on a new thread named {@code threadName} and {@code caller} here; see above. */
    static void run(Runnable helper, Runnable caller, AtomicBoolean stop, String threadName) {
        requireNonNull(helper, "helper is null");
        requireNonNull(caller, "caller is null");
        requireNonNull(stop, "stop is null");
        Throwable[] failed = new Throwable[1];
        Thread thread = new Thread(
                () -> {
                    try {
                        helper.run();
                    } catch (Throwable t) {
                        failed[0] = t;
                        stop.set(true);
                    }
                },
                threadName);
        thread.setDaemon(true);
        thread.start();
        Throwable first = null;
        try {
            caller.run();
        } catch (Throwable t) {
            first = t;
            stop.set(true);
        }
        HelperThreads.joinQuietly(thread);
        // The helper's failure is visible: written before the thread ended, which the join saw.
        HelperThreads.rethrow(first != null ? first : failed[0]);
    }
}
