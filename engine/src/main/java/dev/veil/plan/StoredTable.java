package dev.veil.plan;

import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import org.apache.calcite.schema.Table;

/**
 * A table whose rows Veil stores, as a plan scans it: every column, no policy applied. The
 * schema layer implements it; the physical scan rules of {@code exec} execute its scans, and the
 * privacy rewrite builds {@link UnitLookup}s over it.
 */
public interface StoredTable extends Table {
    /** The table's definition in the catalog. */
    TableDef definition();

    /** The version of the table the statement reads (the same for every scan of it in the statement). */
    TableVersion version();

    /**
     * Whether Veil holds the table's rows. A foreign table's rows live in a remote database; a
     * plan reads it only through scans (which {@code exec} may push down to the remote), so the
     * rewrite looks privacy units up in it with a join, never with a {@link UnitLookup}.
     */
    default boolean local() {
        return true;
    }
}
