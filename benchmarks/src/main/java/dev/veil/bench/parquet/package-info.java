/** {@code veil bench parquet}: Parquet loads and writes of TPC-H line items, Veil against DuckDB. */
package dev.veil.bench.parquet;
