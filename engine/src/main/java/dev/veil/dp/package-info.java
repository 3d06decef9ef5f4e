/**
 * Differential-privacy primitives: secure noise, partition selection, bounded aggregations and
 * confidence intervals. A library: it depends on nothing else in Veil.
 */
package dev.veil.dp;
