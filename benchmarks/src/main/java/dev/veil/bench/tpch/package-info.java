/**
 * TPC-H for Veil: data generation (through the {@code io.trino.tpch} generators), the schema DDL,
 * loading into Veil or DuckDB over JDBC, and the 22 queries with the specification's validation
 * parameters. Used by the macro benchmark and by the differential tests in {@code sql-tests}.
 */
package dev.veil.bench.tpch;
