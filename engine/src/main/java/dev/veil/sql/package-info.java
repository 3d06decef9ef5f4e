/**
 * SQL front end: Veil's Calcite parser (generated at build time from Calcite's
 * {@code Parser.jj} template with Veil's grammar added), the validator set-up, and the
 * executors of DDL and data statements ({@code CREATE}, {@code DROP}, {@code INSERT}, {@code COPY}).
 * Deny by default: {@link dev.veil.sql.StatementRegistry} is the one table from statement kind to
 * executor and required {@link dev.veil.sql.Privilege}; a kind without an entry is refused.
 */
package dev.veil.sql;
