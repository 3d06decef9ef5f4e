package dev.veil.schema;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Catalog;
import dev.veil.catalog.ForeignTableDef;
import dev.veil.catalog.ForeignTables;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.catalog.TableVersion;
import dev.veil.catalog.ViewDef;
import dev.veil.catalog.Views;
import dev.veil.plan.StoredTable;
import dev.veil.policy.TableAccess;
import dev.veil.storage.Warehouse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * One catalog schema as one principal sees it during one statement: the tables it may see (see
 * {@code ObjectAccess} of {@code policy}). Its tables are read from the
 * catalog on first use and then fixed, with their current versions and the principal's resolved
 * policies, for the statement's life. A table that no policy restricts for the principal is an
 * {@link ArrowTable} (a {@link ForeignTable} if its rows live in a remote database); any other is an {@link ArrowTableView} (hidden columns absent, masked
 * columns typed as their mask's result), which only the privacy rewrite can turn into a scan. A
 * stored view the principal may see is a {@link StoredView}, which expands into its query's plan
 * as the principal before the privacy rewrite sees the plan.
 */
public final class CatalogSchema extends AbstractSchema {
    private final Warehouse warehouse;
    private final String name;
    private final Function<TableName, TableAccess> access;
    private final Predicate<TableName> visible;
    private final ViewExpansion views;
    private final Supplier<Map<Long, TableVersion>> versions;
    private Map<String, Table> tables;

    /**
     * @param access the principal's resolved access to a table of this schema; consulted once per
     *     table and statement
     * @param visible whether the principal may see a table at all; one it may not see is absent,
     *     as if it did not exist
     * @param views how the schema's stored views expand for the principal
     */
    public CatalogSchema(
            Warehouse warehouse,
            String name,
            Function<TableName, TableAccess> access,
            Predicate<TableName> visible,
            ViewExpansion views) {
        this(warehouse, name, access, visible, views, snapshot(warehouse));
    }

    /**
     * As above, with the table versions taken from {@code versions}: one snapshot of every table's
     * current version (see {@link #snapshot}), shared by the schemas of one statement, so that a
     * statement reading several tables sees them all as of one moment, never some before and some
     * after a change of several tables at once (an erasure).
     */
    public CatalogSchema(
            Warehouse warehouse,
            String name,
            Function<TableName, TableAccess> access,
            Predicate<TableName> visible,
            ViewExpansion views,
            Supplier<Map<Long, TableVersion>> versions) {
        this.views = requireNonNull(views, "views is null");
        this.versions = requireNonNull(versions, "versions is null");
        this.warehouse = requireNonNull(warehouse, "warehouse is null");
        this.name = requireNonNull(name, "name is null");
        this.access = requireNonNull(access, "access is null");
        this.visible = requireNonNull(visible, "visible is null");
    }

    @Override
    protected synchronized Map<String, Table> getTableMap() {
        if (tables == null) {
            Catalog catalog = warehouse.catalog();
            Map<String, Table> map = new LinkedHashMap<>();
            Map<Long, ForeignTableDef> foreign = null;
            for (TableDef def : catalog.tables(name)) {
                if (!visible.test(def.name())) {
                    continue;
                }
                TableVersion version = versions.get().get(def.id());
                if (version == null) {
                    version = catalog.currentVersion(def.id());
                }
                if (foreign == null) {
                    foreign = new ForeignTables(warehouse.sqliteCatalog()).all();
                }
                ForeignTableDef remote = foreign.get(def.id());
                StoredTable table = remote == null
                        ? new ArrowTable(warehouse, def, version)
                        : new ForeignTable(
                                def, version, remote, warehouse.remotes().get(remote.connection()));
                TableAccess tableAccess =
                        requireNonNull(access.apply(def.name()), "no access resolved for " + def.name());
                map.put(
                        def.name().table(),
                        ArrowTableView.isUnrestricted(tableAccess) ? table : new ArrowTableView(table, tableAccess));
            }
            for (ViewDef view : new Views(warehouse.sqliteCatalog()).views(name)) {
                if (visible.test(view.name())) {
                    map.put(view.name().table(), new StoredView(view, views));
                }
            }
            tables = map;
        }
        return tables;
    }

    /**
     * The current version of every table, read in one catalog transaction when first asked for
     * (when the statement first looks at a table, after it started) and then fixed.
     */
    public static Supplier<Map<Long, TableVersion>> snapshot(Warehouse warehouse) {
        requireNonNull(warehouse, "warehouse is null");
        return new Supplier<>() {
            private Map<Long, TableVersion> versions;

            @Override
            public synchronized Map<Long, TableVersion> get() {
                if (versions == null) {
                    versions = warehouse.sqliteCatalog().currentVersions();
                }
                return versions;
            }
        };
    }

    @Override
    public boolean isMutable() {
        return false;
    }

    /**
     * A root schema holding every catalog schema as one principal sees it, for one statement: the
     * tables {@code visible} accepts, each with the principal's {@code access}.
     */
    public static SchemaPlus rootSchema(
            Warehouse warehouse,
            Function<TableName, TableAccess> access,
            Predicate<TableName> visible,
            ViewExpansion views) {
        SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
        Supplier<Map<Long, TableVersion>> versions = snapshot(warehouse);
        for (String schema : warehouse.catalog().schemas()) {
            root.add(schema, new CatalogSchema(warehouse, schema, access, visible, views, versions));
        }
        SystemSchema system = new SystemSchema(warehouse);
        root.add(SystemSchema.NAME, system);
        root.add(InformationSchema.NAME, new InformationSchema(warehouse, access, system, visible, root));
        return root;
    }
}
