package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ADMIN_PASSWORD;
import static dev.veil.jdbc.TestServer.ANA_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import dev.veil.session.EmbeddedDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * JDBC metadata as BI tools and admins read it, through the thin driver (against a running
 * server) and the embedded driver, for an analyst (ana) and an admin: keys (privacy unit paths as
 * imported keys), REMARKS (each column's class, each table's policies, as far as the caller may
 * see them), the {@code veil} system tables, functions, type info, the session's schema, java.time
 * getters, result-set metadata equal to getColumns, and the type map.
 *
 * <p>{@code shop.customers} (unit customer_id): email HIDDEN, name MASKED USING HASH, income
 * AGGREGATE ONLY (0..1000), MIN GROUP SIZE 3, a row filter on city; a policy for role support
 * that ana does not hold. {@code shop.orders} reaches its unit VIA customer_id;
 * {@code shop.payments} VIA cust, a column HIDDEN from analysts. {@code shop.regions} has no policy.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MetadataIT {
    @TempDir
    static Path dir;

    private static VeilServer server;
    private static String url;
    private static String embeddedUrl;

    enum Driver {
        THIN,
        EMBEDDED
    }

    @BeforeAll
    static void start() throws Exception {
        Path thin = Files.createDirectories(dir.resolve("thin"));
        Path embedded = Files.createDirectories(dir.resolve("embedded"));
        server = VeilServer.start(
                ServerConfig.of(TestServer.createWarehouse(thin)).withPort(0));
        url = server.jdbcUrl();
        embeddedUrl = EmbeddedDriver.PREFIX + TestServer.createWarehouse(embedded);
        for (Driver d : Driver.values()) {
            try (Connection c = admin(d);
                    Statement s = c.createStatement()) {
                setUp(s);
            }
        }
    }

    /** Creates the tables and policies described above (also used by SchemaCrawlerIT). */
    static void setUp(Statement s) throws SQLException {
        s.execute("CREATE SCHEMA shop");
        s.execute("CREATE TABLE shop.customers (customer_id BIGINT NOT NULL, name VARCHAR NOT NULL, "
                + "email VARCHAR, city VARCHAR NOT NULL, income INTEGER, phone VARCHAR)");
        s.execute("INSERT INTO shop.customers VALUES (1, 'Ada', 'a@x.org', 'Lyon', 500, '555'), "
                + "(2, 'Ben', 'b@x.org', 'Porto', 700, '556')");
        s.execute("ALTER TABLE shop.customers SET PRIVACY UNIT (customer_id)");
        s.execute("ALTER TABLE shop.customers ALTER COLUMN email SET POLICY HIDDEN");
        s.execute("ALTER TABLE shop.customers ALTER COLUMN name SET POLICY MASKED USING HASH");
        s.execute("ALTER TABLE shop.customers ALTER COLUMN income SET POLICY AGGREGATE ONLY BOUNDS (0, 1000)");
        s.execute("ALTER TABLE shop.customers SET MIN GROUP SIZE 3");
        s.execute("ALTER TABLE shop.customers SET ROW FILTER (city = 'Lyon')");
        s.execute("CREATE ROLE support");
        s.execute(
                "ALTER TABLE shop.customers ALTER COLUMN phone SET POLICY MASKED USING SHOW_LAST(2) FOR ROLE support");
        s.execute("CREATE TABLE shop.orders (order_id BIGINT NOT NULL, customer_id BIGINT NOT NULL, "
                + "amount DECIMAL(12,2), day DATE, ts TIMESTAMP, qty INTEGER, note VARCHAR)");
        s.execute(
                "INSERT INTO shop.orders VALUES (1, 1, 10.50, DATE '2025-01-02', TIMESTAMP '2025-01-02 10:11:12.345', "
                        + "3, 'x')");
        s.execute("ALTER TABLE shop.orders SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (customer_id)");
        s.execute("CREATE TABLE shop.payments (id BIGINT NOT NULL, cust BIGINT NOT NULL, amount DOUBLE)");
        s.execute("ALTER TABLE shop.payments SET PRIVACY UNIT VIA (cust) REFERENCES shop.customers (customer_id)");
        s.execute("ALTER TABLE shop.payments ALTER COLUMN cust SET POLICY HIDDEN");
        s.execute("CREATE TABLE shop.regions (code VARCHAR NOT NULL, label VARCHAR)");
        s.execute("INSERT INTO shop.regions VALUES ('LY', 'Lyon'), ('PO', 'Porto')");
        s.execute("CREATE SCHEMA dp");
        s.execute("CREATE TABLE dp.people (id BIGINT NOT NULL, v INTEGER NOT NULL)");
        s.execute("ALTER TABLE dp.people SET PRIVACY UNIT (id)");
        s.execute("ALTER TABLE dp.people SET DIFFERENTIAL PRIVACY (EPSILON 1.0, DELTA 1e-6, "
                + "MAX GROUPS PER UNIT 1, MAX ROWS PER UNIT PER GROUP 1)");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Connection admin(Driver d) throws SQLException {
        return d == Driver.THIN
                ? TestServer.connect(url, "admin", ADMIN_PASSWORD)
                : DriverManager.getConnection(embeddedUrl + ";user=admin");
    }

    private static Connection ana(Driver d) throws SQLException {
        return d == Driver.THIN
                ? TestServer.connect(url, "ana", ANA_PASSWORD)
                : DriverManager.getConnection(embeddedUrl + ";user=ana");
    }

    /** Each row of a result set as {@code COLUMN=value} for the named columns. */
    private static List<Map<String, Object>> rows(ResultSet rs, String... columns) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (String c : columns) {
                    row.put(c, rs.getObject(c));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static List<String> strings(ResultSet rs, String column) throws SQLException {
        List<String> list = new ArrayList<>();
        for (Map<String, Object> row : rows(rs, column)) {
            list.add((String) row.get(column));
        }
        return list;
    }

    /** The REMARKS of each column of a table, by column name. */
    private static Map<String, String> columnRemarks(DatabaseMetaData md, String schema, String table)
            throws SQLException {
        Map<String, String> remarks = new LinkedHashMap<>();
        for (Map<String, Object> row : rows(md.getColumns(null, schema, table, null), "COLUMN_NAME", "REMARKS")) {
            remarks.put((String) row.get("COLUMN_NAME"), (String) row.get("REMARKS"));
        }
        return remarks;
    }

    private static String tableRemarks(DatabaseMetaData md, String schema, String table) throws SQLException {
        List<Map<String, Object>> rows = rows(md.getTables(null, schema, table, null), "REMARKS");
        assertEquals(1, rows.size(), schema + "." + table);
        return (String) rows.get(0).get("REMARKS");
    }

    private static String key(Map<String, Object> row) {
        return row.get("FKTABLE_SCHEM") + "." + row.get("FKTABLE_NAME") + "." + row.get("FKCOLUMN_NAME") + "->"
                + row.get("PKTABLE_SCHEM") + "." + row.get("PKTABLE_NAME") + "." + row.get("PKCOLUMN_NAME");
    }

    private static List<String> keys(ResultSet rs) throws SQLException {
        List<String> keys = new ArrayList<>();
        for (Map<String, Object> row : rows(
                rs,
                "FKTABLE_SCHEM",
                "FKTABLE_NAME",
                "FKCOLUMN_NAME",
                "PKTABLE_SCHEM",
                "PKTABLE_NAME",
                "PKCOLUMN_NAME",
                "FK_NAME",
                "KEY_SEQ")) {
            assertNotNull(row.get("FK_NAME"));
            assertEquals(1, ((Number) row.get("KEY_SEQ")).intValue());
            keys.add(key(row));
        }
        return keys;
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void privacyUnitPathsAreImportedKeys(Driver d) throws SQLException {
        String orders = "shop.orders.customer_id->shop.customers.customer_id";
        String payments = "shop.payments.cust->shop.customers.customer_id";
        try (Connection c = ana(d)) {
            DatabaseMetaData md = c.getMetaData();
            assertEquals(List.of(orders), keys(md.getImportedKeys(null, "shop", "orders")));
            assertEquals(List.of(), keys(md.getImportedKeys(null, "shop", "customers")));
            // payments.cust is HIDDEN from analysts: its key is not shown to them.
            assertEquals(List.of(orders), keys(md.getExportedKeys(null, "shop", "customers")));
            assertEquals(List.of(), keys(md.getImportedKeys(null, "shop", "payments")));
            assertEquals(
                    List.of(orders), keys(md.getCrossReference(null, "shop", "customers", null, "shop", "orders")));
            // Veil declares no primary keys.
            assertEquals(List.of(), rows(md.getPrimaryKeys(null, "shop", "customers"), "COLUMN_NAME"));
        }
        try (Connection c = admin(d)) {
            DatabaseMetaData md = c.getMetaData();
            assertEquals(List.of(orders, payments), keys(md.getExportedKeys(null, "shop", "customers")));
            assertEquals(List.of(payments), keys(md.getImportedKeys(null, "shop", "payments")));
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void remarksStateEachColumnsClassAndEachTablesPoliciesForTheCaller(Driver d) throws SQLException {
        try (Connection c = ana(d)) {
            DatabaseMetaData md = c.getMetaData();
            Map<String, String> customers = columnRemarks(md, "shop", "customers");
            assertEquals(List.of("customer_id", "name", "city", "income", "phone"), List.copyOf(customers.keySet()));
            assertEquals("PUBLIC; PRIVACY UNIT", customers.get("customer_id"));
            assertEquals("MASKED: HASH", customers.get("name"));
            assertEquals("AGGREGATE ONLY, bounds 0..1000", customers.get("income"));
            // The support role's mask does not apply to ana and is not shown to her.
            assertEquals("PUBLIC", customers.get("phone"));
            String table = tableRemarks(md, "shop", "customers");
            assertEquals(
                    "PRIVACY UNIT (customer_id); MIN GROUP SIZE 3 SUPPRESS; ROW FILTER (predicate shown to admins only)",
                    table);
            assertEquals(
                    "PUBLIC; privacy unit key (PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (customer_id))",
                    columnRemarks(md, "shop", "orders").get("customer_id"));
            assertEquals(
                    "PRIVACY UNIT (id); DIFFERENTIAL PRIVACY (EPSILON 1, DELTA 0.000001, MAX GROUPS PER UNIT 1, "
                            + "MAX ROWS PER UNIT PER GROUP 1)",
                    tableRemarks(md, "dp", "people"));
            assertNull(tableRemarks(md, "shop", "regions"));
            assertNull(columnRemarks(md, "shop", "regions").get("code"));
            // Nothing an analyst reads in metadata names a protected value or a predicate.
            for (Map<String, Object> row : rows(md.getColumns(null, null, null, null), "REMARKS")) {
                String r = (String) row.get("REMARKS");
                assertFalse(r != null && (r.contains("Lyon") || r.contains("support") || r.contains("SHOW_LAST")), r);
            }
            for (Map<String, Object> row : rows(md.getTables(null, null, null, null), "REMARKS")) {
                String r = (String) row.get("REMARKS");
                assertFalse(r != null && (r.contains("Lyon") || r.contains("support")), r);
            }
        }
        try (Connection c = admin(d)) {
            DatabaseMetaData md = c.getMetaData();
            Map<String, String> customers = columnRemarks(md, "shop", "customers");
            assertEquals("HIDDEN", customers.get("email"));
            assertEquals("MASKED USING HASH", customers.get("name"));
            assertEquals("MASKED USING SHOW_LAST(2) (role support)", customers.get("phone"));
            assertEquals("AGGREGATE ONLY BOUNDS (0, 1000)", customers.get("income"));
            assertEquals("PRIVACY UNIT", customers.get("customer_id"));
            assertNull(customers.get("city"));
            assertEquals(
                    "PRIVACY UNIT (customer_id); MIN GROUP SIZE 3 SUPPRESS; ROW FILTER (\"city\" = 'Lyon')",
                    tableRemarks(md, "shop", "customers"));
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void systemTablesAreListedAsSystemTablesForThoseWhoMayReadThem(Driver d) throws SQLException {
        try (Connection c = ana(d)) {
            DatabaseMetaData md = c.getMetaData();
            assertEquals(List.of("SYSTEM TABLE", "TABLE", "VIEW"), strings(md.getTableTypes(), "TABLE_TYPE"));
            assertTrue(strings(md.getSchemas(), "TABLE_SCHEM").contains("veil"));
            assertEquals(
                    List.of("my_budget", "my_queries", "policies", "purposes", "running_statements"),
                    strings(md.getTables(null, "veil", null, new String[] {"SYSTEM TABLE"}), "TABLE_NAME"));
            assertEquals(
                    List.of("dp.people", "shop.customers", "shop.orders", "shop.payments", "shop.regions"),
                    rows(md.getTables(null, null, null, new String[] {"TABLE"}), "TABLE_SCHEM", "TABLE_NAME").stream()
                            .map(r -> r.get("TABLE_SCHEM") + "." + r.get("TABLE_NAME"))
                            .toList());
            List<String> all = strings(md.getTables(null, null, "%", null), "TABLE_TYPE");
            assertEquals(5, all.stream().filter("SYSTEM TABLE"::equals).count());
            List<String> columns = strings(md.getColumns(null, "veil", "policies", null), "COLUMN_NAME");
            assertEquals(
                    List.of("schema_name", "table_name", "column_name", "policy", "role_name", "definition"), columns);
            assertEquals(List.of(), strings(md.getColumns(null, "veil", "audit", null), "COLUMN_NAME"));
        }
        try (Connection c = admin(d)) {
            assertEquals(
                    List.of(
                            "audit",
                            "budget_ledger",
                            "consent_coverage",
                            "data_use",
                            "erasure_log",
                            "my_budget",
                            "my_queries",
                            "policies",
                            "purposes",
                            "running_statements"),
                    strings(c.getMetaData().getTables(null, "veil", null, null), "TABLE_NAME"));
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void functionsAndTypesAreListed(Driver d) throws SQLException {
        try (Connection c = ana(d)) {
            DatabaseMetaData md = c.getMetaData();
            Map<String, String> functions = new LinkedHashMap<>();
            for (Map<String, Object> row : rows(md.getFunctions(null, null, "%"), "FUNCTION_NAME", "REMARKS")) {
                functions.put((String) row.get("FUNCTION_NAME"), (String) row.get("REMARKS"));
            }
            for (String f : List.of("COUNT", "SUM", "AVG", "MIN", "MAX", "STDDEV_SAMP", "PERCENTILE_CONT")) {
                assertTrue(functions.get(f).startsWith("aggregate function"), f + ": " + functions.get(f));
            }
            for (String f : List.of("ABS", "ROUND", "UPPER", "SUBSTRING", "COALESCE", "DP_INTERVAL_LOW")) {
                assertEquals("scalar function", functions.get(f), f);
            }
            assertEquals("window function", functions.get("ROW_NUMBER"));
            assertEquals(List.of("ABS"), strings(md.getFunctions(null, null, "AB_"), "FUNCTION_NAME"));

            Map<String, List<Object>> types = new LinkedHashMap<>();
            for (Map<String, Object> row :
                    rows(md.getTypeInfo(), "TYPE_NAME", "DATA_TYPE", "PRECISION", "LITERAL_PREFIX", "MAXIMUM_SCALE")) {
                types.put((String) row.get("TYPE_NAME"), new ArrayList<>(row.values()).subList(1, 5));
            }
            assertEquals(
                    java.util.Set.of(
                            "BOOLEAN",
                            "INTEGER",
                            "INT",
                            "BIGINT",
                            "DECIMAL",
                            "NUMERIC",
                            "DOUBLE",
                            "DOUBLE PRECISION",
                            "FLOAT",
                            "REAL",
                            "VARCHAR",
                            "TEXT",
                            "CHAR",
                            "DATE",
                            "TIMESTAMP"),
                    types.keySet());
            List<Integer> order = types.values().stream()
                    .map(r -> ((Number) r.get(0)).intValue())
                    .toList();
            assertEquals(order.stream().sorted().toList(), order, "sorted by DATA_TYPE");
            assertEquals(java.util.Arrays.asList(Types.DECIMAL, 38, null, (short) 38), num(types.get("DECIMAL")));
            assertEquals(java.util.Arrays.asList(Types.DATE, 10, "DATE '", null), num(types.get("DATE")));
            assertEquals(
                    java.util.Arrays.asList(Types.TIMESTAMP, 23, "TIMESTAMP '", (short) 3),
                    num(types.get("TIMESTAMP")));
            assertEquals(java.util.Arrays.asList(Types.VARCHAR, 65536, "'", null), num(types.get("VARCHAR")));
            assertEquals(java.util.Arrays.asList(Types.BIGINT, 19, null, (short) 0), num(types.get("BIGINT")));
        }
    }

    /** DATA_TYPE and PRECISION as ints, MAXIMUM_SCALE as a short, whatever number types the driver returns. */
    private static List<Object> num(List<Object> row) {
        List<Object> out = new ArrayList<>();
        out.add(((Number) row.get(0)).intValue());
        out.add(((Number) row.get(1)).intValue());
        out.add(row.get(2));
        out.add(row.get(3) == null ? null : ((Number) row.get(3)).shortValue());
        return out;
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void theSessionHasASchemaForUnqualifiedNames(Driver d) throws SQLException {
        try (Connection c = ana(d);
                Statement s = c.createStatement()) {
            assertEquals("veil", c.getCatalog());
            assertEquals("public", c.getSchema());
            assertThrows(SQLException.class, () -> s.executeQuery("SELECT code FROM regions"));
            c.setSchema("shop");
            assertEquals("shop", c.getSchema());
            try (ResultSet rs = s.executeQuery("SELECT code FROM regions ORDER BY code")) {
                assertTrue(rs.next());
                assertEquals("LY", rs.getString(1));
            }
            SQLException e = assertThrows(SQLException.class, () -> c.setSchema("shopp"));
            assertEquals("3F000", e.getSQLState());
            assertTrue(e.getMessage().contains("shop"), e.getMessage());
            assertEquals("shop", c.getSchema());
            c.setAutoCommit(true);
            s.execute("SET SCHEMA dp");
            assertEquals("dp", c.getSchema());
            // Other connection properties do not set the schema back (Avatica's remote client
            // sends its last known properties with every change).
            c.setAutoCommit(false);
            c.setAutoCommit(true);
            assertEquals("dp", c.getSchema());
            assertThrows(SQLException.class, () -> s.executeQuery("SELECT code FROM regions"));
            s.execute("SET SCHEMA 'shop'");
            assertEquals("shop", c.getSchema());
            // The system schema may be the session's schema too.
            c.setSchema("veil");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM my_budget")) {
                assertTrue(rs.next());
            }
        }
        // A new connection starts in public again.
        try (Connection c = ana(d)) {
            assertEquals("public", c.getSchema());
        }
        try (Connection c = admin(d);
                Statement s = c.createStatement()) {
            s.execute("SET SCHEMA shop");
            s.execute("CREATE TABLE scratch (x INTEGER)");
            s.execute("INSERT INTO scratch VALUES (1)");
            try (ResultSet rs = s.executeQuery("SELECT x FROM shop.scratch")) {
                assertTrue(rs.next());
            }
            s.execute("DROP TABLE scratch");
        }
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void resultsHaveJavaTimeGettersBoxedClassNamesAndTheMetadataOfGetColumns(Driver d) throws SQLException {
        try (Connection c = admin(d);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT order_id, customer_id, amount, day, ts, qty, note FROM shop.orders")) {
            assertTrue(rs.next());
            assertEquals(LocalDate.of(2025, 1, 2), rs.getObject("day", LocalDate.class));
            assertEquals(LocalDate.of(2025, 1, 2), rs.getObject(4, LocalDate.class));
            assertEquals(LocalDateTime.of(2025, 1, 2, 10, 11, 12, 345_000_000), rs.getObject(5, LocalDateTime.class));
            assertEquals(LocalDate.of(2025, 1, 2), rs.getObject(5, LocalDate.class));
            ResultSetMetaData rsmd = rs.getMetaData();
            assertEquals("java.lang.Long", rsmd.getColumnClassName(1));
            assertEquals("java.math.BigDecimal", rsmd.getColumnClassName(3));
            assertEquals("java.sql.Date", rsmd.getColumnClassName(4));
            assertEquals("java.sql.Timestamp", rsmd.getColumnClassName(5));
            assertEquals("java.lang.Integer", rsmd.getColumnClassName(6));
            assertEquals("java.lang.String", rsmd.getColumnClassName(7));
            try (ResultSet cols = c.getMetaData().getColumns(null, "shop", "orders", null)) {
                int i = 0;
                while (cols.next()) {
                    i++;
                    String name = cols.getString("COLUMN_NAME");
                    assertEquals(name, rsmd.getColumnName(i));
                    assertEquals(cols.getInt("DATA_TYPE"), rsmd.getColumnType(i), name);
                    assertEquals(cols.getString("TYPE_NAME"), rsmd.getColumnTypeName(i), name);
                    assertEquals(cols.getInt("COLUMN_SIZE"), rsmd.getPrecision(i), name);
                    assertEquals(cols.getInt("DECIMAL_DIGITS"), rsmd.getScale(i), name);
                    assertEquals(cols.getInt("NULLABLE"), rsmd.isNullable(i), name);
                }
                assertEquals(7, i);
            }
            assertEquals(65536, rsmd.getPrecision(7));
            assertEquals(23, rsmd.getPrecision(5));
            assertEquals(3, rsmd.getScale(5));
            // NULLs read as null through the java.time getters.
            try (ResultSet nulls = s.executeQuery("SELECT CAST(NULL AS DATE), CAST(NULL AS TIMESTAMP)")) {
                assertTrue(nulls.next());
                assertNull(nulls.getObject(1, LocalDate.class));
                assertNull(nulls.getObject(2, LocalDateTime.class));
            }
            assertEquals(Map.of(), c.getTypeMap());
        }
        try (Connection c = ana(d)) {
            assertEquals(Map.of(), c.getTypeMap());
        }
    }
}
