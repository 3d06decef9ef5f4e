/**
 * The scan of stored tables: {@link dev.veil.exec.scan.ArrowTableScan} streams a table version's
 * Arrow segments batch by batch ({@code ArrowEnumerator}), loading only the columns it needs,
 * evaluating the filter pushed into it ({@link dev.veil.exec.scan.ScanPredicates} compiles what a
 * scan can evaluate on a batch; {@link dev.veil.exec.scan.LikePattern} matches LIKE patterns on a
 * batch's UTF-8 bytes) and skipping rows that a dynamic join filter rejects ({@link
 * dev.veil.exec.scan.DynamicFilters}: the key sets hash joins publish while a statement runs,
 * kept in the execution's context; {@link dev.veil.exec.scan.KeySet}; the operators that take them
 * are {@link dev.veil.exec.scan.DynamicFilterTarget}s: the scan, and the aggregation fused over a
 * scan on its group keys). The consent and retention
 * conditions of {@code plan} ({@code ConsentCall}, {@code RetentionCall}) are evaluated there too,
 * against the execution's context (its statement time and consent keys). {@link
 * dev.veil.exec.scan.ArrowRules} are the rules that plan scans and push projections and filters
 * into them; {@link dev.veil.exec.scan.VectorValues} and {@link dev.veil.exec.scan.LongColumns}
 * read Arrow vectors, for the scan and for the operators that read tables themselves; {@link
 * dev.veil.exec.scan.SemiJoinScan} reads a scan under a dynamic filter made exact, in place of an
 * inner join with another input's unique keys (which it checks as it collects them).
 *
 * <p>Calls {@code exec.runtime}, {@code schema} (the tables it reads), {@code storage},
 * {@code catalog} and {@code control}.
 */
package dev.veil.exec.scan;
