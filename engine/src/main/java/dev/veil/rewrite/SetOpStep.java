package dev.veil.rewrite;

import dev.veil.policy.TableAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalUnion;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.validate.SqlValidatorUtil;

/**
 * Rewrites UNION, INTERSECT and EXCEPT. Over protected rows only UNION ALL is allowed (the others
 * compare rows of individual units); each input's unit is resolved and carried in one extra field,
 * NULL for the rows of unprotected inputs, which then count for no unit.
 */
final class SetOpStep {
    private SetOpStep() {}

    static Piece apply(SetOp op, List<Piece> inputs, RewriteContext ctx) {
        int width = op.getRowType().getFieldCount();
        Optional<UnitHandle> firstUnit =
                inputs.stream().flatMap(p -> p.unit().stream()).findFirst();
        if (firstUnit.isEmpty()) {
            JoinOnlyKeys.checkSetOp(op, inputs, width, ctx.principal());
            List<RelNode> rels = inputs.stream().map(p -> trim(p, width, ctx)).toList();
            return new Piece(op.copy(op.getTraitSet(), rels, op.all), width, merge(inputs, width), Optional.empty());
        }
        if (!(op instanceof Union) || !op.all) {
            String name = op.kind.sql + (op.all ? " ALL" : "");
            throw PrivacyErrors.distinctSetOperation(name, firstUnit.get());
        }
        List<Piece> resolved = new ArrayList<>();
        List<TableAccess> sources = new ArrayList<>();
        List<RelDataType> unitTypes = new ArrayList<>();
        for (Piece input : inputs) {
            if (input.unit().isPresent()) {
                UnitHandle unit = input.unit().get();
                if (!unit.domain().equals(firstUnit.get().domain())) {
                    throw PrivacyErrors.differentUnits(firstUnit.get(), unit);
                }
                Piece r = UnitResolver.resolve(input, ctx);
                resolved.add(r);
                unitTypes.add(r.rel()
                        .getRowType()
                        .getFieldList()
                        .get(r.unit().get().primary())
                        .getType());
                sources.addAll(unit.sources());
            } else {
                resolved.add(input);
            }
        }
        RelDataType common = ctx.typeFactory().leastRestrictive(unitTypes);
        if (common == null) {
            throw PrivacyErrors.unsupported(
                    "UNION ALL of inputs whose privacy units have different types", firstUnit.get());
        }
        RelDataType unitType = ctx.typeFactory().createTypeWithNullability(common, true);
        RexBuilder rex = ctx.rexBuilder();
        List<RelNode> rels = new ArrayList<>();
        for (Piece p : resolved) {
            List<RexNode> exprs = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < width; i++) {
                exprs.add(rex.makeInputRef(p.rel(), i));
                names.add(p.rel().getRowType().getFieldNames().get(i));
            }
            exprs.add(
                    p.unit().isPresent()
                            ? ColumnPolicyExpressions.conform(
                                    rex,
                                    rex.makeInputRef(p.rel(), p.unit().get().primary()),
                                    unitType)
                            : rex.makeNullLiteral(unitType));
            names.add(Projections.UNIT_FIELD);
            rels.add(
                    LogicalProject.create(p.rel(), List.of(), exprs, SqlValidatorUtil.uniquify(names, true), Set.of()));
        }
        RelNode union = LogicalUnion.create(rels, true);
        List<FieldInfo> fields = new ArrayList<>(merge(inputs, width));
        ColumnId domain = firstUnit.get().domain();
        fields.add(new FieldInfo(Set.of(), Optional.empty(), Set.of(new UnitOrigin(domain, domain)), false));
        UnitHandle unit =
                new UnitHandle(List.of(width), List.of(), firstUnit.get().domain(), sources);
        return new Piece(union, width, fields, Optional.of(unit));
    }

    /** The input's first {@code width} fields: an unprotected input carries no extra field, but stay exact. */
    private static RelNode trim(Piece p, int width, RewriteContext ctx) {
        if (p.rel().getRowType().getFieldCount() == width) {
            return p.rel();
        }
        List<RexNode> exprs = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            exprs.add(ctx.rexBuilder().makeInputRef(p.rel(), i));
        }
        return LogicalProject.create(
                p.rel(), List.of(), exprs, p.rel().getRowType().getFieldNames().subList(0, width), Set.of());
    }

    /** The lineage of each output field: everything any input's field at that position carries. */
    private static List<FieldInfo> merge(List<Piece> inputs, int width) {
        List<FieldInfo> fields = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            int position = i;
            List<FieldInfo> all = inputs.stream().map(p -> p.field(position)).toList();
            FieldInfo derived = FieldInfo.derived(all);
            Optional<ColumnId> identity = all.get(0).identity();
            boolean same = identity.isPresent()
                    && all.stream().allMatch(f -> f.identity().equals(identity));
            fields.add(new FieldInfo(
                    derived.restrictions(), same ? identity : Optional.empty(), derived.units(), derived.constant()));
        }
        return fields;
    }
}
