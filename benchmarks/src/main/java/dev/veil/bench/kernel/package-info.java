/**
 * JMH micro-benchmarks of Veil's hot paths on a synthetic line-item table: scanning, filtering
 * and aggregating Arrow batches, and planning plus privacy rewriting of a query. They call the
 * storage layer directly or go through the embedded JDBC driver; {@code veil bench jmh} runs them.
 */
package dev.veil.bench.kernel;
