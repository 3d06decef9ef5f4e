package dev.veil.rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.sql.validate.SqlValidatorUtil;

/**
 * Rewrites a projection. Window functions over protected rows are rejected (they release a
 * result per row); expressions on protected rows are made safe; each expression's lineage is
 * computed; and when the user's projection drops every field holding the privacy unit, the unit
 * is carried along as an extra field after the user's.
 */
final class ProjectStep {
    private ProjectStep() {}

    static Piece apply(Project project, Piece in, RewriteContext ctx) {
        List<RelDataType> inputTypes = in.rel().getRowType().getFieldList().stream()
                .map(f -> f.getType())
                .toList();
        List<RexNode> exprs = new Retype(ctx.typeFactory(), inputTypes)
                .apply(project.getProjects()).stream()
                        .map(e -> IntervalFunctions.resolve(e, in.fields(), ctx.rexBuilder()))
                        .toList();
        if (in.isProtected() && exprs.stream().anyMatch(RexOver::containsOver)) {
            throw PrivacyErrors.windowOverProtected(in.unit().get());
        }
        for (RexNode e : exprs) {
            ExpressionChecks.check(e, in.fields(), ExpressionChecks.Use.PROJECTION, in.unit(), ctx.principal());
            if (RexOver.containsOver(e)) {
                for (int field : Lineage.inputs(e)) {
                    in.field(field).restrictions().stream().findFirst().ifPresent(r -> {
                        throw PrivacyErrors.restrictedUse(r, ctx.principal(), "in a window function");
                    });
                }
            }
        }
        if (in.isProtected()) {
            exprs = SafeExpressions.apply(ctx.rexBuilder(), inputTypes, exprs);
        }
        List<FieldInfo> fields = new ArrayList<>();
        for (RexNode e : exprs) {
            fields.add(Lineage.of(e, in.fields()).withInterval(OptionalInt.empty()));
        }
        List<String> names = new ArrayList<>(project.getRowType().getFieldNames());
        int width = exprs.size();
        Optional<UnitHandle> unit = in.unit();
        List<RexNode> all = new ArrayList<>(exprs);
        // A noisy value passed on unchanged keeps its confidence interval, in two extra fields.
        for (int i = 0; i < width; i++) {
            if (exprs.get(i) instanceof RexInputRef ref
                    && in.field(ref.getIndex()).interval().isPresent()) {
                int low = in.field(ref.getIndex()).interval().getAsInt();
                fields.set(i, fields.get(i).withInterval(OptionalInt.of(all.size())));
                for (int end = low; end <= low + 1; end++) {
                    all.add(RexInputRef.of(end, in.rel().getRowType()));
                    names.add(in.rel().getRowType().getFieldNames().get(end));
                    fields.add(FieldInfo.PUBLIC);
                }
            }
        }
        if (unit.isPresent()) {
            UnitHandle handle = unit.get();
            List<Integer> held = new ArrayList<>();
            for (int i = 0; i < exprs.size(); i++) {
                if (exprs.get(i) instanceof RexInputRef ref && handle.holds(ref.getIndex())) {
                    if (ref.getIndex() == handle.primary()) {
                        held.add(0, i);
                    } else {
                        held.add(i);
                    }
                }
            }
            if (held.isEmpty()) {
                held.add(all.size());
                all.add(RexInputRef.of(handle.primary(), in.rel().getRowType()));
                names.add(Projections.UNIT_FIELD);
                fields.add(in.field(handle.primary()));
            }
            unit = Optional.of(handle.withFields(held));
        }
        RelNode rel = LogicalProject.create(
                in.rel(), project.getHints(), all, SqlValidatorUtil.uniquify(names, true), project.getVariablesSet());
        return new Piece(rel, width, fields, unit);
    }
}
