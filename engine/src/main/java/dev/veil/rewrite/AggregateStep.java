package dev.veil.rewrite;

import dev.veil.policy.ColumnClass;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;

/**
 * Rewrites an aggregate. Over public rows it only checks restricted values (never grouped, and
 * aggregated only by the combining aggregates). Over protected rows it is either a per-unit step
 * (grouped by a field holding the privacy unit: its rows are still one unit's each, so the unit
 * is carried on and the next aggregate up decides) or the privacy boundary, which
 * {@link BoundaryRewrite} enforces.
 */
final class AggregateStep {
    private AggregateStep() {}

    static Piece apply(Aggregate aggregate, Piece in, RewriteContext ctx) {
        // A JOIN ONLY key may be grouped on (EXISTS and IN sub-queries do, to join on the distinct keys);
        // it stays JOIN ONLY above, and so do the aggregates computed per key.
        for (int key : aggregate.getGroupSet()) {
            in.field(key).restrictions().stream()
                    .filter(r -> r.columnClass() == ColumnClass.AGGREGATE_ONLY)
                    .findFirst()
                    .ifPresent(r -> {
                        throw PrivacyErrors.restrictedUse(r, ctx.principal(), "in GROUP BY");
                    });
            JoinOnlyKeys.checkGroupKey(in.field(key), ctx.principal());
        }
        List<AggregateCall> calls = Retype.aggregateCalls(
                aggregate.getAggCallList(), aggregate.getInput(), in.rel(), aggregate.getGroupCount());
        if (in.isProtected()) {
            UnitHandle unit = in.unit().get();
            if (aggregate.getGroupType() == Aggregate.Group.SIMPLE
                    && unit.fields().stream()
                            .anyMatch(f ->
                                    f < in.width() && aggregate.getGroupSet().get(f))) {
                return perUnit(aggregate, in, calls, unit, ctx);
            }
            return BoundaryRewrite.apply(aggregate, in, calls, ctx);
        }
        BoundaryFunctions.checkUnprotected(calls, in.fields(), ctx.principal());
        RelNode rel = aggregate.copy(
                aggregate.getTraitSet(), in.rel(), aggregate.getGroupSet(), aggregate.getGroupSets(), calls);
        return new Piece(
                rel, rel.getRowType().getFieldCount(), outputFields(aggregate, in, calls, false), Optional.empty());
    }

    /** An aggregate grouped by the unit: each output row is still one unit's, and keeps its unit. */
    private static Piece perUnit(
            Aggregate aggregate, Piece in, List<AggregateCall> calls, UnitHandle unit, RewriteContext ctx) {
        BoundaryFunctions.checkPerUnit(calls, in.fields(), unit, ctx.principal());
        RelNode rel = aggregate.copy(
                aggregate.getTraitSet(), in.rel(), aggregate.getGroupSet(), aggregate.getGroupSets(), calls);
        List<Integer> held = new ArrayList<>();
        List<Integer> keys = aggregate.getGroupSet().asList();
        for (int position = 0; position < keys.size(); position++) {
            if (unit.holds(keys.get(position))) {
                if (keys.get(position) == unit.primary()) {
                    held.add(0, position);
                } else {
                    held.add(position);
                }
            }
        }
        ctx.log()
                .rewrite("An aggregate grouped by the privacy unit of " + unit.tableNames()
                        + " is a per-unit step; the next aggregate above it is the privacy boundary");
        return new Piece(
                rel,
                rel.getRowType().getFieldCount(),
                outputFields(aggregate, in, calls, true),
                Optional.of(unit.withFields(held)));
    }

    /**
     * The lineage of an aggregate's output. Keys keep their restrictions (only JOIN ONLY ones get
     * this far) and, below a boundary, their unit lineage. A call's value derives from its
     * arguments while its rows are still one unit's (per unit), and is released at a boundary or
     * over public rows, where a value computed per JOIN ONLY key is as restricted as the key.
     */
    static List<FieldInfo> outputFields(Aggregate aggregate, Piece in, List<AggregateCall> calls, boolean perUnit) {
        List<FieldInfo> fields = new ArrayList<>();
        Set<ColumnRestriction> keyRestrictions = new HashSet<>();
        for (int key : aggregate.getGroupSet()) {
            FieldInfo info = in.field(key);
            keyRestrictions.addAll(info.restrictions());
            fields.add(perUnit ? info : new FieldInfo(info.restrictions(), info.identity(), Set.of(), info.constant()));
        }
        for (AggregateCall call : calls) {
            List<FieldInfo> args = call.getArgList().stream().map(in::field).toList();
            boolean constant = !args.isEmpty() && args.stream().allMatch(FieldInfo::constant);
            Set<ColumnRestriction> restrictions = new HashSet<>();
            Set<UnitOrigin> units = Set.of();
            if (perUnit) {
                FieldInfo derived = FieldInfo.derived(args);
                restrictions.addAll(derived.restrictions());
                units = derived.units();
            }
            if (!constant && !perUnit) {
                // Released per JOIN ONLY key: as restricted as the key. (Per unit, the rows stay protected
                // and the boundary above releases them.)
                restrictions.addAll(keyRestrictions);
            }
            // Even COUNT(*) per unit is that unit's data: never a constant.
            fields.add(new FieldInfo(restrictions, Optional.empty(), units, constant && !perUnit));
        }
        return fields;
    }
}
