package dev.veil.bench.tpch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Renders reports from hand-made results, to check the figures that the SF 0.01 run cannot always
 * produce: DP/raw ratios, the accuracy table and policy rejections (which need a Veil with DP-SQL),
 * and the clean "not available" cells of a Veil without it.
 */
class ReportTest {
    private static final LoadAverage LOAD = new LoadAverage(1, 1, 1);

    @Test
    void dpFiguresFillTheirColumnsAndTheAccuracyTable() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy/q01/groups", 4.0);
        metrics.put("accuracy/q01/eps=0.8/error", 0.0123);
        metrics.put("accuracy/q01/eps=0.8/released", 1.0);
        metrics.put("accuracy/q01/eps=0.1/error", 0.25);
        metrics.put("accuracy/q01/eps=0.1/released", 0.75);
        metrics.put("accuracy/q12o_count/groups", 1.0);
        metrics.put("accuracy/q18_sum/groups", 1.0);
        metrics.put("accuracy/q18_sum/eps=0.8/error", 0.000123);
        metrics.put("accuracy/q18_sum/eps=0.8/released", 1.0);
        metrics.put("accuracy/q18_sum/eps=0.1/error", 0.0015);
        metrics.put("accuracy/q18_sum/eps=0.1/released", 1.0);
        metrics.put("dp/raw/q01/median_ms", 150.0);
        metrics.put("dp/raw/q03/median_ms", 80.0);
        metrics.put("service/latency/runs", 200.0);
        metrics.put("service/latency/p50_ms", 4.5);
        metrics.put("service/latency/p99_ms", 12.0);
        metrics.put("service/qps/clients=1", 210.0);
        metrics.put("service/qps/clients=4", 390.0);
        metrics.put("service/qps/clients=16", 400.0);
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("accuracy/q12o_count", "skipped: 20 runs would take about 90 s, more than the 10 s left");
        notes.put("service/mode", "analyst bench_analyst, DP on");
        notes.put("service/query", ServiceProbe.QUERY);
        notes.put("dp/raw/q10", "VEIL-0001 INTERNAL: boom");
        EngineResult dp = engine(
                EngineId.VEIL_DP,
                Map.of("q01", 300.0, "q03", 100.0),
                Map.of("q10", "VEIL-0018 POLICY_VIOLATION: Query releases rows of 'customer'"),
                metrics,
                notes);
        BenchmarkResult result = result(List.of(
                engine(EngineId.VEIL, Map.of("q01", 200.0, "q03", 90.0, "q10", 100.0)),
                engine(EngineId.DUCKDB, Map.of("q01", 20.0, "q03", 9.0, "q10", 10.0)),
                dp));

