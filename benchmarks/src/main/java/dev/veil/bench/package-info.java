/**
 * Veil's benchmarks: {@link dev.veil.bench.BenchMain} is the {@code veil bench} command; the
 * TPC-H data, queries and macro benchmark are in {@code dev.veil.bench.tpch}. Engines under test
 * are reached only through JDBC.
 */
package dev.veil.bench;
