package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;

/**
 * The heap options a Veil worker JVM gets on top of its inherited ones: the whole maximum heap
 * committed and touched when the JVM starts ({@code -Xms} equal to {@code -Xmx}, {@code
 * -XX:+AlwaysPreTouch}).
 *
 * <p>Why: with a heap that may grow and shrink, G1 commits fresh regions as the young generation
 * grows and gives regions back at the end of a concurrent cycle, and every page of a fresh region
 * costs a page fault when first written. Veil's operators allocate a few hundred MB per heavy query
 * (Q18's grouping of 6M line items into 1.5M groups: about 400 MB of arrays), so a worker that had
 * just shrunk its heap spent its next warm runs faulting: in one JVM over the 22 queries, 1.09
 * million minor faults without these options and 94 thousand with them, and Q18 ran at 1.7 s of CPU
 * with 35,000-76,000 faults a run against 0.6-0.8 s without faults. DuckDB keeps the memory it has
 * allocated; these options give Veil's warm runs the same steady state, at the price of a slower
 * start (touching 6 GB took 31 s on the 2-core benchmark VM, where a fresh page costs about 14 µs).
 */
final class SteadyHeap {
    private SteadyHeap() {}

    /**
     * The options to add after {@code options} (the worker's inherited and extra options, in order):
     * none when they set no {@code -Xmx}, or already choose {@code -Xms} or {@code AlwaysPreTouch}.
     */
    static List<String> options(List<String> options) {
        requireNonNull(options, "options is null");
        String max = null;
        for (String option : options) {
            String lower = option.toLowerCase(Locale.ROOT);
            if (lower.startsWith("-xms")
                    || option.contains("AlwaysPreTouch")
                    || lower.startsWith("-xx:initialheapsize")) {
                return List.of();
            }
            if (lower.startsWith("-xmx")) {
                max = option.substring(4);
            }
        }
        return max == null ? List.of() : List.of("-Xms" + max, "-XX:+AlwaysPreTouch");
    }
}
