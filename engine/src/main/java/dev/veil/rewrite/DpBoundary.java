package dev.veil.rewrite;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.plan.DpAggregate;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import dev.veil.policy.ColumnClass;
import dev.veil.policy.DifferentialPrivacy;
import dev.veil.policy.MinGroupSize;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.metadata.RelColumnOrigin;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;

/**
 * The privacy boundary over a table with a differential-privacy policy: the aggregate becomes a
 * {@link DpAggregate} (contribution bounding, noise, partition selection), whose noisy values are
 * cast back to the types the query expects, with each value's confidence interval carried along
 * in extra fields for {@code DP_INTERVAL_LOW} and {@code DP_INTERVAL_HIGH}.
 *
 * <p>The budget each boundary gets is set once the whole query is rewritten (see
 * {@link PrivacyRewriter}); here it is the policy's cap.
 */
final class DpBoundary {
    private DpBoundary() {}

    static Piece apply(
            Aggregate aggregate,
            Piece in,
            List<AggregateCall> calls,
            DifferentialPrivacy dp,
            Optional<MinGroupSize> size,
            RewriteContext ctx) {
        UnitHandle unit = in.unit().orElseThrow();
        String tables = unit.tableNames();
        if (aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
            throw new VeilException(
                    ErrorCode.NOT_SUPPORTED,
                    "GROUPING SETS, ROLLUP and CUBE are not supported over " + "differentially private tables ("
                            + tables + "); run one query per grouping");
        }
        DpQueryOptions options = ctx.dpOptions();
        checkUnitColumn(options, unit, tables);
        int maxGroups = dp.maxGroupsPerUnit();
        if (options.maxGroupsContributed().isPresent()) {
            int asked = options.maxGroupsContributed().getAsInt();
            if (asked > maxGroups) {
                throw new VeilException(
                        ErrorCode.DP_OPTION_ABOVE_POLICY,
                        "max_groups_contributed = " + asked + " is above the MAX GROUPS PER UNIT of " + maxGroups
                                + " that the differential-privacy policy of " + tables
                                + " allows; ask for at most " + maxGroups);
            }
            maxGroups = asked;
        }
        Piece resolved = UnitResolver.resolve(in, ctx);
        int unitField = resolved.unit().orElseThrow().primary();
        List<String> inputNames = in.rel().getRowType().getFieldNames();
        List<DpCall> dpCalls = new ArrayList<>();
        for (AggregateCall call : calls) {
            dpCalls.add(groupBounded(call, dpCall(call, in, unit, inputNames, tables, ctx), in, dp, tables, ctx));
        }
        boolean grouped = aggregate.getGroupCount() > 0;
        long preThreshold = size.map(MinGroupSize::k).orElse(1);
        RelNode input = resolved.rel();
        Optional<RelNode> domainRows =
                PublicDomains.domainRows(input, in, aggregate.getGroupSet().asList(), ctx);
        int marker = -1;
        if (domainRows.isPresent()) {
            input = PublicDomains.union(input, domainRows.get(), ctx);
            marker = input.getRowType().getFieldCount() - 1;
        }
        // A minimum group size applies to the global row too: it is released only if DP partition
        // selection, after the pre-threshold, keeps it (so no row of fewer than k units ever leaves).
        boolean selection = grouped ? marker < 0 : preThreshold > 1;
        if (selection && dp.delta() == 0) {
            throw PrivacyErrors.invalidPolicy((grouped ? "Grouping over" : "A minimum group size on")
                    + " differentially private rows of " + tables
                    + " needs a DELTA above 0 in the table's DIFFERENTIAL PRIVACY policy, to choose which groups"
                    + " to release; ask an admin to set one");
        }
        DpSpec spec = new DpSpec(
                        aggregate.getGroupSet().asList(),
                        unitField,
                        dpCalls,
                        maxGroups,
                        dp.maxRowsPerUnitPerGroup(),
                        selection,
                        preThreshold,
                        dp.epsilon(),
                        selection ? dp.delta() : 0,
                        tables,
                        marker)
                .withAutoBounds(options.autoBounds().orElse(dp.autoBounds()));
        boolean auto = spec.autoBounds();
        DpAggregate dpRel = narrowed(input, spec);
        ctx.log()
                .rewrite("Aggregate over protected rows of " + tables + " is differentially private: each "
                        + unit.domain() + " contributes at most " + dp.maxRowsPerUnitPerGroup() + " row(s) per group"
                        + (grouped ? " and to at most " + maxGroups + " group(s)" : "")
                        + (selection
                                ? "; groups are released by DP partition selection"
                                        + (preThreshold > 1 ? " after a minimum of " + preThreshold + " units" : "")
                                : "")
                        + (marker >= 0 ? "; the groups are the public domain of the GROUP BY keys, each released" : "")
                        + (auto
                                ? "; COUNT and SUM truncate each unit's contribution at a bound chosen from the data, AVG,"
                                        + " VAR_POP and STDDEV_POP clamp values to bounds chosen from the data"
                                : "")
                        + "; every aggregate gets Laplace noise (see the DP section)");
        return released(aggregate, in, calls, dpRel, ctx);
    }

