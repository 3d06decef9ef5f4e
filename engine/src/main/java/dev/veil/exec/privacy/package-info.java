/**
 * The physical forms of the privacy operators of {@code plan}, each converted by its rule ({@link
 * dev.veil.exec.privacy.PrivacyRules}): {@link dev.veil.exec.privacy.EnumerableDpAggregate} (run
 * by {@link dev.veil.exec.privacy.DpAggregator}, with the accumulators {@code DpAccumulators}
 * builds from a {@code DpSpec} over the primitives of {@code dp}; when its input is a filtered,
 * projected scan, possibly through unit lookups, {@link dev.veil.exec.privacy.DpBatches} has it read
 * the scan's Arrow batches instead, run by {@code DpBatchAggregator} with the same cells, samples and
 * release (kept rows as running totals per cell, {@code CellTotals} over a {@code RowLog}, when every
 * call takes one total per unit; a global aggregate's cells then numbered by unit value when the
 * last unit map's values are small; dynamic filters on its group keys from public key sets, placed by {@code
 * exec.join.DynamicFilterPlanner}, fixed when its scan starts; a scan that probes one inner hash
 * join's build side, a scan of a public table, through a primitive index of its keys, {@code
 * aggregate.BuildKeys}, read on the rows after all when those keys repeat; on a large input the release's accumulators fed and
 * their results drawn on two threads, the calls shared out by {@code ReleaseThreads}, each accumulator
 * taking the same values in the same order), and EXPLAIN shows {@code path=[batches of ...]} on it, else {@code path=[rows]}), {@link
 * dev.veil.exec.privacy.EnumerablePreSummedDpAggregate} (the same aggregate over rows a remote
 * database summed per (group, unit), run by {@link dev.veil.exec.privacy.PreSummedDpAggregator},
 * which clamps each unit's partial aggregate again; built by the optimizer, not by a rule), {@link
 * dev.veil.exec.privacy.EnumerableGroupSummedDpAggregate} (the same over one row per group whose
 * units' totals the remote turned into grid steps and summed, run by {@link
 * dev.veil.exec.privacy.GroupSummedDpAggregator}, which clamps each group's totals again), {@link
 * dev.veil.exec.privacy.EnumerableUnitLookup} (over the cached unit maps of {@code UnitMaps}) and
 * {@link dev.veil.exec.privacy.EnumerableReleaseOrder}; and the per-execution record of DP releases
 * ({@link dev.veil.exec.privacy.DpReleases}: each DP aggregate draws its noise once per execution,
 * and only if the statement was charged for it); and the consent conditions of an execution
 * ({@link dev.veil.exec.privacy.ConsentUnits}: per {@code plan.ConsentCall}, the units holding a
 * valid consent at the statement time, from {@code ConsentUnitSets}, cached per consent table
 * version and time window, and the unit maps along the path; an integral path composed by {@code
 * ConsentKeySets} into the one set of its first step's keys that lead to a consenting unit, probed
 * once per row by the scan, over a batch's key column at a time). The large chunks the batch
 * path's rows and the DP averages' kept values take are recycled from one run to the next by
 * {@code ArenaChunks}, within a share of the memory pool.
 *
 * <p>Calls {@code exec.aggregate} (its vector expressions, through {@code VectorInput}),
 * {@code exec.scan} (to read unit maps' tables), {@code exec.runtime}, {@code plan},
 * {@code dp}, {@code schema}, {@code storage}, {@code catalog} and {@code control}.
 */
package dev.veil.exec.privacy;
