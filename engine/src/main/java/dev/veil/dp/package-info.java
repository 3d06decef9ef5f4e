/**
 * Differential-privacy primitives: secure noise, partition selection, bounded aggregations and
 * confidence intervals. A library: it depends on nothing else in Veil.
 *
 * <p>Map: samplers ({@code DiscreteLaplaceSampler}, {@code DiscreteGaussianSampler},
 * {@code ExactBernoulli}) draw exactly from uniform bits of one {@code SecureRandom}-backed source;
 * {@link dev.veil.dp.LaplaceMechanism} and {@link dev.veil.dp.GaussianMechanism} add their noise on
 * a power-of-two grid; {@link dev.veil.dp.GaussianCalibration} finds σ. Per-partition aggregations
 * ({@link dev.veil.dp.Count}, {@link dev.veil.dp.CountDistinctUnits},
 * {@link dev.veil.dp.BoundedSum}, {@link dev.veil.dp.BoundedMean},
 * {@link dev.veil.dp.BoundedVariance}, {@link dev.veil.dp.BoundedStdDev},
 * {@link dev.veil.dp.Quantiles}, {@link dev.veil.dp.ExponentialQuantile},
 * {@link dev.veil.dp.AutoBoundedSum}) accumulate values and release a {@link dev.veil.dp.DpResult}
 * once, with its confidence interval; {@link dev.veil.dp.ApproximateBounds} chooses a per-unit
 * contribution bound from a noisy histogram of the contributions; {@link dev.veil.dp.PartitionSelection} decides which groups
 * may appear; {@link dev.veil.dp.BudgetSplit} divides a query's (ε, δ). Aggregations are not
 * thread-safe (one per partition, or merge partial ones); mechanisms and selections are.
 * Invalid parameters raise {@link dev.veil.dp.DpException}. See {@code docs/dp-primitives.md}.
 */
package dev.veil.dp;
