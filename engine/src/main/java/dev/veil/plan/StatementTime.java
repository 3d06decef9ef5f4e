package dev.veil.plan;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import org.apache.calcite.DataContext;

/**
 * The statement time as an execution sees it: one instant (milliseconds since the epoch, taken
 * when the statement started, before it was planned) that every consent and retention condition of
 * the statement compares with, in every row and every table. It is a variable of the execution's
 * context, not a constant of the plan, so a plan kept in the plan cache and run later compares with
 * the later statement's time.
 */
public final class StatementTime {
    /** The name of the variable of an execution's {@code DataContext} that holds it (a {@code Long}). */
    public static final String VARIABLE = "veilStatementTime";

    private StatementTime() {}

    /** The statement time of the execution {@code root}; INTERNAL_ERROR if it has none. */
    public static long of(DataContext root) {
        Object value = root == null ? null : root.get(VARIABLE);
        if (value instanceof Long time) {
            return time;
        }
        throw new VeilException(ErrorCode.INTERNAL_ERROR, "The execution has no statement time");
    }

    /** A DATE (days, as an Integer or Long) or TIMESTAMP (milliseconds, as a Long) value as milliseconds. */
    static long millis(Object value, boolean date) {
        long v = ((Number) value).longValue();
        return date ? v * 86_400_000L : v;
    }
}
