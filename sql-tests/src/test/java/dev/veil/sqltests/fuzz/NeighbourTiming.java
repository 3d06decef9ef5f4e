package dev.veil.sqltests.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The run times of {@code --timing}: each statement runs {@link #PAIRS} times on the base and on
 * the neighbour, interleaved (base, neighbour, neighbour, base, ...: each side goes first half of
 * the time, so a warm-up or a noisy moment of the machine falls on both), and the median of each
 * side is kept. A ratio of the medians means something only when the two differ by more than
 * {@link #FLOOR_NANOS}: between two sub-millisecond runs a 3x ratio is a scheduler's hiccup, not a
 * cost that one row's value decides. The report gives, per family, the median and largest of the
 * per-statement medians on each warehouse (absolute times), how many statements differ by more
 * than the floor, and the largest ratio among those (with the raw largest ratio, for contrast).
 */
final class NeighbourTiming {
    /** Runs of each statement on each side. */
    static final int PAIRS = 5;
    /** The smallest difference of the medians that a ratio is computed for: 5 ms. */
    static final long FLOOR_NANOS = 5_000_000L;
    /** Statements slower than this on either side are left out (the target is for sub-second queries). */
    static final long LIMIT_NANOS = 1_000_000_000L;

    private final Map<NeighbourFamily, Family> families = new EnumMap<>(NeighbourFamily.class);

    private static final class Family {
        final List<Long> base = new ArrayList<>();
        final List<Long> neighbour = new ArrayList<>();
        int aboveFloor;
        double worstRatio = 1;
        String worstQuery = "";
        long worstBase;
        long worstNeighbour;
        double rawRatio = 1;
        String rawQuery = "";
        long rawBase;
        long rawNeighbour;
    }

    /** Records the run times of one statement (nanoseconds, {@link #PAIRS} per side). */
    void add(NeighbourFamily family, String sql, long[] baseNanos, long[] neighbourNanos) {
        long b = median(baseNanos);
        long n = median(neighbourNanos);
        if (b >= LIMIT_NANOS || n >= LIMIT_NANOS) {
            return;
        }
        Family f = families.computeIfAbsent(family, x -> new Family());
        f.base.add(b);
        f.neighbour.add(n);
        double ratio = Math.max(b, n) / (double) Math.max(1, Math.min(b, n));
        if (ratio > f.rawRatio) {
            f.rawRatio = ratio;
            f.rawQuery = sql;
            f.rawBase = b;
            f.rawNeighbour = n;
        }
        if (Math.abs(b - n) > FLOOR_NANOS) {
            f.aboveFloor++;
            if (ratio > f.worstRatio) {
                f.worstRatio = ratio;
                f.worstQuery = sql;
                f.worstBase = b;
                f.worstNeighbour = n;
            }
        }
    }

    /** The largest ratio of medians among statements whose medians differ by more than the floor (1 if none). */
    double worstRatio() {
        return families.values().stream().mapToDouble(f -> f.worstRatio).max().orElse(1);
    }

    static long median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    /** The per-family table and the worst statements, in milliseconds. */
    String summary() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "timing: median of %d interleaved runs per side; ratio only where the medians differ"
                        + " by more than %d ms; statements under %d ms%n",
                PAIRS, FLOOR_NANOS / 1_000_000, LIMIT_NANOS / 1_000_000));
        out.append(String.format(
                "%-18s %6s %10s %10s %10s %10s %6s %9s %9s%n",
                "family", "timed", "base med", "base max", "nbr med", "nbr max", ">5ms", "ratio>5ms", "raw ratio"));
        families.forEach((family, f) -> out.append(String.format(
                "%-18s %6d %10.2f %10.2f %10.2f %10.2f %6d %9.2f %9.2f%n",
                family.label(),
                f.base.size(),
                ms(medianOf(f.base)),
                ms(maxOf(f.base)),
                ms(medianOf(f.neighbour)),
                ms(maxOf(f.neighbour)),
                f.aboveFloor,
                f.worstRatio,
                f.rawRatio)));
        families.forEach((family, f) -> {
            if (f.aboveFloor > 0) {
                out.append(String.format(
                        "  worst %s above the floor: %.2fx (base %.2f ms, neighbour %.2f ms) %s%n",
                        family.label(),
                        f.worstRatio,
                        ms(f.worstBase),
                        ms(f.worstNeighbour),
                        NeighbourFuzzer.abbreviate(f.worstQuery, 200)));
            }
            out.append(String.format(
                    "  raw worst %s: %.2fx (base %.3f ms, neighbour %.3f ms) %s%n",
                    family.label(),
                    f.rawRatio,
                    ms(f.rawBase),
                    ms(f.rawNeighbour),
                    NeighbourFuzzer.abbreviate(f.rawQuery, 200)));
        });
        return out.toString();
    }

    private static long medianOf(List<Long> values) {
        return values.isEmpty()
                ? 0
                : median(values.stream().mapToLong(Long::longValue).toArray());
    }

    private static long maxOf(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
