/**
 * Aggregation: {@link dev.veil.exec.aggregate.VectorAggregates} replaces an aggregation straight
 * over a scan by an {@link dev.veil.exec.aggregate.ArrowAggregateScan}, which scans and aggregates
 * in one step over Arrow batches with primitive arithmetic ({@code VectorAggregation},
 * {@code VectorExpression}, {@code VectorAccumulator}, {@code GroupTable},
 * {@code StringDictionary}), and drops the groups that a HAVING-like comparison above it would
 * reject before building their rows ({@code GroupFilter}); {@link dev.veil.exec.aggregate.VectorInput} gives the DP aggregate of
 * {@code exec.privacy} a scan's rows as batches of group ids, keys and values evaluated the same
 * way, optionally joined with a small table's rows through a primitive index of their distinct keys
 * ({@link dev.veil.exec.aggregate.BuildKeys}), scanned on a second thread ahead of the consumer or
 * by two threads whose batches the consumer takes in scan order ({@code OrderedBatches}); {@link dev.veil.exec.aggregate.CheckedSums} makes the integer sums of
 * every aggregate and window of a plan exact (an overflow fails, or saturates under a privacy
 * boundary) just before it runs.
 *
 * <p>Calls {@code exec.scan}, {@code exec.runtime}, {@code plan} (to recognise privacy
 * boundaries), {@code schema}, {@code storage}, {@code catalog} and {@code control}.
 */
package dev.veil.exec.aggregate;
