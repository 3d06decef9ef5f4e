/**
 * SQL front end: Veil's Calcite parser (generated at build time from Calcite's
 * {@code Parser.jj} template with Veil's grammar added), the validator set-up, and the
 * executors of DDL and data statements ({@code CREATE}, {@code DROP}, {@code INSERT}, {@code COPY}).
 */
package dev.veil.sql;
