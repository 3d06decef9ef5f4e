/**
 * Join planning: the estimates Veil's join ordering uses ({@link
 * dev.veil.exec.join.JoinSelectivity}, {@link dev.veil.exec.join.SubsetDistinctRowCount}, {@link
 * dev.veil.exec.join.HashJoinCost}), the rule that factors a join condition out of OR branches
 * ({@link dev.veil.exec.join.FilterFactorRule}), and dynamic join filters: {@link
 * dev.veil.exec.join.DynamicFilterPlanner} follows each hash join's probe keys down to the scans
 * they come from and puts a {@link dev.veil.exec.join.DynamicFilterSource} on the build side, which
 * publishes the key sets those scans then filter on.
 *
 * <p>Calls {@code exec.privacy} (a filter may pass a release order), {@code exec.scan},
 * {@code exec.runtime}, {@code schema} and {@code catalog}.
 */
package dev.veil.exec.join;
