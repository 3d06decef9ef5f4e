package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.apache.calcite.rel.RelNode;

/**
 * One rewritten plan node with what the rewrite knows about it. Its first {@code width} fields
 * are those of the node it replaces, in the same order; a field after them, if any, carries the
 * privacy unit where the user's SQL dropped it.
 *
 * @param rel the rewritten node
 * @param width the number of fields of the original node
 * @param fields what is known about each field of {@code rel}
 * @param unit how the rows reach their privacy unit; present exactly when they are protected
 *     rows that have not yet passed an aggregate boundary
 */
record Piece(RelNode rel, int width, List<FieldInfo> fields, Optional<UnitHandle> unit) {
    Piece {
        requireNonNull(rel, "rel is null");
        fields = List.copyOf(requireNonNull(fields, "fields is null"));
        requireNonNull(unit, "unit is null");
        if (fields.size() != rel.getRowType().getFieldCount()) {
            throw new IllegalArgumentException("fields " + fields.size() + " != row type "
                    + rel.getRowType().getFieldCount());
        }
        if (width > fields.size()) {
            throw new IllegalArgumentException("width " + width + " > fields " + fields.size());
        }
    }

    /** A node with no policy on any of its fields. */
    static Piece unrestricted(RelNode rel) {
        int n = rel.getRowType().getFieldCount();
        return new Piece(rel, n, java.util.Collections.nCopies(n, FieldInfo.PUBLIC), Optional.empty());
    }

    boolean isProtected() {
        return unit.isPresent();
    }

    FieldInfo field(int i) {
        return fields.get(i);
    }

    boolean anyRestricted() {
        return fields.stream().anyMatch(FieldInfo::isRestricted);
    }
}
