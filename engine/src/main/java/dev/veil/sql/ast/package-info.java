/**
 * Syntax tree nodes of Veil's own statements: one {@link org.apache.calcite.sql.SqlCall}
 * subclass per statement kind ({@code CREATE TABLE}, {@code COPY}, the policy and principal
 * statements), built by the generated parser in {@code dev.veil.sql.parser}.
 *
 * <p>Nodes are immutable and only describe what was written: names are not resolved and
 * values are not checked against the catalog; the executors in {@code dev.veil.sql} do that.
 * Each node's {@code unparse} writes SQL that parses back to an equal node, except that
 * passwords are always written as {@code '***'}. Depends on Calcite only.
 */
package dev.veil.sql.ast;