    /**
     * The DP aggregate of {@code spec} over only the fields of {@code input} it reads (group keys,
     * unit, arguments, FILTER fields, public-domain marker), in their order. Without this, an
     * aggregate reading no column, such as {@code COUNT(*)} over a join, would sit on the join's
     * every column: no optimizer rule knows the DP aggregate, so nothing would trim them, and every
     * hash join below would hold whole rows of every table (TPC-H Q7's count ran out of memory).
     */
    static DpAggregate narrowed(RelNode input, DpSpec spec) {
        Set<Integer> used = new TreeSet<>(spec.groupKeys());
        used.add(spec.unitField());
        for (DpCall call : spec.calls()) {
            if (call.argument() >= 0) {
                used.add(call.argument());
            }
            if (call.filter() >= 0) {
                used.add(call.filter());
            }
        }
        if (spec.domainMarker() >= 0) {
            used.add(spec.domainMarker());
        }
        int width = input.getRowType().getFieldCount();
        if (used.size() == width) {
            return DpAggregate.create(input, spec);
        }
        int[] position = new int[width];
        Arrays.fill(position, -1);
        List<RexNode> exprs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        RexBuilder rex = input.getCluster().getRexBuilder();
        for (int field : used) {
            position[field] = exprs.size();
            exprs.add(rex.makeInputRef(input, field));
            names.add(input.getRowType().getFieldNames().get(field));
        }
        List<DpCall> calls = new ArrayList<>();
        for (DpCall c : spec.calls()) {
            calls.add(new DpCall(
                    c.kind(),
                    c.argument() < 0 ? -1 : position[c.argument()],
                    c.filter() < 0 ? -1 : position[c.filter()],
                    c.lower(),
                    c.upper(),
                    c.rank(),
                    c.integral(),
                    c.label(),
                    c.wholeValues(),
                    c.groupLower(),
                    c.groupUpper()));
        }
        DpSpec narrow = new DpSpec(
                spec.groupKeys().stream().map(k -> position[k]).toList(),
                position[spec.unitField()],
                calls,
                spec.maxGroupsPerUnit(),
                spec.maxRowsPerUnitPerGroup(),
                spec.partitionSelection(),
                spec.preThreshold(),
                spec.epsilon(),
                spec.delta(),
                spec.tables(),
                spec.domainMarker() < 0 ? -1 : position[spec.domainMarker()],
                spec.release(),
                spec.autoBounds());
        return DpAggregate.create(LogicalProject.create(input, List.of(), exprs, names, Set.of()), narrow);
    }

