package dev.veil.exec.aggregate;

/**
 * What the operators that use a second thread ({@link VectorAggregation}'s second half of the
 * segments, {@link VectorInput}'s pipelined scan, {@link OrderedBatches}' helper, the DP release's
 * second thread in {@code exec.privacy}) do when it ends: wait for it without being interrupted
 * away, and rethrow in the statement's thread what failed in it.
 */
public final class HelperThreads {
    private HelperThreads() {}

    /** Waits for {@code thread} to end; an interrupt meanwhile is kept for the caller. */
    public static void joinQuietly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Throws {@code failure} (what the helper thread threw), if any. */
    public static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }
}