        String markdown = MarkdownReport.of(result);
        // DP/raw is over the administrator's run of the same SQL, not over Veil's run of the query as written.
        assertTrue(markdown.contains("| q01 | 20.0 | n/a | 200 | n/a | 300 | 10.00 | n/a | 2.00 |"), markdown);
        assertTrue(markdown.contains("| q03 | 9.00 | n/a | 90.0 | n/a | 100 † | 10.00 | n/a | 1.25 |"), markdown);
        assertTrue(markdown.contains("| q10 | 10.0 | n/a | 100 | n/a | rejected | 10.00 | n/a | n/a |"), markdown);
        assertTrue(markdown.contains("| q01 | as written | 300 | 150 | 2.00 |"), markdown);
        assertTrue(markdown.contains("| q03 | count/sum variant | 100 | 80.0 | 1.25 |"), markdown);
        assertTrue(markdown.contains("| q10 | count/sum variant | rejected | failed | n/a |"), markdown);
        assertTrue(
                markdown.contains("- q03: `select count(*) as lines, sum(l_extendedprice * (1 - l_discount))"),
                markdown);
        assertTrue(markdown.contains("| q01 | customer | 4 | 1.23% | 100% | 25.00% | 75% |  |  |"), markdown);
        // R2T's published figures beside each count/sum variant, marked where R2T asked another question.
        assertTrue(
                markdown.contains(
                        "| q12o_count | orders | 1 | skipped | skipped | skipped | skipped | 0.023% ≠ | 0.204% ≠ |"),
                markdown);
        assertTrue(
                markdown.contains("| q18_sum | customer | 1 | 0.012% | 100% | 0.150% | 100% | 0.132% | 0.873% |"),
                markdown);
        assertTrue(markdown.contains("- q18: SUM(l_quantity) of customer ⋈ orders ⋈ lineitem"), markdown);
        assertTrue(markdown.contains("| latency p50 (200 runs, one client) | 4.50 ms |"), markdown);
        assertTrue(markdown.contains("| queries/s, 16 concurrent clients | 400 |"), markdown);
        assertTrue(markdown.contains("query q10 on Veil DP: VEIL-0018 POLICY_VIOLATION"), markdown);
        String json = JsonReport.of(result);
        assertTrue(json.contains("\"dp_over_raw\": 2.0"), json);
        assertTrue(json.contains("\"veil_dp_raw_median_millis\": 150.0"), json);
        assertTrue(json.contains("\"accuracy/q01/eps=0.8/error\": 0.0123"), json);
    }

    @Test
    void veilWithoutDpSaysSoInEveryDpCell() {
        EngineResult dp = engine(
                EngineId.VEIL_DP,
                Map.of(),
                Map.of(),
                Map.of(),
                Map.of(EngineResult.UNAVAILABLE, "DP not available: VEIL-0008 NOT_SUPPORTED"));
        BenchmarkResult result = result(List.of(engine(EngineId.VEIL, Map.of("q01", 200.0, "q10", 100.0)), dp));

        String markdown = MarkdownReport.of(result);
        assertTrue(
                markdown.contains("| q01 | n/a | n/a | 200 | n/a | n/a (DP not available) | n/a | n/a "
                        + "| n/a (DP not available) |"),
                markdown);
        assertTrue(markdown.contains("n/a (DP not available: VEIL-0008 NOT_SUPPORTED)"), markdown);
        assertTrue(markdown.contains("Veil DP did not run: DP not available"), markdown);
    }

    @Test
    void trimmedMeanDropsTheTwoHighestAndLowestRuns() {
        assertEquals(
                5.5,
                AccuracyProbe.trimmedMean(List.of(100.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, -50.0)
                        .subList(1, 11)),
                1e-12);
        assertEquals(2.0, AccuracyProbe.trimmedMean(List.of(1.0, 3.0)), 1e-12);
        assertTrue(Double.isNaN(AccuracyProbe.trimmedMean(List.of())));
    }

    @Test
    void theThinDriverIsComparedWithInProcessRunsInItsOwnJvm() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("jdbc/in-process/q01/median_ms", 200.0);
        metrics.put("jdbc/in-process/q03/median_ms", 100.0);
        EngineResult jdbc = engine(EngineId.VEIL_JDBC, Map.of("q01", 220.0, "q03", 100.0), Map.of(), metrics, Map.of());
        BenchmarkResult result = result(List.of(
                engine(EngineId.VEIL, Map.of("q01", 150.0, "q03", 90.0)),
                engine(EngineId.DUCKDB, Map.of("q01", 20.0, "q03", 9.0)),
                jdbc));

        String markdown = MarkdownReport.of(result);
        assertTrue(markdown.contains("## Thin driver: cost"), markdown);
        assertTrue(markdown.contains("| q01 | 200 | 220 | 1.10 |"), markdown);
        assertTrue(markdown.contains("| q03 | 100 | 100 | 1.00 |"), markdown);
        // sqrt(1.10 * 1.00)
        assertTrue(markdown.contains("| **geometric mean** |  |  | 1.05 |"), markdown);
        String json = JsonReport.of(result);
        assertTrue(json.contains("\"veil_jdbc_over_in_process_same_jvm\""), json);

        // Without the in-process figures (a report of an older run) there is no such table.
        BenchmarkResult older = result(
                List.of(engine(EngineId.VEIL, Map.of("q01", 150.0)), engine(EngineId.VEIL_JDBC, Map.of("q01", 220.0))));
        assertFalse(MarkdownReport.of(older).contains("## Thin driver: cost"));
    }

    private static EngineResult engine(EngineId id, Map<String, Double> millis) {
        return engine(id, millis, Map.of(), Map.of(), Map.of());
    }

    private static EngineResult engine(
            EngineId id,
            Map<String, Double> millis,
            Map<String, String> errors,
            Map<String, Double> metrics,
            Map<String, String> notes) {
        List<QueryTiming> timings = new java.util.ArrayList<>();
        for (String query : List.of("q01", "q03", "q10")) {
            if (millis.containsKey(query)) {
                long nanos = (long) (millis.get(query) * 1e6);
                timings.add(new QueryTiming(query, nanos, List.of(nanos, nanos, nanos), 4, Optional.empty(), false));
            } else if (errors.containsKey(query)) {
                timings.add(new QueryTiming(query, -1, List.of(), -1, Optional.of(errors.get(query)), false));
            }
        }
        return new EngineResult(id, id.label(), List.of(), timings, LOAD, LOAD, 1, metrics, notes);
    }

    private static BenchmarkResult result(List<EngineResult> engines) {
        TpchFiles files = new TpchFiles(Path.of("work"), Map.of(), true, 0);
        return new BenchmarkResult(
                Instant.EPOCH,
                0.01,
                3,
                10,
                30,
                List.of(),
                2,
                MachineInfo.current(),
                files,
                0,
                MeasuredQuery.named(List.of("q01", "q03", "q10")),
                engines,
                LOAD,
                LOAD,
                1,
                10,
                List.of(0.8, 0.1));
    }
}