    /**
     * Refuses a {@code privacy_unit_column} that is not the declared privacy unit of the rows: the
     * column's name (qualified or not) must be the unit column of their unit path.
     */
    private static void checkUnitColumn(DpQueryOptions options, UnitHandle unit, String tables) {
        if (options.privacyUnitColumn().isEmpty()) {
            return;
        }
        List<String> named = options.privacyUnitColumn().get();
        ColumnId declared = unit.domain();
        boolean column = named.get(named.size() - 1).equalsIgnoreCase(declared.column());
        boolean table = named.size() < 2
                || named.get(named.size() - 2).equalsIgnoreCase(declared.table().table())
                || unit.sources().stream()
                        .anyMatch(s -> s.table().table().equalsIgnoreCase(named.get(named.size() - 2)));
        if (!column || !table) {
            throw new VeilException(
                    ErrorCode.DP_WRONG_PRIVACY_UNIT,
                    "privacy_unit_column = " + String.join(".", named) + " is not the privacy unit of " + tables
                            + ", which is " + declared + " (declared by the table's PRIVACY UNIT policy); name it,"
                            + " or leave privacy_unit_column out");
        }
    }

    /** {@code dpCall} with the contribution bounds per group its argument is marked with, if any. */
    private static DpCall groupBounded(
            AggregateCall call, DpCall dpCall, Piece in, DifferentialPrivacy dp, String tables, RewriteContext ctx) {
        if (call.getArgList().size() != 1) {
            return dpCall;
        }
        int arg = call.getArgList().get(0);
        Optional<double[]> bounds = GroupBounds.at(in.rel(), arg);
        if (bounds.isEmpty()) {
            return dpCall;
        }
        ctx.readGroupBounds();
        DpCall base = dpCall;
        if (base.kind() == DpCall.Kind.COUNT_VALUES && GroupBounds.countsRows(in.rel(), arg)) {
            base = DpCall.count(DpCall.Kind.COUNT_ROWS, -1, base.filter(), "COUNT(*)");
        }
        if (base.kind() != DpCall.Kind.COUNT_ROWS
                && base.kind() != DpCall.Kind.COUNT_VALUES
                && base.kind() != DpCall.Kind.SUM) {
            throw new VeilException(
                    ErrorCode.NOT_SUPPORTED, "contribution_bounds_per_group applies to COUNT and SUM only");
        }
        // What one unit can add to a group anyway: at most Linf rows, each within the value bounds.
        long linf = dp.maxRowsPerUnitPerGroup();
        double low = base.kind().isCount() ? 0 : linf * Math.min(base.lower(), 0);
        double high = base.kind().isCount() ? linf : linf * Math.max(base.upper(), 0);
        double lo = Math.max(bounds.get()[0], low);
        double hi = Math.min(bounds.get()[1], high);
        if (lo > hi) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "contribution_bounds_per_group => (" + bounds.get()[0] + ", " + bounds.get()[1] + ") of "
                            + base.label() + " does not meet what one unit can contribute to a group of " + tables
                            + " under its policy, [" + low + ", " + high + "]");
        }
        return base.withGroupBounds(lo, hi);
    }

    private static DpCall dpCall(
            AggregateCall call, Piece in, UnitHandle unit, List<String> names, String tables, RewriteContext ctx) {
        SqlKind kind = call.getAggregation().getKind();
        String name = call.getAggregation().getName().toUpperCase(java.util.Locale.ROOT);
        List<Integer> args = call.getArgList();
        for (int arg : args) {
            for (ColumnRestriction r : in.field(arg).restrictions()) {
                if (r.columnClass() == ColumnClass.JOIN_ONLY) {
                    throw PrivacyErrors.restrictedUse(r, ctx.principal(), "inside " + name);
                }
            }
        }
        String label = name + "(" + (call.isDistinct() ? "DISTINCT " : "")
                + (args.isEmpty()
                        ? "*"
                        : String.join(", ", args.stream().map(names::get).toList())) + ")";
        int filter = call.filterArg;
        if (kind == SqlKind.COUNT) {
            if (args.isEmpty()) {
                return DpCall.count(DpCall.Kind.COUNT_ROWS, -1, filter, label);
            }
            if (args.size() == 1 && call.isDistinct() && unit.holds(args.get(0))) {
                return DpCall.count(DpCall.Kind.COUNT_UNITS, args.get(0), filter, label);
            }
            if (call.isDistinct()) {
                throw new VeilException(
                        ErrorCode.NOT_SUPPORTED,
                        label + " over differentially private rows of "
                                + tables
                                + " is not supported: COUNT(DISTINCT ...) is supported only on the privacy unit ("
                                + unit.domain() + ")");
            }
            if (args.size() != 1) {
                throw new VeilException(
                        ErrorCode.NOT_SUPPORTED,
                        label + " with several arguments is not supported " + "over differentially private rows of "
                                + tables);
            }
            return DpCall.count(DpCall.Kind.COUNT_VALUES, args.get(0), filter, label);
        }
        DpCall.Kind dpKind = switch (kind) {
            case SUM, SUM0 -> DpCall.Kind.SUM;
            case AVG -> DpCall.Kind.AVG;
            case VAR_POP -> DpCall.Kind.VAR_POP;
            case STDDEV_POP -> DpCall.Kind.STDDEV_POP;
            case PERCENTILE_CONT -> DpCall.Kind.PERCENTILE_CONT;
            default -> throw forbidden(name, unit);
        };
        if (call.isDistinct()) {
            throw new VeilException(
                    ErrorCode.NOT_SUPPORTED,
                    label + " over differentially private rows of " + tables + " is not supported; drop DISTINCT");
        }
        double rank = 0;
        int arg;
        if (dpKind == DpCall.Kind.PERCENTILE_CONT) {
            if (call.getCollation().getFieldCollations().size() != 1) {
                throw new VeilException(
                        ErrorCode.NOT_SUPPORTED,
                        "PERCENTILE_CONT over differentially private rows" + " of " + tables
                                + " needs WITHIN GROUP (ORDER BY one column)");
            }
            arg = call.getCollation().getFieldCollations().get(0).getFieldIndex();
            rank = percentileRank(call, in, tables);
            label = "PERCENTILE_CONT(" + rank + ") WITHIN GROUP (ORDER BY " + names.get(arg) + ")";
        } else {
            if (args.size() != 1) {
                throw new VeilException(
                        ErrorCode.NOT_SUPPORTED,
                        label + " is not supported over differentially " + "private rows of " + tables);
            }
            arg = args.get(0);
        }
        FieldInfo info = in.field(arg);
        if (info.unitDerived()) {
            throw PrivacyErrors.unitInAggregate(unit, name);
        }
        ValueRange range = info.range();
        if (!range.bounded()) {
            throw new VeilException(
                    ErrorCode.POLICY_VIOLATION,
                    label + " over differentially private rows of "
                            + tables + " needs bounds on its argument to calibrate the noise; "
                            + boundsAdvice(in.rel(), arg));
        }
        RelDataType type = call.getType();
        boolean integral =
                dpKind == DpCall.Kind.SUM && SqlTypeFamily.EXACT_NUMERIC.contains(type) && type.getScale() <= 0;
        RelDataType argType = in.rel().getRowType().getFieldList().get(arg).getType();
        boolean wholeValues = SqlTypeFamily.EXACT_NUMERIC.contains(argType) && argType.getScale() <= 0;
        return new DpCall(dpKind, arg, filter, range.low(), range.high(), rank, integral, label, wholeValues);
    }

    private static VeilException forbidden(String name, UnitHandle unit) {
        return PrivacyErrors.forbiddenAggregate(name, unit, "COUNT, SUM, AVG, VAR_POP, STDDEV_POP or PERCENTILE_CONT");
    }

    /** The rank of a PERCENTILE_CONT: its one argument, a literal. */
    private static double percentileRank(AggregateCall call, Piece in, String tables) {
        RelNode rel = in.rel();
        if (call.getArgList().size() == 1 && rel instanceof LogicalProject project) {
            RexNode e = project.getProjects().get(call.getArgList().get(0));
            if (e instanceof RexLiteral literal && literal.getValueAs(Double.class) != null) {
                double rank = literal.getValueAs(Double.class);
                if (rank >= 0 && rank <= 1) {
                    return rank;
                }
            }
        }
        if (!call.rexList.isEmpty()
                && call.rexList.get(0) instanceof RexLiteral literal
                && literal.getValueAs(Double.class) != null) {
            return literal.getValueAs(Double.class);
        }
        throw new VeilException(
                ErrorCode.NOT_SUPPORTED,
                "PERCENTILE_CONT over differentially private rows of " + tables
                        + " needs a constant rank between 0 and 1");
    }

    /** Which columns need bounds: the stored columns the argument comes from, without bounds. */
    private static String boundsAdvice(RelNode rel, int field) {
        Set<String> columns = new LinkedHashSet<>();
        try {
            Set<RelColumnOrigin> origins = RelMetadataQuery.instance().getColumnOrigins(rel, field);
            if (origins != null) {
                for (RelColumnOrigin origin : origins) {
                    List<String> qualified = origin.getOriginTable().getQualifiedName();
                    String column =
                            origin.getOriginTable().getRowType().getFieldNames().get(origin.getOriginColumnOrdinal());
                    columns.add(String.join(".", qualified.subList(Math.max(0, qualified.size() - 2), qualified.size()))
                            + "." + column);
                }
            }
        } catch (RuntimeException e) {
            // No origin known: the advice stays general.
        }
        if (columns.isEmpty()) {
            return "clamp it into constant bounds, or ask an admin to set AGGREGATE ONLY BOUNDS (lo, hi) on the "
                    + "columns it is computed from";
        }
        return "ask an admin to set ALTER TABLE ... ALTER COLUMN ... SET POLICY AGGREGATE ONLY BOUNDS (lo, hi) on "
                + String.join(", ", columns) + " (the argument's range is derived from those bounds)";
    }

    /** The user's aggregate output over the DP aggregate: keys, values cast back, then the interval fields. */
    private static Piece released(
            Aggregate aggregate, Piece in, List<AggregateCall> calls, DpAggregate dp, RewriteContext ctx) {
        RexBuilder rex = ctx.rexBuilder();
        int keys = aggregate.getGroupCount();
        List<RelDataType> types = aggregate.getRowType().getFieldList().stream()
                .map(f -> f.getType())
                .toList();
        List<RexNode> exprs = new ArrayList<>();
        List<String> names = new ArrayList<>(aggregate.getRowType().getFieldNames());
        for (int i = 0; i < keys; i++) {
            exprs.add(ColumnPolicyExpressions.conform(rex, rex.makeInputRef(dp, i), types.get(i)));
        }
        for (int c = 0; c < calls.size(); c++) {
            RexNode value = rex.makeInputRef(dp, keys + c);
            exprs.add(rex.makeCast(types.get(keys + c), value, true, false));
        }
        List<FieldInfo> fields = new ArrayList<>(AggregateStep.outputFields(aggregate, in, calls, false));
        for (int c = 0; c < calls.size(); c++) {
            int low = exprs.size();
            exprs.add(rex.makeInputRef(dp, dp.intervalField(c)));
            exprs.add(rex.makeInputRef(dp, dp.intervalField(c) + 1));
            names.add("$low" + c);
            names.add("$high" + c);
            fields.set(keys + c, fields.get(keys + c).withInterval(OptionalInt.of(low)));
            fields.add(FieldInfo.PUBLIC);
            fields.add(FieldInfo.PUBLIC);
        }
        RelNode rel = LogicalProject.create(
                dp, List.of(), exprs, org.apache.calcite.sql.validate.SqlValidatorUtil.uniquify(names, true), Set.of());
        return new Piece(rel, aggregate.getRowType().getFieldCount(), fields, Optional.empty());
    }
}
