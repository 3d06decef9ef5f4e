package dev.veil.exec;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Catalog;
import dev.veil.catalog.TableDef;
import dev.veil.storage.Warehouse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.jdbc.CalciteSchema;

/**
 * One catalog schema as Calcite sees it during one statement. Its tables are read from the
 * catalog on first use and then fixed, with their current versions, for the statement's life.
 */
public final class CatalogSchema extends AbstractSchema {
    private final Warehouse warehouse;
    private final String name;
    private Map<String, Table> tables;

    public CatalogSchema(Warehouse warehouse, String name) {
        this.warehouse = requireNonNull(warehouse, "warehouse is null");
        this.name = requireNonNull(name, "name is null");
    }

    @Override
    protected synchronized Map<String, Table> getTableMap() {
        if (tables == null) {
            Catalog catalog = warehouse.catalog();
            Map<String, Table> map = new LinkedHashMap<>();
            for (TableDef def : catalog.tables(name)) {
                map.put(def.name().table(), new ArrowTable(warehouse, def, catalog.currentVersion(def.id())));
            }
            tables = map;
        }
        return tables;
    }

    @Override
    public boolean isMutable() {
        return false;
    }

    /** A root schema holding every catalog schema, for one statement. */
    public static SchemaPlus rootSchema(Warehouse warehouse) {
        SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
        for (String schema : warehouse.catalog().schemas()) {
            root.add(schema, new CatalogSchema(warehouse, schema));
        }
        root.add(SystemSchema.NAME, new SystemSchema(warehouse));
        return root;
    }
}
