package dev.veil.exec.privacy;

import dev.veil.dp.ConfidenceInterval;
import dev.veil.dp.DpResult;
import dev.veil.plan.DpCall;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The row a DP aggregate releases for one kept group, as its row type lays it out: the group's key
 * values, then each call's noisy value (rounded to a whole number for an integral call), then each
 * call's confidence interval at {@link DpAggregator#INTERVAL_LEVEL} (low, high). One layout for
 * every form of the aggregate (over rows, over batches, over a remote's partial sums).
 */
final class ReleasedRow {
    private ReleasedRow() {}

    /** The row of a group with {@code keys} (its first {@code keyCount} values) and call {@code c}'s result {@code results.apply(c)}. */
    static Object[] of(Object[] keys, int keyCount, List<DpCall> calls, IntFunction<DpResult> results) {
        int callCount = calls.size();
        Object[] row = new Object[keyCount + 3 * callCount];
        if (keyCount > 0) {
            System.arraycopy(keys, 0, row, 0, keyCount);
        }
        for (int c = 0; c < callCount; c++) {
            DpResult result = results.apply(c);
            ConfidenceInterval interval = result.interval(DpAggregator.INTERVAL_LEVEL);
            row[keyCount + c] = calls.get(c).integral() ? (Object) Math.round(result.value()) : (Object) result.value();
            row[keyCount + callCount + 2 * c] = interval.lower();
            row[keyCount + callCount + 2 * c + 1] = interval.upper();
        }
        return row;
    }
}
