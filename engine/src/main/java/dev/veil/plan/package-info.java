/**
 * The logical plan vocabulary Veil adds to Calcite's, owned by the privacy rewrite: what a
 * rewritten plan says, never how it runs. The privacy operators are {@code Convention.NONE}
 * nodes that no optimizer rule knows: {@link dev.veil.plan.DpAggregate} (a differentially private
 * aggregate, described by the plain values {@link dev.veil.plan.DpSpec} and
 * {@link dev.veil.plan.DpCall}), {@link dev.veil.plan.UnitLookup} (one step of a privacy unit
 * lookup) and {@link dev.veil.plan.ReleaseOrder} (the order of released rows). Expression-level:
 * {@link dev.veil.plan.SafeOperator}, the null-on-error form of any call (it carries its own code
 * generation, since Calcite finds a function's implementation on the operator; the size caps it
 * calls are in {@link dev.veil.plan.SafeCalls}), and {@link dev.veil.plan.CheckedArithmetic}, which
 * makes integer arithmetic fail on overflow, with {@link dev.veil.plan.CheckedFunction} (checked
 * ABS, ROUND and TRUNCATE, computed by {@link dev.veil.plan.CheckedMath}), and the scan conditions
 * of consent and retention, {@link dev.veil.plan.ConsentCall} (described by {@link
 * dev.veil.plan.ConsentSpec}, answered by the execution's {@link dev.veil.plan.ConsentKeys}) and
 * {@link dev.veil.plan.RetentionCall}, dynamic calls that compare with the execution's {@link
 * dev.veil.plan.StatementTime} (never a constant of the plan, so plans with them can be cached). Tables: {@link dev.veil.plan.StoredTable} (a stored
 * table, every column) and {@link dev.veil.plan.RestrictedTable} (a stored table as a principal
 * sees it), which the schema layer implements and the rewrite unwraps.
 *
 * <p>The physical forms of these nodes and the accumulators a {@code DpSpec} asks for live in
 * {@code exec}, which consumes this package. Depends on {@code dp} (noise scales for EXPLAIN
 * PRIVACY), {@code policy} and {@code catalog} (the values a restricted table carries), and Calcite.
 */
package dev.veil.plan;
