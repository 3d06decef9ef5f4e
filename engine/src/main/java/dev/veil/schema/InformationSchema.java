package dev.veil.schema;

import static java.util.Objects.requireNonNull;

import dev.veil.VeilException;
import dev.veil.catalog.Catalog;
import dev.veil.catalog.Column;
import dev.veil.catalog.Principals;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.catalog.ViewDef;
import dev.veil.catalog.Views;
import dev.veil.policy.ColumnAccess;
import dev.veil.policy.ColumnClass;
import dev.veil.policy.TableAccess;
import dev.veil.storage.Warehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.calcite.DataContext;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The schema {@value #NAME}: the SQL standard's catalog views, computed when they are scanned, for
 * the principal of the statement. Each user sees only what they may see: every schema, every table
 * but the tables other users own and did not grant them ({@code ObjectAccess} of {@code policy}),
 * the columns as the user sees them (a HIDDEN column is
 * absent, a MASKED one typed as its mask's result) with the column's class for the user, and the
 * user's own privileges. Nothing here is a data value or a row count: the rows depend on the
 * catalog and the policies alone, never on what a table holds.
 * <ul>
 *   <li>{@code schemata}: the catalog's schemas and the system schemas {@code veil} and this one;</li>
 *   <li>{@code tables}: stored tables ({@code BASE TABLE}) and system tables ({@code SYSTEM TABLE});</li>
 *   <li>{@code columns}: their columns, with {@code column_class} ({@code PUBLIC}, {@code MASKED},
 *       {@code AGGREGATE ONLY}, {@code JOIN ONLY}) and {@code class_detail} (the mask, or the
 *       bounds of an AGGREGATE ONLY column);</li>
 *   <li>{@code views}: the stored views the principal may see, with their SQL text (a view the
 *       principal may not see is absent, so its text is never shown to them); views are also
 *       listed in {@code tables} ({@code VIEW}) and {@code columns} (each column's class is
 *       {@code VIEW}: the base tables' policies apply through it);</li>
 *   <li>{@code table_privileges}: the caller's own privileges: SELECT on every stored table and
 *       view it sees, and INSERT too on tables for admins.</li>
 * </ul>
 */
public final class InformationSchema extends AbstractSchema {
    /** The schema's name; it shadows a catalog schema of the same name. */
    public static final String NAME = "information_schema";

    /** The catalog name the views report, as JDBC metadata does. */
    public static final String CATALOG = "veil";

    private static final String BASE_TABLE = "BASE TABLE";
    private static final String SYSTEM_TABLE = "SYSTEM TABLE";
    private static final String VIEW = "VIEW";

    private final Map<String, Table> tables;
    private final Predicate<TableName> visible;
    private final SchemaPlus root;
    private final Views views;

    /**
     * @param access the principal's resolved access to a stored table, as the statement's other
     *     schemas see it
     * @param system the {@code veil} schema, whose tables are listed as system tables
     * @param visible whether the principal may see a stored table at all (another user's own table
     *     it was not granted is absent from every view)
     * @param root the statement's root schema, whose stored views give the columns of views as the
     *     principal sees them
     */
    public InformationSchema(
            Warehouse warehouse,
            Function<TableName, TableAccess> access,
            Schema system,
            Predicate<TableName> visible,
            SchemaPlus root) {
        requireNonNull(warehouse, "warehouse is null");
        this.root = requireNonNull(root, "root is null");
        this.views = new Views(warehouse.sqliteCatalog());
        this.visible = requireNonNull(visible, "visible is null");
        requireNonNull(access, "access is null");
        requireNonNull(system, "system is null");
        SqliteCatalog sqlite = warehouse.sqliteCatalog();
        Catalog catalog = warehouse.catalog();
        Map<String, Table> map = new LinkedHashMap<>();
        map.put("schemata", new InfoTable(SCHEMATA, user -> schemata(catalog)));
        map.put("tables", new InfoTable(TABLES, user -> tables(catalog, system)));
        map.put("columns", new InfoTable(COLUMNS, user -> columns(catalog, access, system)));
        map.put("views", new InfoTable(VIEWS, user -> views(catalog)));
        map.put(
                "table_privileges",
                new InfoTable(PRIVILEGES, user -> privileges(catalog, user, new Principals(sqlite).principalOf(user))));
        this.tables = Map.copyOf(map);
    }

    /**
     * Fails with ACCESS_DENIED unless the principal may read the view {@code table}; every user may
     * read every view of this schema (each shows the user only their own view of the catalog).
     * Checked when a statement that names the view is planned, as for the system tables.
     */
    public static void checkReadable(String table, String user, boolean admin) {
        requireNonNull(table, "table is null");
        requireNonNull(user, "user is null");
    }

    @Override
    protected Map<String, Table> getTableMap() {
        return tables;
    }

    @Override
    public boolean isMutable() {
        return false;
    }

    /** The class of a column as a principal sees it: {@code PUBLIC}, {@code MASKED}, {@code AGGREGATE ONLY}, {@code JOIN ONLY}. */
    public static String columnClass(ColumnAccess access) {
        return access.columnClass().name().replace('_', ' ');
    }

    /** What goes with the class: the mask ({@code HASH}), the bounds of an AGGREGATE ONLY column, or nothing. */
    public static Optional<String> classDetail(ColumnAccess access) {
        if (access.columnClass() == ColumnClass.MASKED) {
            return access.mask().map(m -> "USING " + m);
        }
        return access.bounds().map(b -> "BOUNDS " + b);
    }

    private record InfoColumn(String name, SqlTypeName type, boolean nullable) {}

    private static final List<InfoColumn> SCHEMATA = List.of(
            new InfoColumn("catalog_name", SqlTypeName.VARCHAR, false),
            new InfoColumn("schema_name", SqlTypeName.VARCHAR, false));

    private static final List<InfoColumn> TABLES = List.of(
            new InfoColumn("table_catalog", SqlTypeName.VARCHAR, false),
            new InfoColumn("table_schema", SqlTypeName.VARCHAR, false),
            new InfoColumn("table_name", SqlTypeName.VARCHAR, false),
            new InfoColumn("table_type", SqlTypeName.VARCHAR, false));

    private static final List<InfoColumn> COLUMNS = List.of(
            new InfoColumn("table_catalog", SqlTypeName.VARCHAR, false),
            new InfoColumn("table_schema", SqlTypeName.VARCHAR, false),
            new InfoColumn("table_name", SqlTypeName.VARCHAR, false),
            new InfoColumn("column_name", SqlTypeName.VARCHAR, false),
            new InfoColumn("ordinal_position", SqlTypeName.INTEGER, false),
            new InfoColumn("data_type", SqlTypeName.VARCHAR, false),
            new InfoColumn("is_nullable", SqlTypeName.VARCHAR, false),
            new InfoColumn("column_class", SqlTypeName.VARCHAR, false),
            new InfoColumn("class_detail", SqlTypeName.VARCHAR, true));

    private static final List<InfoColumn> VIEWS = List.of(
            new InfoColumn("table_catalog", SqlTypeName.VARCHAR, false),
            new InfoColumn("table_schema", SqlTypeName.VARCHAR, false),
            new InfoColumn("table_name", SqlTypeName.VARCHAR, false),
            new InfoColumn("view_definition", SqlTypeName.VARCHAR, true));

    private static final List<InfoColumn> PRIVILEGES = List.of(
            new InfoColumn("grantor", SqlTypeName.VARCHAR, false),
            new InfoColumn("grantee", SqlTypeName.VARCHAR, false),
            new InfoColumn("table_catalog", SqlTypeName.VARCHAR, false),
            new InfoColumn("table_schema", SqlTypeName.VARCHAR, false),
            new InfoColumn("table_name", SqlTypeName.VARCHAR, false),
            new InfoColumn("privilege_type", SqlTypeName.VARCHAR, false),
            new InfoColumn("is_grantable", SqlTypeName.VARCHAR, false));

    /** A view whose rows are computed for the current user at each scan. */
    private static final class InfoTable extends AbstractTable implements ScannableTable {
        private final List<InfoColumn> columns;
        private final Function<String, List<Object[]>> rows;

        InfoTable(List<InfoColumn> columns, Function<String, List<Object[]>> rows) {
            this.columns = columns;
            this.rows = rows;
        }

        @Override
        public RelDataType getRowType(RelDataTypeFactory typeFactory) {
            RelDataTypeFactory.Builder builder = typeFactory.builder();
            for (InfoColumn c : columns) {
                builder.add(
                        c.name(),
                        typeFactory.createTypeWithNullability(typeFactory.createSqlType(c.type()), c.nullable()));
            }
            return builder.build();
        }

        @Override
        public Enumerable<Object[]> scan(DataContext root) {
            Object user = root.get(DataContext.Variable.USER.camelName);
            if (!(user instanceof String name)) {
                throw VeilException.internal("information_schema scanned without a user", null);
            }
            return Linq4j.asEnumerable(rows.apply(name));
        }
    }

    /** The catalog's schemas with the system schemas, by name; a catalog schema shadowed by one appears once. */
    private static List<String> schemaNames(Catalog catalog) {
        TreeMap<String, Boolean> names = new TreeMap<>();
        for (String s : catalog.schemas()) {
            names.put(s, true);
        }
        names.put(SystemSchema.NAME, false);
        names.put(NAME, false);
        return List.copyOf(names.keySet());
    }

    private static boolean isSystem(String schema) {
        return schema.equals(SystemSchema.NAME) || schema.equals(NAME);
    }

    /** The stored tables of one schema that the principal may see. */
    private List<TableDef> visibleTables(Catalog catalog, String schema) {
        List<TableDef> list = new ArrayList<>();
        for (TableDef def : catalog.tables(schema)) {
            if (visible.test(def.name())) {
                list.add(def);
            }
        }
        return list;
    }

    private static List<Object[]> schemata(Catalog catalog) {
        List<Object[]> rows = new ArrayList<>();
        for (String s : schemaNames(catalog)) {
            rows.add(new Object[] {CATALOG, s});
        }
        return rows;
    }

    /** The stored tables the principal may see of the catalog's schemas that system schemas do not shadow. */
    private List<TableDef> storedTables(Catalog catalog) {
        List<TableDef> all = new ArrayList<>();
        for (String s : schemaNames(catalog)) {
            if (!isSystem(s)) {
                all.addAll(visibleTables(catalog, s));
            }
        }
        return all;
    }

    /** The system tables, by schema then name: the {@code veil} tables and this schema's views. */
    private Map<String, Map<String, Table>> systemTables(Schema system) {
        Map<String, Map<String, Table>> map = new TreeMap<>();
        Map<String, Table> veil = new TreeMap<>();
        for (String name : system.getTableNames()) {
            veil.put(name, system.getTable(name));
        }
        map.put(NAME, new TreeMap<>(tables));
        map.put(SystemSchema.NAME, veil);
        return map;
    }

    private List<Object[]> tables(Catalog catalog, Schema system) {
        List<Object[]> rows = new ArrayList<>();
        Map<String, Map<String, Table>> systemTables = systemTables(system);
        for (String s : schemaNames(catalog)) {
            if (isSystem(s)) {
                for (String t : systemTables.get(s).keySet()) {
                    rows.add(new Object[] {CATALOG, s, t, SYSTEM_TABLE});
                }
            } else {
                TreeMap<String, String> named = new TreeMap<>();
                for (TableDef def : visibleTables(catalog, s)) {
                    named.put(def.name().table(), BASE_TABLE);
                }
                for (ViewDef view : visibleViews(s)) {
                    named.put(view.name().table(), VIEW);
                }
                for (Map.Entry<String, String> e : named.entrySet()) {
                    rows.add(new Object[] {CATALOG, s, e.getKey(), e.getValue()});
                }
            }
        }
        return rows;
    }

    private List<Object[]> columns(Catalog catalog, Function<TableName, TableAccess> access, Schema system) {
        List<Object[]> rows = new ArrayList<>();
        Map<String, Map<String, Table>> systemTables = systemTables(system);
        RelDataTypeFactory types = new JavaTypeFactoryImpl(VeilTypeSystem.INSTANCE);
        for (String s : schemaNames(catalog)) {
            if (isSystem(s)) {
                for (Map.Entry<String, Table> t : systemTables.get(s).entrySet()) {
                    int ordinal = 0;
                    for (RelDataTypeField f : t.getValue().getRowType(types).getFieldList()) {
                        rows.add(new Object[] {
                            CATALOG,
                            s,
                            t.getKey(),
                            f.getName(),
                            ++ordinal,
                            f.getType().getSqlTypeName().getName(),
                            f.getType().isNullable() ? "YES" : "NO",
                            "PUBLIC",
                            null
                        });
                    }
                }
                continue;
            }
            for (TableDef def : visibleTables(catalog, s)) {
                TableAccess tableAccess = requireNonNull(access.apply(def.name()), "no access resolved");
                int ordinal = 0;
                // The columns as this user sees them: hidden ones absent, masked ones typed as their mask's result.
                for (Column column : ArrowTableView.visibleColumns(def, tableAccess)) {
                    ColumnAccess columnAccess = tableAccess.column(column.name());
                    rows.add(new Object[] {
                        CATALOG,
                        s,
                        def.name().table(),
                        column.name(),
                        ++ordinal,
                        column.type().sql(),
                        column.nullable() ? "YES" : "NO",
                        columnClass(columnAccess),
                        classDetail(columnAccess).orElse(null)
                    });
                }
            }
            for (ViewDef view : visibleViews(s)) {
                int ordinal = 0;
                for (RelDataTypeField f : viewColumns(view, types)) {
                    rows.add(new Object[] {
                        CATALOG,
                        s,
                        view.name().table(),
                        f.getName(),
                        ++ordinal,
                        f.getType().getSqlTypeName().getName(),
                        f.getType().isNullable() ? "YES" : "NO",
                        VIEW,
                        "policies of the base tables apply"
                    });
                }
            }
        }
        return rows;
    }

    /** The stored views of one schema that the principal may see. */
    private List<ViewDef> visibleViews(String schema) {
        List<ViewDef> list = new ArrayList<>();
        for (ViewDef view : views.views(schema)) {
            if (visible.test(view.name())) {
                list.add(view);
            }
        }
        return list;
    }

    /**
     * A view's columns as the principal sees them (its query validated as them); none when the
     * view cannot be read by them (a base table dropped or not theirs to see).
     */
    private List<RelDataTypeField> viewColumns(ViewDef view, RelDataTypeFactory types) {
        SchemaPlus schema = root.subSchemas().get(view.name().schema());
        Table table = schema == null ? null : schema.tables().get(view.name().table());
        if (!(table instanceof StoredView stored)) {
            return List.of();
        }
        try {
            return stored.getRowType(types).getFieldList();
        } catch (VeilException e) {
            return List.of();
        }
    }

    private List<Object[]> views(Catalog catalog) {
        List<Object[]> rows = new ArrayList<>();
        for (String s : schemaNames(catalog)) {
            if (!isSystem(s)) {
                for (ViewDef view : visibleViews(s)) {
                    rows.add(new Object[] {CATALOG, s, view.name().table(), view.sql()});
                }
            }
        }
        return rows;
    }

    private List<Object[]> privileges(Catalog catalog, String user, Principals.Principal principal) {
        List<Object[]> rows = new ArrayList<>();
        List<String> kinds = principal.isAdmin() ? List.of("INSERT", "SELECT") : List.of("SELECT");
        for (TableDef def : storedTables(catalog)) {
            for (String kind : kinds) {
                rows.add(new Object[] {
                    CATALOG, user, CATALOG, def.name().schema(), def.name().table(), kind, "NO"
                });
            }
        }
        for (String s : schemaNames(catalog)) {
            if (!isSystem(s)) {
                for (ViewDef view : visibleViews(s)) {
                    rows.add(
                            new Object[] {CATALOG, user, CATALOG, s, view.name().table(), "SELECT", "NO"});
                }
            }
        }
        return rows;
    }
}
