package dev.veil.sql;

import dev.veil.plan.RestrictedTable;
import dev.veil.plan.StoredTable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelShuttleImpl;
import org.apache.calcite.rel.core.TableScan;

/**
 * The stored tables a statement reads without any policy for its principal: those its validated
 * plan scans as plain {@link StoredTable}s, never as {@link RestrictedTable}s (a table with a privacy
 * unit, a row filter, a minimum group size or a restricted column is one). The optimizer may use key
 * sets made from them alone to narrow a DP aggregate's input (see {@code
 * exec.join.DynamicFilterPlanner}); a table it does not find here counts as protected.
 */
final class PublicTables {
    private PublicTables() {}

    /** The qualified names of the tables {@code plan} (before the privacy rewrite) reads without a policy. */
    static Set<List<String>> of(RelNode plan) {
        Set<List<String>> plain = new HashSet<>();
        Set<List<String>> restricted = new HashSet<>();
        plan.accept(new RelShuttleImpl() {
            @Override
            public RelNode visit(TableScan scan) {
                RelOptTable table = scan.getTable();
                List<String> name = List.copyOf(table.getQualifiedName());
                if (table.unwrap(RestrictedTable.class) == null && table.unwrap(StoredTable.class) != null) {
                    plain.add(name);
                } else {
                    restricted.add(name);
                }
                return scan;
            }
        });
        // Fails closed: a name seen both ways is not public.
        plain.removeAll(restricted);
        return Set.copyOf(plain);
    }
}
