/**
 * Physical planning and execution: Calcite's enumerable convention over Veil's Arrow tables,
 * with projection and filter push-down into streaming scans; after Calcite's planning, aggregations
 * straight over a scan are fused into a vectorized operator ({@code VectorAggregates}) and hash
 * joins hand their build keys to probe-side scans ({@code DynamicFilterPlanner}). Also the
 * operators the privacy rewrite emits: the DP aggregate, the privacy unit lookup and the order of
 * released rows ({@code ReleaseOrder}); and the per-execution record of DP releases
 * ({@code DpReleases}: each DP aggregate draws its noise once per execution).
 * Each execution runs under a {@code StatementControl} (cancel flag, time limit, budget charges)
 * that {@code CancelChecks} makes every operator obey; {@code RunningStatements} lists them. The
 * cancel checks are also where a statement gives its CPU slot to a waiting one
 * ({@code exec.schedule.CpuScheduler}).
 * Every execution also accounts the memory its operators keep to a {@code StatementMemory} (limit
 * per statement, drawn from the process's {@code MemoryPool}); Calcite's blocking operators get
 * accounting nodes from {@code MemoryAccounting} just before they run.
 * Also the null-on-error form of any call ({@code SafeOperator}, with the size caps of
 * {@code SafeCalls}); {@code CheckedArithmetic} makes every plan's integer arithmetic fail on
 * overflow. Calls
 * {@code storage}, {@code catalog} and {@code dp}.
 */
package dev.veil.exec;
