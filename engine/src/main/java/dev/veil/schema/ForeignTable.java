package dev.veil.schema;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.ForeignTableDef;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import dev.veil.plan.StoredTable;
import dev.veil.storage.RemoteDatabase;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A foreign table as Calcite sees it during one statement: a catalog table like any other (the
 * privacy rewrite sees the same {@link StoredTable} and applies the same policies), whose rows
 * live in a remote database. {@code exec}'s remote scan rule converts its scans into scans of the
 * remote table, over which filters, projections, joins and aggregations of the same remote
 * database are pushed down as SQL.
 */
public final class ForeignTable extends AbstractTable implements StoredTable {
    private final TableDef definition;
    private final TableVersion version;
    private final ForeignTableDef remote;
    private final RemoteDatabase database;

    public ForeignTable(TableDef definition, TableVersion version, ForeignTableDef remote, RemoteDatabase database) {
        this.definition = requireNonNull(definition, "definition is null");
        this.version = requireNonNull(version, "version is null");
        this.remote = requireNonNull(remote, "remote is null");
        this.database = requireNonNull(database, "database is null");
        if (remote.tableId() != definition.id()) {
            throw new IllegalArgumentException("remote of table " + remote.tableId() + " given for " + definition.id());
        }
    }

    /** Where the rows live. */
    public ForeignTableDef remote() {
        return remote;
    }

    /** The remote database the rows are read from. */
    public RemoteDatabase database() {
        return database;
    }

    @Override
    public TableDef definition() {
        return definition;
    }

    /** The catalog version of the table; a foreign table's rows change remotely, without versions. */
    @Override
    public TableVersion version() {
        return version;
    }

    @Override
    public boolean local() {
        return false;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
        return VeilTypes.toRowType(typeFactory, definition.columns());
    }

    /** The remote's row estimate when the table was created or last refreshed. */
    @Override
    public Statistic getStatistic() {
        return Statistics.of(Math.max(1000d, remote.rowCount()), List.of());
    }

    @Override
    public String toString() {
        return "ForeignTable(" + definition.name() + " -> " + remote.connection() + ":" + remote.remoteName() + ")";
    }
}
