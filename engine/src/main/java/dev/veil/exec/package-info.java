/**
 * Physical planning and execution: Calcite's enumerable convention over Veil's stored tables,
 * with projection and filter push-down into streaming scans ({@code ArrowTableScan},
 * {@code ArrowEnumerator}, {@code ScanPredicates}); after Calcite's planning
 * ({@link dev.veil.exec.Optimizer}), aggregations straight over a scan are fused into a vectorized
 * operator ({@code VectorAggregates}) and hash joins hand their build keys to probe-side scans
 * ({@code DynamicFilterPlanner}). The physical forms of the privacy operators of {@code plan}:
 * {@code EnumerableDpAggregate} (run by {@code DpAggregator}, with the accumulators
 * {@code DpAccumulators} builds from a {@code DpSpec}), {@code EnumerableUnitLookup} (over the
 * unit maps of {@code UnitMaps}) and {@code EnumerableReleaseOrder}, each converted by its rule;
 * and the per-execution record of DP releases ({@code DpReleases}: each DP aggregate draws its noise
 * once per execution). {@link dev.veil.exec.QueryExecution} runs a plan under the statement's
 * {@code control.StatementControl}, which {@code CancelChecks} makes every operator obey (the
 * cancel checks are also where a statement gives its CPU slot to a waiting one, see
 * {@code control.CpuScheduler}), and
 * accounts the memory its operators keep to the statement's {@code control.StatementMemory}
 * (Calcite's blocking operators get accounting nodes from {@code MemoryAccounting} just before
 * they run). {@link dev.veil.exec.ExecutionErrors} maps failures to Veil errors.
 *
 * <p>Calls {@code plan}, {@code schema} (the tables it reads), {@code control}, {@code storage},
 * {@code catalog} and {@code dp}; never the rewrite, the policies or anything above.
 */
package dev.veil.exec;
