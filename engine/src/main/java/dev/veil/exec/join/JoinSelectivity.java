package dev.veil.exec.join;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.MetadataDef;
import org.apache.calcite.rel.metadata.MetadataHandler;
import org.apache.calcite.rel.metadata.RelMdUtil;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.CancelFlag;
import org.apache.calcite.util.ImmutableBitSet;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Estimates the selectivity of a predicate on a join's output from its inputs' distinct counts.
 * Calcite's default guesses 15% per equality whatever the keys, which makes a join of two large
 * tables on a key look as big as their product and misleads join ordering. Here the equi-join
 * conjuncts keep {@code 1 / max(distinct left keys, distinct right keys)} of the cross product
 * (each key value of the side with fewer matches finds its rows on the other side); conjuncts on
 * one input ask that input; the rest get Calcite's guess.
 */
public final class JoinSelectivity implements MetadataHandler<BuiltInMetadata.Selectivity> {
    public JoinSelectivity() {}

    @Override
    public MetadataDef<BuiltInMetadata.Selectivity> getDef() {
        return BuiltInMetadata.Selectivity.DEF;
    }

    /** The selectivity of {@code predicate} on the output of {@code join}. */
    public @Nullable Double getSelectivity(Join join, RelMetadataQuery mq, @Nullable RexNode predicate) {
        // Join ordering (LoptOptimizeJoinRule) asks this for every candidate subtree of a multi-join
        // within one rule call, which the planner's cancel check between rule calls cannot stop (a
        // 100-way join ran on for seconds past its time limit): a cancelled statement stops here.
        CancelFlag cancel = join.getCluster().getPlanner().getContext().unwrap(CancelFlag.class);
        if (cancel != null && cancel.isCancelRequested()) {
            throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
        }
        RexBuilder rexBuilder = join.getCluster().getRexBuilder();
        if (join.isSemiJoin()) {
            // As Calcite does: the semi-join's own condition becomes a predicate on its left input.
            RexNode semi = RelMdUtil.makeSemiJoinSelectivityRexNode(mq, join);
            RexNode combined =
                    predicate == null ? semi : RexUtil.composeConjunction(rexBuilder, List.of(semi, predicate));
            return mq.getSelectivity(join.getLeft(), combined);
        }
        if (predicate == null) {
            return 1d;
        }
        RelNode left = join.getLeft();
        RelNode right = join.getRight();
        int leftCount = left.getRowType().getFieldCount();
        int total = join.getRowType().getFieldCount();
        ImmutableBitSet.Builder leftKeys = ImmutableBitSet.builder();
        ImmutableBitSet.Builder rightKeys = ImmutableBitSet.builder();
        List<RexNode> leftOnly = new ArrayList<>();
        List<RexNode> rightOnly = new ArrayList<>();
        List<RexNode> rest = new ArrayList<>();
        for (RexNode conjunct : RelOptUtil.conjunctions(predicate)) {
            ImmutableBitSet refs = RelOptUtil.InputFinder.bits(conjunct);
            if (refs.isEmpty() || refs.length() > total) {
                rest.add(conjunct);
            } else if (refs.length() <= leftCount) {
                leftOnly.add(conjunct);
            } else if (refs.nextSetBit(0) >= leftCount) {
                rightOnly.add(RexUtil.shift(conjunct, -leftCount));
            } else if (!addEquiKeys(conjunct, leftCount, leftKeys, rightKeys)) {
                rest.add(conjunct);
            }
        }
        double selectivity = 1d;
        ImmutableBitSet lk = leftKeys.build();
        if (!lk.isEmpty()) {
            Double leftDistinct = mq.getDistinctRowCount(left, lk, null);
            Double rightDistinct = mq.getDistinctRowCount(right, rightKeys.build(), null);
            double keys;
            if (leftDistinct != null && rightDistinct != null) {
                keys = Math.max(leftDistinct, rightDistinct);
            } else {
                // Unknown: assume the smaller input's keys are unique (a foreign-key join), so the
                // output is about as large as the larger input.
                keys = Math.min(rows(mq, left), rows(mq, right));
            }
            selectivity /= Math.max(1d, keys);
        }
        if (!leftOnly.isEmpty()) {
            selectivity *= orGuess(mq.getSelectivity(left, RexUtil.composeConjunction(rexBuilder, leftOnly)), leftOnly);
        }
        if (!rightOnly.isEmpty()) {
            selectivity *=
                    orGuess(mq.getSelectivity(right, RexUtil.composeConjunction(rexBuilder, rightOnly)), rightOnly);
        }
        if (!rest.isEmpty()) {
            selectivity *= RelMdUtil.guessSelectivity(RexUtil.composeConjunction(rexBuilder, rest));
        }
        return selectivity;
    }

    private static double orGuess(@Nullable Double selectivity, List<RexNode> conjuncts) {
        if (selectivity != null) {
            return selectivity;
        }
        double guess = 1d;
        for (RexNode c : conjuncts) {
            guess *= RelMdUtil.guessSelectivity(c);
        }
        return guess;
    }

    /** Adds the keys of {@code left.x = right.y}; false if the conjunct is not such an equality. */
    private static boolean addEquiKeys(
            RexNode conjunct, int leftCount, ImmutableBitSet.Builder leftKeys, ImmutableBitSet.Builder rightKeys) {
        if (!(conjunct instanceof RexCall call)
                || (call.getKind() != SqlKind.EQUALS && call.getKind() != SqlKind.IS_NOT_DISTINCT_FROM)) {
            return false;
        }
        RexNode a = RexUtil.removeCast(call.getOperands().get(0));
        RexNode b = RexUtil.removeCast(call.getOperands().get(1));
        if (!(a instanceof RexInputRef ra) || !(b instanceof RexInputRef rb)) {
            return false;
        }
        int x = Math.min(ra.getIndex(), rb.getIndex());
        int y = Math.max(ra.getIndex(), rb.getIndex());
        if (x >= leftCount || y < leftCount) {
            return false;
        }
        leftKeys.set(x);
        rightKeys.set(y - leftCount);
        return true;
    }

    private static double rows(RelMetadataQuery mq, RelNode input) {
        Double rows = mq.getRowCount(input);
        return rows == null ? 1d : rows;
    }

    /**
     * The selectivity of a predicate on a set of equivalent expressions of the cost-based planner:
     * that of its best or original expression (Calcite's default only guesses from the predicate).
     */
    public @Nullable Double getSelectivity(RelSubset subset, RelMetadataQuery mq, @Nullable RexNode predicate) {
        return mq.getSelectivity(subset.stripped(), predicate);
    }
}
