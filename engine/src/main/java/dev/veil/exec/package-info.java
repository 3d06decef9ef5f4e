/**
 * Physical planning and execution, its two entry points: {@link dev.veil.exec.Optimizer} turns
 * logical plans into executable ones (Calcite's enumerable convention over Veil's stored tables,
 * chosen by Calcite's Volcano planner with Veil's rules; then aggregations straight over a scan
 * are fused into a vectorized operator, hash joins hand their build keys to probe-side scans, and
 * the inner input of a nested-loop join that does not depend on the outer row is spooled once),
 * and {@link dev.veil.exec.QueryExecution} compiles a physical plan (once, for any number of
 * executions: {@code QueryExecution.Compiled}) and runs it, each execution with its own context,
 * once its differentially private aggregates are exactly those the statement was charged for.
 *
 * <p>The machinery is in sub-packages, one concern each, whose dependencies point one way (no
 * cycles; {@code ArchitectureTest} checks both):
 *
 * <ul>
 *   <li>{@link dev.veil.exec.runtime}: the execution core the others use: the execution context,
 *       cancel checks, memory accounting, error translation. Uses no other sub-package.
 *   <li>{@link dev.veil.exec.scan}: the streaming scan of stored tables with its push-down rules,
 *       predicates and dynamic filters. Uses {@code runtime}.
 *   <li>{@link dev.veil.exec.aggregate}: the vectorized aggregation fused over scans and the
 *       checked integer sums of every aggregate. Uses {@code scan} and {@code runtime}.
 *   <li>{@link dev.veil.exec.privacy}: the physical forms of the privacy operators of {@code plan}
 *       (DP aggregate, unit lookup, release order) and the per-execution record of DP releases.
 *       Uses {@code scan} and {@code runtime}.
 *   <li>{@link dev.veil.exec.join}: join planning: join cost and selectivity estimates, the
 *       factoring of OR conditions, the placing of dynamic join filters, the spools of nested-loop
 *       joins' inner inputs. Uses {@code privacy},
 *       {@code scan} and {@code runtime}.
 * </ul>
 *
 * <p>This package calls its sub-packages, {@code plan} and {@code control}; all of {@code exec}
 * calls only {@code plan}, {@code schema} (the tables it reads), {@code control},
 * {@code storage}, {@code catalog} and {@code dp}; never the rewrite, the policies or anything
 * above. No sub-package calls this one.
 */
package dev.veil.exec;
