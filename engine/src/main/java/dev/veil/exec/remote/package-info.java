/**
 * Pushdown to remote databases: the scans of foreign tables, and the work over them that one
 * remote database can do, run there as one SQL statement per remote sub-plan (Calcite's JDBC
 * adapter: {@code JdbcConvention} with the PostgreSQL or Trino dialect, its rules and its SQL
 * generation).
 *
 * <p>Map: {@link dev.veil.exec.remote.RemoteScanRule} turns a logical scan of a foreign table
 * into a {@code RemoteScan} in the {@link dev.veil.exec.remote.RemoteConvention} of its remote
 * database; that convention's rules move the operators above it to the remote as far as they
 * can: Calcite's JDBC rules for sorts and unions, Veil's for filters, projections, joins and
 * aggregations, which push only what the remote computes as Veil does and cannot fail on where
 * Veil does not ({@link dev.veil.exec.remote.RemoteExpressions}: decimal digits, PostgreSQL's
 * floating-point overflow and underflow, widening casts; Veil's floating-point clamp written as a
 * {@code CASE} with the remote's NaN test). Veil's masks and null-on-error calls, and the privacy
 * operators of {@code plan} (DP aggregate, unit lookup, release order), always stay in Veil. {@code RemoteToEnumerableRule}
 * ends a remote sub-plan, and {@link dev.veil.exec.remote.RemoteQueries#seal} replaces each chosen
 * one by an {@link dev.veil.exec.remote.EnumerableRemoteQuery}: a leaf that holds the remote SQL,
 * which EXPLAIN shows, and runs it through {@link dev.veil.exec.remote.RemoteRows} (pooled
 * connection, cancel and time limit through {@code Statement.cancel}, no CPU run slot held while
 * the remote works, remote failures without the remote's message).
 * The privacy rewrite's consent and retention conditions on a foreign table's scan are written for
 * the remote with one statement parameter each ({@link dev.veil.exec.remote.RemoteConsentCall}: the
 * consenting units computed in Veil at the statement time; {@link
 * dev.veil.exec.remote.RemoteRetentionCall}: the first retained instant), which {@code RemoteRows}
 * binds per execution from the execution's context, so the plan holds only their {@code ?}.
 * {@link dev.veil.exec.remote.RemoteContributionBounds} then wraps the remote input of each DP
 * aggregate so the remote returns at most L0 groups per unit and Linf rows per (group, unit),
 * chosen by a keyed hash under a key drawn per execution and bound as a statement parameter, and,
 * when the aggregate's calls allow it, sums the kept rows per (group, unit) there too (in Trino in
 * one hash aggregation, without ranking every row): the
 * aggregate then becomes the one the optimizer hands over ({@code exec.privacy}'s pre-summed DP
 * aggregate, which clamps each unit's partial sums again and never trusts the remote's bounds).
 * For counts, sums and means with fixed bounds {@link dev.veil.exec.remote.RemoteGroupSums} adds
 * a second level: the remote turns each unit's total into integer steps of the noise grid as Veil
 * would and sums them per group exactly, so one row per group comes back, for {@code exec.privacy}'s
 * group-summed DP aggregate.
 *
 * <p>Uses {@code exec.runtime}, {@code schema} (the foreign tables), {@code storage} (the
 * connection pools), {@code plan} (the DP aggregate's spec) and {@code control}; the privacy
 * rewrite knows nothing of it.
 */
package dev.veil.exec.remote;
