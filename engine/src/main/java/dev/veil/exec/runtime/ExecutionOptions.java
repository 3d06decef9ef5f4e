package dev.veil.exec.runtime;

/**
 * How the physical layer runs, which never changes what a statement returns: whether the columnar
 * operators are planned (the primitive-key hash join, the vectorized aggregation over a scan, the
 * DP aggregate over Arrow batches; the Arrow scan with its pushed filter and projection stays, it
 * is how every table is read), and how many threads a statement may use (0: decided by the size of
 * the table and the machine's cores; 1; or 2, whatever the size, still only on a run slot the
 * scheduler lends).
 *
 * <p>One setting per process, for the equivalence tests (every TPC-H query with the columnar layer
 * on and off, on 1 and 2 threads, must return the same rows) and for measuring one path against the
 * other. It is not reachable from SQL, JDBC properties, the environment or the CLI; neither choice
 * changes what is released or its privacy (each path computes the same cells, samples, noise and
 * release).
 */
public record ExecutionOptions(boolean columnar, int threads) {
    /** The columnar layer, threads by size. */
    public static final ExecutionOptions DEFAULT = new ExecutionOptions(true, 0);

    private static volatile ExecutionOptions current = DEFAULT;

    public ExecutionOptions {
        if (threads < 0 || threads > 2) {
            throw new IllegalArgumentException("threads must be 0 (by size), 1 or 2, was " + threads);
        }
    }

    /** These options with the columnar layer on or off. */
    public ExecutionOptions withColumnar(boolean on) {
        return new ExecutionOptions(on, threads);
    }

    /** These options with {@code n} threads (0: by size). */
    public ExecutionOptions withThreads(int n) {
        return new ExecutionOptions(columnar, n);
    }

    /** The options statements are planned and run with now. */
    public static ExecutionOptions current() {
        return current;
    }

    /** Sets the options of statements planned or run from now on; returns the previous ones. */
    public static ExecutionOptions set(ExecutionOptions options) {
        if (options == null) {
            throw new NullPointerException("options is null");
        }
        ExecutionOptions previous = current;
        current = options;
        return previous;
    }

    /**
     * Whether work over {@code rows} rows takes a second thread: with {@code threads} 0, from
     * {@code minRows} rows on a machine of two cores or more.
     */
    public boolean twoThreads(long rows, long minRows) {
        return switch (threads) {
            case 1 -> false;
            case 2 -> true;
            default -> rows >= minRows && Runtime.getRuntime().availableProcessors() >= 2;
        };
    }
}
