/**
 * The execution core every other part of {@code exec} uses: the context one executing statement's
 * generated code sees ({@link dev.veil.exec.runtime.ExecutionContext}: its clock, user, cancel flag
 * and memory account, and the per-execution state other packages keep in it through
 * {@link dev.veil.exec.runtime.ExecutionState}, so that the context knows none of them);
 * {@link dev.veil.exec.runtime.CancelChecks}, which makes every operator obey the statement's
 * {@code control.StatementControl} (the cancel checks are also where a statement gives its CPU
 * slot to a waiting one, see {@code control.CpuScheduler}); {@link
 * dev.veil.exec.runtime.MemoryAccounting}, which accounts the rows Calcite's blocking operators
 * keep to the statement's {@code control.StatementMemory} (with the estimates of {@link
 * dev.veil.exec.runtime.RowSizes}); {@link dev.veil.exec.runtime.ExecutionErrors}, which maps
 * failures to Veil errors; {@link dev.veil.exec.runtime.RuleConfig}, the configuration of
 * Veil's planner rules; and {@link dev.veil.exec.runtime.ProbeOrderedJoin}, the mark of a join
 * whose rows come in probe order, which {@code exec.privacy} reads through without depending on
 * {@code exec.join}.
 *
 * <p>Calls {@code control} and {@code dp} (to recognise its errors); no other package of
 * {@code exec}.
 */
package dev.veil.exec.runtime;
