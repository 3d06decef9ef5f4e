/**
 * Privacy rewrite: turns a validated logical plan ({@code RelNode}) into one whose output obeys
 * the principal's policies, and computes its privacy cost. Works on logical plans only and knows
 * nothing of execution or of the schema adapter: it emits the privacy operators of {@code plan}
 * and sees tables through {@code plan.StoredTable} and {@code plan.RestrictedTable}. Calls
 * {@code plan}, {@code policy}, {@code catalog} and {@code dp} (and, until row filters are compiled
 * in {@code policy}, {@code sql.parser}). Its rewrites are mandatory semantics, never optional
 * optimizer rules.
 *
 * <p>Map: {@link dev.veil.rewrite.PrivacyRewriter} is the entry; {@code PlanRewriter} walks the plan
 * bottom-up and hands each node to its step ({@code ScanStep}: policies on the scan;
 * {@code ProjectStep}, {@code FilterStep}, {@code JoinStep}, {@code SortStep}, {@code SetOpStep},
 * {@code AggregateStep}, {@code OtherStep}); {@code BoundaryRewrite} enforces the minimum group size
 * at the privacy boundary; {@code UnitResolver} looks privacy units up along foreign keys. Each
 * step records what it knows of its output in a {@code Piece}: per-field lineage
 * ({@code FieldInfo}) and the unit the rows belong to ({@code UnitHandle}). Expression-level rules
 * live in {@code ExpressionChecks} (uses), {@code UnitLineageRule} (a value derived from the
 * privacy unit meets only the same unit, in an equality), {@code JoinOnlyKeys} (a JOIN ONLY value
 * is matched only with governed keys, wherever values of rows are compared), {@code SafeExpressions}
 * (no data-dependent errors),
 * {@code ColumnPolicyExpressions} and {@code MaskFunctions} (masks, clamping).
 * {@code ScanConditions} puts the consent and retention conditions of a table on its scan, for
 * every principal, with the statement's {@link dev.veil.rewrite.ScanRules} (purpose, time, rules)
 * and the columns the statement reads from each table ({@link dev.veil.rewrite.ColumnUse}, on lineage).
 * {@link dev.veil.rewrite.ReleaseFingerprints} says what each DP aggregate of a rewritten plan
 * answers, for replaying stored releases (consistent answers).
 */
package dev.veil.rewrite;
