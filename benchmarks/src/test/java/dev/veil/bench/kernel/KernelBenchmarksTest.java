package dev.veil.bench.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * Calls each JMH micro-benchmark once, outside JMH, on small data: the set-up works, the
 * hand-written Arrow kernel computes what Veil's SQL computes, and the plan benchmarks plan.
 * Times are not measured here.
 */
class KernelBenchmarksTest {
    @Test
    void arrowKernelAgreesWithQ6ThroughTheEmbeddedDriver() throws Exception {
        ScanBenchmark benchmark = new ScanBenchmark();
        benchmark.rows = 100_000;
        benchmark.setUp();
        try {
            long kernel = benchmark.arrowKernel();
            BigDecimal sql = (BigDecimal) benchmark.q6Embedded();
            assertTrue(kernel > 0, "Q6 selects some rows of 100,000");
            // price (scale 2) * discount (scale 2): the kernel's sum is the unscaled value at scale 4.
            assertEquals(BigDecimal.valueOf(kernel, 4), sql.setScale(4));
            assertTrue(((BigDecimal) benchmark.sumEmbedded()).signum() > 0);
        } finally {
            benchmark.tearDown();
        }
    }

    @Test
    void planBenchmarksPlanAsAdminAndRewriteAsAnalyst() throws Exception {
        PlanBenchmark benchmark = new PlanBenchmark();
        benchmark.setUp();
        try {
            assertTrue(benchmark.planAsAdmin() > 0);
            assertTrue(benchmark.explainPrivacyAsAnalyst() > 0);
        } finally {
            benchmark.tearDown();
        }
    }
}
