package dev.veil.plan;

import static java.util.Objects.requireNonNull;

import dev.veil.dp.AggregationParams;
import dev.veil.dp.ApproximateBounds;
import dev.veil.dp.AutoBoundedSum;
import dev.veil.dp.AutoClampedStatistic;
import dev.veil.dp.BoundedMean;
import dev.veil.dp.BoundedSum;
import dev.veil.dp.BoundedVariance;
import dev.veil.dp.BudgetSplit;
import dev.veil.dp.Count;
import dev.veil.dp.CountDistinctUnits;
import dev.veil.dp.EpsilonDelta;
import dev.veil.dp.ExponentialQuantile;
import dev.veil.dp.NoiseDistribution;
import dev.veil.dp.NoiseKind;
import dev.veil.dp.ValueBounds;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Everything a {@link DpAggregate} does, fixed at planning time: the group keys and the privacy
 * unit among its input fields, the noisy aggregates, the contribution bounds, the (ε, δ) it may
 * spend and how that is split between the aggregates and partition selection.
 *
 * <p>A plain value: the physical operator builds the DP primitives from it, and EXPLAIN PRIVACY
 * reads their noise from {@code dev.veil.dp} ({@link #explain}).
 *
 * <p>Each aggregate gets an even share of ε and Laplace noise (PERCENTILE_CONT: the exponential
 * mechanism, half of its share for the value and a quarter for each end of its interval);
 * partition selection, needed when
 * the groups are not a public domain, gets one more share of ε and all of δ. A boundary with
 * neither an aggregate nor a selection to make (a global aggregate with no calls) releases
 * nothing about the data and spends nothing.
 *
 * @param groupKeys the input fields grouped by
 * @param unitField the input field holding the privacy unit
 * @param calls the noisy aggregates, in output order after the keys
 * @param maxGroupsPerUnit L0: groups one unit may contribute to
 * @param maxRowsPerUnitPerGroup Linf in rows: rows one unit may contribute to one group
 * @param partitionSelection whether groups must pass DP partition selection to be released
 * @param preThreshold the minimum number of units a group needs before selection (1: none)
 * @param epsilon the ε this boundary may spend
 * @param delta the δ this boundary may spend (used by partition selection only)
 * @param tables the protected tables, for EXPLAIN PRIVACY
 * @param domainMarker the input field that is TRUE on rows of the groups' public domain (which
 *     carry only key values and come after the data), or -1 when the groups are not a public domain
 * @param release the boundary's number within its statement, unique among the statement's DP
 *     boundaries (set with the budget, see {@link #withRelease}); -1 before it is set. An execution
 *     draws the noise of each number at most once and is charged for each number once
 *     ({@code DpReleases} of {@code exec})
 * @param autoBounds whether COUNT and SUM truncate each unit's contribution to a group at a bound
 *     chosen from the data ({@code CONTRIBUTION BOUNDS AUTO}, {@link AutoBoundedSum}) rather than
 *     at the declared one
 */
public record DpSpec(
        List<Integer> groupKeys,
        int unitField,
        List<DpCall> calls,
        int maxGroupsPerUnit,
        int maxRowsPerUnitPerGroup,
        boolean partitionSelection,
        long preThreshold,
        double epsilon,
        double delta,
        String tables,
        int domainMarker,
        int release,
        boolean autoBounds) {
    /** The confidence level of the released intervals. */
    public static final double INTERVAL_LEVEL = 0.95;

    public DpSpec {
        if (release < -1) {
            throw new IllegalArgumentException("release must be >= 0, or -1 when not set, was " + release);
        }
        if (domainMarker >= 0 && (partitionSelection || groupKeys.isEmpty())) {
            throw new IllegalArgumentException("groups of a public domain need no partition selection");
        }
        groupKeys = List.copyOf(requireNonNull(groupKeys, "groupKeys is null"));
        calls = List.copyOf(requireNonNull(calls, "calls is null"));
        requireNonNull(tables, "tables is null");
        if (unitField < 0) {
            throw new IllegalArgumentException("unitField must be >= 0, was " + unitField);
        }
        if (maxGroupsPerUnit < 1 || maxRowsPerUnitPerGroup < 1 || preThreshold < 1) {
            throw new IllegalArgumentException("contribution bounds and pre-threshold must be >= 1");
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite and > 0, was " + epsilon);
        }
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in [0, 1), was " + delta);
        }
        if (partitionSelection && delta == 0) {
            throw new IllegalArgumentException("partition selection needs delta > 0");
        }
    }

    /** A boundary with fixed contribution bounds. */
    public DpSpec(
            List<Integer> groupKeys,
            int unitField,
            List<DpCall> calls,
            int maxGroupsPerUnit,
            int maxRowsPerUnitPerGroup,
            boolean partitionSelection,
            long preThreshold,
            double epsilon,
            double delta,
            String tables,
            int domainMarker,
            int release) {
        this(
                groupKeys,
                unitField,
                calls,
                maxGroupsPerUnit,
                maxRowsPerUnitPerGroup,
                partitionSelection,
                preThreshold,
                epsilon,
                delta,
                tables,
                domainMarker,
                release,
                false);
    }

    /** The same boundary with contribution bounds chosen from the data ({@code auto}) or fixed. */
    public DpSpec withAutoBounds(boolean auto) {
        return new DpSpec(
                groupKeys,
                unitField,
                calls,
                maxGroupsPerUnit,
                maxRowsPerUnitPerGroup,
                partitionSelection,
                preThreshold,
                epsilon,
                delta,
                tables,
                domainMarker,
                release,
                auto);
    }

    /** Whether call {@code i} truncates contributions at a bound chosen from the data. */
    public boolean autoBounded(int i) {
        DpCall.Kind kind = calls.get(i).kind();
        return autoBounds
                && !calls.get(i).hasGroupBounds()
                && (kind == DpCall.Kind.COUNT_ROWS || kind == DpCall.Kind.COUNT_VALUES || kind == DpCall.Kind.SUM);
    }

    /**
     * For a call with contribution bounds per group: a sum over one value per unit and group (its
     * total, clamped to the group bounds), so its L1 sensitivity is L0 times the larger magnitude of
     * the group bounds.
     */
    public BoundedSum groupSum(BudgetSplit split, int i) {
        DpCall call = calls.get(i);
        return BoundedSum.create(
                AggregationParams.laplace(split.aggregations().get(i).epsilon(), groupsPerUnit(), 1),
                new ValueBounds(call.groupLower(), call.groupUpper()));
    }

    /**
     * Whether call {@code i} is an AVG, VAR_POP, STDDEV_POP or PERCENTILE_CONT whose value bounds are
     * chosen from the data ({@code CONTRIBUTION BOUNDS AUTO}, {@link AutoClampedStatistic}).
     */
    public boolean autoValueBounded(int i) {
        DpCall.Kind kind = calls.get(i).kind();
        return autoBounds
                && (kind == DpCall.Kind.AVG
                        || kind == DpCall.Kind.VAR_POP
                        || kind == DpCall.Kind.STDDEV_POP
                        || kind == DpCall.Kind.PERCENTILE_CONT);
    }

    /** The statistic of an automatically value-bounded call {@code i}. */
    public AutoClampedStatistic autoStatistic(BudgetSplit split, int i) {
        DpCall call = calls.get(i);
        if (call.kind() == DpCall.Kind.PERCENTILE_CONT) {
            return AutoClampedStatistic.quantile(params(split, i), bounds(i), call.rank(), call.wholeValues());
        }
        return AutoClampedStatistic.create(
                params(split, i),
                bounds(i),
                call.kind() == DpCall.Kind.AVG
                        ? AutoClampedStatistic.Statistic.MEAN
                        : AutoClampedStatistic.Statistic.VARIANCE);
    }

    /** The row bounds of an automatically bounded call {@code i}: a counted row is 1. */
    public ValueBounds rowBounds(int i) {
        return calls.get(i).kind().isCount() ? new ValueBounds(0, 1) : bounds(i);
    }

    /** A boundary not yet numbered within its statement. */
    public DpSpec(
            List<Integer> groupKeys,
            int unitField,
            List<DpCall> calls,
            int maxGroupsPerUnit,
            int maxRowsPerUnitPerGroup,
            boolean partitionSelection,
            long preThreshold,
            double epsilon,
            double delta,
            String tables,
            int domainMarker) {
        this(
                groupKeys,
                unitField,
                calls,
                maxGroupsPerUnit,
                maxRowsPerUnitPerGroup,
                partitionSelection,
                preThreshold,
                epsilon,
                delta,
                tables,
                domainMarker,
                -1);
    }

    /** A boundary whose groups are not a public domain. */
    public DpSpec(
            List<Integer> groupKeys,
            int unitField,
            List<DpCall> calls,
            int maxGroupsPerUnit,
            int maxRowsPerUnitPerGroup,
            boolean partitionSelection,
            long preThreshold,
            double epsilon,
            double delta,
            String tables) {
        this(
                groupKeys,
                unitField,
                calls,
                maxGroupsPerUnit,
                maxRowsPerUnitPerGroup,
                partitionSelection,
                preThreshold,
                epsilon,
                delta,
                tables,
                -1);
    }

    /** The same boundary with another (ε, δ) to spend. */
    public DpSpec withBudget(double newEpsilon, double newDelta) {
        return new DpSpec(
                groupKeys,
                unitField,
                calls,
                maxGroupsPerUnit,
                maxRowsPerUnitPerGroup,
                partitionSelection,
                preThreshold,
                newEpsilon,
                newDelta,
                tables,
                domainMarker,
                release,
                autoBounds);
    }

    /** The same boundary as number {@code number} of its statement. */
    public DpSpec withRelease(int number) {
        if (number < 0) {
            throw new IllegalArgumentException("number must be >= 0, was " + number);
        }
        return new DpSpec(
                groupKeys,
                unitField,
                calls,
                maxGroupsPerUnit,
                maxRowsPerUnitPerGroup,
                partitionSelection,
                preThreshold,
                epsilon,
                delta,
                tables,
                domainMarker,
                number,
                autoBounds);
    }

    /** Whether this boundary spends any budget at all. */
    public boolean spends() {
        return !calls.isEmpty() || partitionSelection;
    }

    /** How (ε, δ) is split; empty when the boundary spends nothing. */
    public Optional<BudgetSplit> split() {
        if (!spends()) {
            return Optional.empty();
        }
        return Optional.of(BudgetSplit.even(
                new EpsilonDelta(epsilon, partitionSelection ? delta : 0),
                Collections.nCopies(calls.size(), NoiseKind.LAPLACE),
                partitionSelection));
    }

    /** What the boundary spends; empty when it spends nothing. */
    public Optional<EpsilonDelta> spent() {
        return split().map(BudgetSplit::spent);
    }

    /** L0 as it applies: without GROUP BY every unit is in the one global group. */
    public int groupsPerUnit() {
        return groupKeys.isEmpty() ? 1 : maxGroupsPerUnit;
    }

    /** The parameters of call {@code i}: its budget share, L0 and Linf. */
    public AggregationParams params(BudgetSplit split, int i) {
        return AggregationParams.laplace(
                split.aggregations().get(i).epsilon(), groupsPerUnit(), maxRowsPerUnitPerGroup);
    }

    /** The value bounds of call {@code i}; null for the counts, which need none. */
    public ValueBounds bounds(int i) {
        DpCall call = calls.get(i);
        return call.kind().isCount() ? null : new ValueBounds(call.lower(), call.upper());
    }

    /** The noise one released statistic gets, for EXPLAIN PRIVACY: its name and distribution. */
    private record Noise(String statistic, NoiseDistribution distribution) {}

    /**
     * The noise of each statistic call {@code i} releases, read from the DP primitive that computes
     * it (its noise is fixed by its parameters, before any data is read).
     */
    private List<Noise> noise(BudgetSplit split, int i) {
        DpCall call = calls.get(i);
        AggregationParams params = params(split, i);
        ValueBounds bounds = bounds(i);
        if (call.hasGroupBounds()) {
            return List.of(new Noise(
                    call.kind().isCount() ? "count" : "sum", groupSum(split, i).noise()));
        }
        if (autoValueBounded(i)) {
            AutoClampedStatistic auto = autoStatistic(split, i);
            if (call.kind() == DpCall.Kind.PERCENTILE_CONT) {
                ExponentialQuantile.create(auto.statisticParams(), bounds, call.rank(), call.wholeValues());
                return List.of(); // the exponential mechanism chooses a value: no additive noise
            }
            if (call.kind() == DpCall.Kind.AVG) {
                BoundedMean mean = BoundedMean.create(auto.statisticParams(), bounds);
                return List.of(
                        new Noise("count", mean.countNoise()),
                        new Noise("sum (at the declared bounds, the widest)", mean.sumNoise()));
            }
            BoundedVariance variance = BoundedVariance.create(auto.statisticParams(), bounds);
            return List.of(
                    new Noise("count", variance.countNoise()),
                    new Noise("sum (at the declared bounds, the widest)", variance.sumNoise()),
                    new Noise("sum of squares (at the declared bounds)", variance.squaresNoise()));
        }
        if (autoBounded(i)) {
            AutoBoundedSum sum =
                    AutoBoundedSum.create(params, rowBounds(i), call.kind().isCount());
            return List.of(new Noise(
                    (call.kind().isCount() ? "count" : "sum") + " (at the declared bound, the largest)",
                    sum.noiseAt(AutoBoundedSum.declaredBound(params, rowBounds(i)))));
        }
        return switch (call.kind()) {
            case COUNT_ROWS, COUNT_VALUES ->
                List.of(new Noise("count", Count.create(params).noise()));
            case COUNT_UNITS ->
                List.of(new Noise(
                        "unit count", CountDistinctUnits.create(params).noise()));
            case SUM ->
                List.of(new Noise("sum", BoundedSum.create(params, bounds).noise()));
            case AVG -> {
                BoundedMean mean = BoundedMean.create(params, bounds);
                yield List.of(new Noise("count", mean.countNoise()), new Noise("sum", mean.sumNoise()));
            }
            case VAR_POP, STDDEV_POP -> {
                BoundedVariance variance = BoundedVariance.create(params, bounds);
                yield List.of(
                        new Noise("count", variance.countNoise()),
                        new Noise("sum", variance.sumNoise()),
                        new Noise("sum of squares", variance.squaresNoise()));
            }
            case PERCENTILE_CONT -> {
                ExponentialQuantile.create(params, bounds, call.rank(), call.wholeValues()); // checks the parameters
                yield List.of(); // no additive noise: the exponential mechanism chooses a value
            }
        };
    }

    /** How an automatically bounded call chooses its bound, for EXPLAIN PRIVACY. */
    private String autoExplanation(BudgetSplit split, int i) {
        AggregationParams params = params(split, i);
        ValueBounds rows = rowBounds(i);
        AutoBoundedSum sum =
                AutoBoundedSum.create(params, rows, calls.get(i).kind().isCount());
        ApproximateBounds choice = sum.bounds();
        String unitBound = number(AutoBoundedSum.declaredBound(params, rows));
        if (choice == null) {
            return "; contribution bounds AUTO: one candidate bound (" + unitBound + " per unit), nothing to choose";
        }
        List<Double> candidates = choice.candidates();
        return "; contribution bounds AUTO: each unit's contribution to a group is truncated at a bound chosen"
                + " from the data among " + candidates.size() + " candidates from " + number(candidates.get(0))
                + " to " + unitBound + " (doubling), by a noisy histogram of the contributions (approximate"
                + " bounds): epsilon " + number(params.epsilon() - sum.sumEpsilon()) + " ("
                + AutoBoundedSum.BOUND_SHARE_PERCENT + "% of this aggregate's) to the choice (noise scale "
                + number(choice.noise().scale()) + " per bin; the candidate of least estimated error, noise plus"
                + " truncation loss, is chosen), epsilon " + number(sum.sumEpsilon())
                + " to the noise of the truncated value";
    }

    /** How an automatically value-bounded call chooses its bounds, for EXPLAIN PRIVACY. */
    private String autoValueExplanation(BudgetSplit split, int i) {
        AutoClampedStatistic auto = autoStatistic(split, i);
        ApproximateBounds choice = auto.bounds();
        if (choice == null) {
            return "; value bounds AUTO: one candidate, nothing to choose";
        }
        List<Double> candidates = choice.candidates();
        return "; value bounds AUTO: values are clamped to the declared bounds narrowed to [-t, t], t chosen from the"
                + " data among " + candidates.size() + " candidates from " + number(candidates.get(0)) + " to "
                + number(candidates.get(candidates.size() - 1)) + " (doubling), by a noisy histogram of each unit's"
                + " largest |value| in the group (approximate bounds): epsilon "
                + number(params(split, i).epsilon() - auto.statisticEpsilon()) + " ("
                + AutoBoundedSum.BOUND_SHARE_PERCENT + "% of this aggregate's) to the choice (noise scale "
                + number(choice.noise().scale()) + " per bin), epsilon " + number(auto.statisticEpsilon())
                + " to the statistic";
    }

    /** What EXPLAIN PRIVACY says about this boundary: the budget split, sensitivities and noise per aggregate. */
    public List<String> explain() {
        List<String> lines = new java.util.ArrayList<>();
        lines.add("over " + tables + ": each privacy unit contributes at most " + maxRowsPerUnitPerGroup
                + " row(s) per group"
                + (autoBounds
                        ? " (COUNT and SUM: at most a bound chosen from the data; AVG, VAR_POP, STDDEV_POP,"
                                + " PERCENTILE_CONT: values within bounds chosen from the data)"
                        : "")
                + (groupKeys.isEmpty() ? "" : " and to at most " + maxGroupsPerUnit + " group(s)")
                + "; "
                + (partitionSelection
                        ? (groupKeys.isEmpty() ? "the one global row is" : "groups are")
                                + " released by DP partition selection"
                        : groupKeys.isEmpty()
                                ? "one global row, always released"
                                : "the groups are a public domain, all released"));
        Optional<BudgetSplit> split = split();
        if (split.isEmpty()) {
            lines.add("no noisy value and no group to select: spends nothing");
            return lines;
        }
        EpsilonDelta spent = split.get().spent();
        lines.add(String.format(
                java.util.Locale.ROOT,
                "budget: epsilon %s, delta %s, split evenly over %d part(s)",
                number(spent.epsilon()),
                number(spent.delta()),
                calls.size() + (partitionSelection ? 1 : 0)));
        for (int i = 0; i < calls.size(); i++) {
            DpCall call = calls.get(i);
            StringBuilder line = new StringBuilder(call.label())
                    .append(": epsilon ")
                    .append(number(split.get().aggregations().get(i).epsilon()))
                    .append(
                            call.kind() == DpCall.Kind.PERCENTILE_CONT
                                    ? ", exponential mechanism: half to the value, a quarter to each end of its"
                                            + " 95% interval"
                                    : ", Laplace noise");
            if (!call.kind().isCount()) {
                line.append(", values clamped to [")
                        .append(number(call.lower()))
                        .append(", ")
                        .append(number(call.upper()))
                        .append("]");
            }
            long linf = call.kind() == DpCall.Kind.COUNT_UNITS ? 1 : maxRowsPerUnitPerGroup;
            double magnitude = call.kind().isCount() ? 1 : Math.max(Math.abs(call.lower()), Math.abs(call.upper()));
            if (call.hasGroupBounds()) {
                line.append(", each unit's contribution to a group clamped to [")
                        .append(number(call.groupLower()))
                        .append(", ")
                        .append(number(call.groupUpper()))
                        .append("] (contribution_bounds_per_group)");
                linf = 1;
                magnitude = Math.max(Math.abs(call.groupLower()), Math.abs(call.groupUpper()));
            }
            if (call.kind() == DpCall.Kind.COUNT_ROWS
                    || call.kind() == DpCall.Kind.COUNT_VALUES
                    || call.kind() == DpCall.Kind.COUNT_UNITS
                    || call.kind() == DpCall.Kind.SUM) {
                line.append(", L1 sensitivity ").append(number(groupsPerUnit() * linf * magnitude));
            }
            for (Noise noise : noise(split.get(), i)) {
                line.append("; ")
                        .append(noise.statistic())
                        .append(" noise scale ")
                        .append(number(noise.distribution().scale()))
                        .append(" (95% within +/- ")
                        .append(number(noise.distribution().errorBound(INTERVAL_LEVEL)))
                        .append(")");
            }
            if (autoBounded(i)) {
                line.append(autoExplanation(split.get(), i));
            }
            if (autoValueBounded(i)) {
                line.append(autoValueExplanation(split.get(), i));
            }
            if (call.kind() == DpCall.Kind.AVG
                    || call.kind() == DpCall.Kind.VAR_POP
                    || call.kind() == DpCall.Kind.STDDEV_POP) {
                line.append("; the 95% interval of each value depends on its noisy count, see DP_INTERVAL_LOW/HIGH");
            }
            if (call.kind() == DpCall.Kind.PERCENTILE_CONT) {
                line.append(", L1 sensitivity of the rank ")
                        .append(number(groupsPerUnit() * linf * Math.max(call.rank(), 1 - call.rank())))
                        .append("; the 95% interval of each value depends on the data, see DP_INTERVAL_LOW/HIGH");
            }
            lines.add(line.toString());
        }
        split.get()
                .partitionSelection()
                .ifPresent(share -> lines.add("partition selection: epsilon "
                        + number(share.epsilon()) + ", delta " + number(share.delta())
                        + ", optimal rule (Desfontaines et al.)"
                        + (preThreshold > 1
                                ? ", only groups of at least " + preThreshold + " units (minimum group size)"
                                : "")));
        return lines;
    }

    private static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(java.util.Locale.ROOT, "%.4g", value);
    }
}
