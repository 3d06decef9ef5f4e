package dev.veil.rewrite;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.core.Window;

/**
 * Rewrites the operators no other step knows: literal rows are constants; anything else is
 * accepted only over public, unrestricted inputs. Over protected rows or restricted values the
 * rewrite cannot reason about an unknown operator, so it fails closed.
 */
final class OtherStep {
    private OtherStep() {}

    static Piece values(Values values) {
        int n = values.getRowType().getFieldCount();
        return new Piece(values, n, Collections.nCopies(n, FieldInfo.CONSTANT), Optional.empty());
    }

    static Piece apply(RelNode node, List<Piece> inputs, RewriteContext ctx) {
        for (Piece input : inputs) {
            if (input.isProtected()) {
                UnitHandle unit = input.unit().get();
                if (node instanceof Window) {
                    throw PrivacyErrors.windowOverProtected(unit);
                }
                if (node instanceof Correlate) {
                    throw PrivacyErrors.unsupported("a correlated sub-query that could not be decorrelated", unit);
                }
                throw PrivacyErrors.unsupported("the operator " + node.getRelTypeName(), unit);
            }
            for (FieldInfo field : input.fields()) {
                if (field.isRestricted()) {
                    throw PrivacyErrors.unsupportedOverRestricted(
                            node.getRelTypeName(),
                            field.restrictions().iterator().next(),
                            ctx.principal());
                }
            }
        }
        if (inputs.isEmpty()) {
            return Piece.unrestricted(node);
        }
        RelNode copy =
                node.copy(node.getTraitSet(), inputs.stream().map(Piece::rel).toList());
        return Piece.unrestricted(copy);
    }
}
