package dev.veil.bench.tpch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The heap options of a Veil worker: its last maximum heap committed and touched at start, unless chosen otherwise. */
class SteadyHeapTest {
    @Test
    void theLastMaximumHeapBecomesTheInitialHeapTouchedAtStart() {
        assertEquals(
                List.of("-Xms6g", "-XX:+AlwaysPreTouch"),
                SteadyHeap.options(List.of("--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx8g", "-Xmx6g")));
    }

    @Test
    void anInitialHeapOrPreTouchChoiceOfTheCallerIsKept() {
        assertEquals(List.of(), SteadyHeap.options(List.of("-Xmx8g", "-Xms1g")));
        assertEquals(List.of(), SteadyHeap.options(List.of("-Xmx8g", "-XX:-AlwaysPreTouch")));
    }

    @Test
    void withoutAMaximumHeapNothingIsAdded() {
        assertEquals(List.of(), SteadyHeap.options(List.of("-Dveil.bench.home=/x")));
    }
}
