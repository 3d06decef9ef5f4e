package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.policy.TableAccess;
import org.apache.calcite.plan.RelOptTable;

/**
 * A table the rewrite scans: the executable table with all its stored columns, and the
 * principal's resolved access to it.
 *
 * @param base the table as stored, which the rewritten plan scans
 * @param access the principal's access; unrestricted for tables no policy restricts
 */
record TableRef(RelOptTable base, TableAccess access) {
    TableRef {
        requireNonNull(base, "base is null");
        requireNonNull(access, "access is null");
    }

    /** The position of a stored column in the base table, or -1. */
    int column(String name) {
        return base.getRowType().getFieldNames().indexOf(name);
    }
}
