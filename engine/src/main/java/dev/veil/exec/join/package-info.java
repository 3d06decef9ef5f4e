/**
 * Joins: the estimates Veil's join ordering uses ({@link dev.veil.exec.join.JoinSelectivity},
 * {@link dev.veil.exec.join.SubsetDistinctRowCount}, {@link dev.veil.exec.join.SubsetPopulationSize}
 * (from which a semi join's rows are estimated), {@link dev.veil.exec.join.HashJoinCost}; the
 * selectivity estimate also stops join ordering once the statement is cancelled), the rules that
 * factor a filter's or an inner join's condition out of OR branches ({@link
 * dev.veil.exec.join.FilterFactorRule}, {@link dev.veil.exec.join.JoinFactorRule}), the hash join on one or two integer or DECIMAL keys held as
 * primitive longs ({@link dev.veil.exec.join.JoinKeys} scales DECIMAL ones; {@link dev.veil.exec.join.LongHashJoinRule} plans an {@link
 * dev.veil.exec.join.EnumerableLongHashJoin}, {@link dev.veil.exec.join.LongHashJoin} runs it), semi,
 * anti and left joins that hash the kept side instead ({@link dev.veil.exec.join.LongMarkJoinRule},
 * {@link dev.veil.exec.join.EnumerableLongMarkJoin}, {@link dev.veil.exec.join.LongMarkJoin}, in
 * the hash join's table; {@link dev.veil.exec.join.JoinCode} has both joins' code generation), the
 * rewrites of decorrelated EXISTS, IN and NOT EXISTS into semi and anti joins ({@link
 * dev.veil.exec.join.SemiJoinRules}: {@link dev.veil.exec.join.DistinctSemiJoinRule}, {@link
 * dev.veil.exec.join.MarkerAntiJoinRule}, and {@link dev.veil.exec.join.ValueGeneratorSemiJoinRule}
 * for a correlation other than equalities), the rewrite that counts a LEFT join's right side per key
 * before the join when only its COUNTs are wanted ({@link dev.veil.exec.join.LeftJoinCountRule},
 * TPC-H Q13), the rewrite that sums one side of an inner join per join key before the join when
 * every aggregate reads that side's values ({@link dev.veil.exec.join.JoinPreAggregateRule}, TPC-H
 * Q14: the sums run in the vectorized aggregation over the scan), a greedy, possibly bushy order of
 * a multi-join's inner joins offered beside Calcite's left-deep one ({@link
 * dev.veil.exec.join.GreedyJoinOrderRule}, TPC-H Q9), the planner step that puts a
 * single join's smaller input (by estimate) on its build side ({@link
 * dev.veil.exec.join.SmallerBuildSide}), the step that turns a join hashing an aggregation round
 * when the other side is smaller than the aggregation's input, the aggregation deferred until the
 * build side has published its keys ({@link dev.veil.exec.join.AggregateProbeSide}, {@link
 * dev.veil.exec.join.EnumerableDeferred}, TPC-H Q2), and
 * dynamic join filters: {@link dev.veil.exec.join.DynamicFilterPlanner} follows each hash join's
 * probe keys down to the scans (or an aggregation scan's group keys) they come from and puts a {@link
 * dev.veil.exec.join.DynamicFilterSource} on the build side, which publishes the key sets those
 * scans then filter on (not when the build side is a whole table, whose keys would skip nothing
 * on a foreign key); such a join instead reads its probe side first when that is a small scan
 * ({@link dev.veil.exec.join.ProbeBuffer}, {@link dev.veil.exec.join.BuildAfterProbe}, {@link
 * dev.veil.exec.join.ProbeKeysFirst}), and the probe keys filter the table's scan (TPC-H Q10's
 * customers); and, after them, the pass that turns an inner join whose build side's fields
 * are unused above, and whose probe side is a scan under the join's own filter, into a {@link
 * dev.veil.exec.scan.SemiJoinScan} ({@link dev.veil.exec.join.SemiJoinScans}, TPC-H Q11). The last
 * physical step ({@link dev.veil.exec.join.NestedLoopSpools}) puts an {@link
 * dev.veil.exec.join.EnumerableSpool} on the inner input of every nested-loop join that has no
 * correlation variable, which Calcite's join would otherwise compute again for each outer row
 * (uncorrelated scalar sub-queries, NOT IN, ALL, cross and non-equi joins): its rows are computed
 * once per execution, kept in the execution's state and accounted to the statement's memory.
 *
 * <p>Calls {@code exec.privacy} (a filter may pass a release order, and reach a DP aggregate's batch scan from public key sets), {@code exec.scan},
 * {@code exec.runtime}, {@code plan} (the privacy rewrite's null-on-error calls), {@code schema},
 * {@code catalog} and {@code control} (statement memory and
 * cancellation).
 */
package dev.veil.exec.join;
