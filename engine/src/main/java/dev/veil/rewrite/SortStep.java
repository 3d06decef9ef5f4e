package dev.veil.rewrite;

import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.logical.LogicalSort;

/**
 * Rewrites a sort. Over protected rows a LIMIT or OFFSET is rejected, since it picks individual
 * rows before any aggregate sees them (ordering alone changes nothing an aggregate releases);
 * sorting by a restricted column is rejected anywhere, since the order reveals its values.
 */
final class SortStep {
    private SortStep() {}

    static Piece apply(Sort sort, Piece in, RewriteContext ctx) {
        if (in.isProtected() && (sort.fetch != null || sort.offset != null)) {
            throw PrivacyErrors.limitBeforeAggregation(in.unit().get());
        }
        for (RelFieldCollation collation : sort.getCollation().getFieldCollations()) {
            in.field(collation.getFieldIndex()).restrictions().stream()
                    .findFirst()
                    .ifPresent(r -> {
                        throw PrivacyErrors.restrictedUse(r, ctx.principal(), "in ORDER BY");
                    });
        }
        return new Piece(
                LogicalSort.create(in.rel(), sort.getCollation(), sort.offset, sort.fetch),
                in.width(),
                in.fields(),
                in.unit());
    }
}
