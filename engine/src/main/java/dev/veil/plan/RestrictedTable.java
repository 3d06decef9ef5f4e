package dev.veil.plan;

import dev.veil.policy.TableAccess;
import org.apache.calcite.schema.Table;

/**
 * A stored table as one principal sees it when some policy restricts it: HIDDEN columns absent,
 * MASKED columns typed as their mask's result. It cannot be executed; the privacy rewrite replaces
 * every scan of it by a scan of {@link #base} with {@link #access} applied on top. The schema
 * layer implements it.
 */
public interface RestrictedTable extends Table {
    /** The table with every column, as stored. */
    StoredTable base();

    /** The principal's resolved policies of the table, the same ones validation saw. */
    TableAccess access();

    /** The position in the base table of each column the principal sees, in the view's order. */
    int[] baseColumns();
}
