package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;

/**
 * Walks a plan bottom-up and hands each node to the step for its kind, which rebuilds it over
 * the rewritten inputs and checks it. A node shared by several parents is rewritten once.
 */
final class PlanRewriter {
    private final RewriteContext ctx;
    private final Map<RelNode, Piece> done = new IdentityHashMap<>();

    PlanRewriter(RewriteContext ctx) {
        this.ctx = requireNonNull(ctx, "ctx is null");
    }

    Piece rewrite(RelNode node) {
        Piece piece = done.get(node);
        if (piece == null) {
            piece = step(node);
            done.put(node, piece);
        }
        return piece;
    }

    private Piece step(RelNode node) {
        if (node instanceof TableScan scan) {
            return ScanStep.apply(scan, ctx);
        }
        if (node instanceof Values values) {
            return OtherStep.values(values);
        }
        List<Piece> inputs = new ArrayList<>();
        for (RelNode input : node.getInputs()) {
            inputs.add(rewrite(input));
        }
        if (node instanceof Project project) {
            return ProjectStep.apply(project, inputs.get(0), ctx);
        }
        if (node instanceof Filter filter) {
            return FilterStep.apply(filter, inputs.get(0), ctx);
        }
        if (node instanceof Sort sort) {
            return SortStep.apply(sort, inputs.get(0), ctx);
        }
        // Only projections, filters and sorts keep the fields that carry noisy values' intervals.
        inputs.replaceAll(this::withoutIntervals);
        if (node instanceof Join join) {
            return JoinStep.apply(join, inputs.get(0), inputs.get(1), ctx);
        }
        if (node instanceof Aggregate aggregate) {
            return AggregateStep.apply(aggregate, inputs.get(0), ctx);
        }
        if (node instanceof SetOp setOp) {
            return SetOpStep.apply(setOp, inputs, ctx);
        }
        return OtherStep.apply(node, inputs, ctx);
    }

    /** {@code piece} without the extra fields carrying confidence intervals, if it has any. */
    private Piece withoutIntervals(Piece piece) {
        if (piece.isProtected()
                || piece.fields().stream().noneMatch(f -> f.interval().isPresent())) {
            return piece;
        }
        List<FieldInfo> fields = new ArrayList<>();
        List<RexNode> exprs = new ArrayList<>();
        for (int i = 0; i < piece.width(); i++) {
            fields.add(piece.field(i).withInterval(OptionalInt.empty()));
            exprs.add(RexInputRef.of(i, piece.rel().getRowType()));
        }
        RelNode rel = LogicalProject.create(
                piece.rel(),
                List.of(),
                exprs,
                piece.rel().getRowType().getFieldNames().subList(0, piece.width()),
                Set.of());
        return new Piece(rel, piece.width(), fields, Optional.empty());
    }
}
