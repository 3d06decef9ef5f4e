package dev.veil.rewrite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.validate.SqlValidatorUtil;

/** Builds the projections that carry the privacy unit along: user fields first, the unit after them if needed. */
final class Projections {
    /** The name of a field the rewrite adds to carry the privacy unit. */
    static final String UNIT_FIELD = "$unit";

    private Projections() {}

    /**
     * A piece whose fields are {@code keep} (fields of {@code rel}, in that order) and, when none
     * of them holds the unit, the unit's preferred field after them.
     */
    static Piece keep(
            RelNode rel,
            List<Integer> keep,
            List<String> names,
            List<FieldInfo> fields,
            Optional<UnitHandle> unit,
            RewriteContext ctx) {
        Map<Integer, Integer> mapping = new HashMap<>();
        for (int i = 0; i < keep.size(); i++) {
            mapping.putIfAbsent(keep.get(i), i);
        }
        List<Integer> all = new ArrayList<>(keep);
        Optional<UnitHandle> mapped = unit.map(u -> {
            List<Integer> held = new ArrayList<>();
            for (int f : u.fields()) {
                Integer target = mapping.get(f);
                if (target != null) {
                    held.add(target);
                }
            }
            if (held.isEmpty()) {
                held.add(all.size());
                all.add(u.primary());
            }
            return u.withFields(held);
        });
        int width = keep.size();
        boolean identity = all.size() == fields.size();
        for (int i = 0; identity && i < all.size(); i++) {
            identity = all.get(i) == i;
        }
        if (identity) {
            return new Piece(rel, width, fields, mapped);
        }
        List<RexNode> exprs = new ArrayList<>();
        List<String> outNames = new ArrayList<>();
        List<FieldInfo> outFields = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            int f = all.get(i);
            exprs.add(RexInputRef.of(f, rel.getRowType()));
            outNames.add(i < width ? names.get(f) : UNIT_FIELD);
            outFields.add(fields.get(f));
        }
        RelNode project =
                LogicalProject.create(rel, List.of(), exprs, SqlValidatorUtil.uniquify(outNames, true), Set.of());
        return new Piece(project, width, outFields, mapped);
    }
}
