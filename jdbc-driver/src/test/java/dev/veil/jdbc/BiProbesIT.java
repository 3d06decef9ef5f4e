package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ADMIN_PASSWORD;
import static dev.veil.jdbc.TestServer.ANA_PASSWORD;
import static dev.veil.jdbc.TestServer.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What BI tools send first, through the thin driver against a running server: zero-row probes
 * ({@code WHERE 1 = 0}, {@code LIMIT 0}) answered with the result's columns and no rows, for every
 * user, on protected tables too, without charging budget; prepared statements that describe
 * their columns and parameters before they run; and {@code ?} parameters bound as constants that
 * the privacy rewrite treats like the literal.
 *
 * <p>{@code shop.customers} (privacy unit customer_id, 7 customers: Lyon 1-4, Porto 5-7):
 * {@code email} HIDDEN, {@code name} masked with REDACT, {@code income} AGGREGATE ONLY (0..100000),
 * groups of at least 3. {@code shop.orders} has a row filter {@code city = 'Lyon'} for everyone
 * but admins. {@code dp.people}: 400 people in groups g0..g3 under differential privacy; ana's
 * budget has epsilon 5 in all.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BiProbesIT {
    @TempDir
    static Path dir;

    private static VeilServer server;
    private static String url;

    @BeforeAll
    static void start() throws SQLException {
        Path warehouse = TestServer.createWarehouse(dir);
        server = VeilServer.start(ServerConfig.of(warehouse).withPort(0));
        url = server.jdbcUrl();
        try (Connection c = admin();
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA shop");
            s.execute("CREATE TABLE shop.customers (customer_id BIGINT NOT NULL, name VARCHAR NOT NULL, "
                    + "email VARCHAR, city VARCHAR NOT NULL, income INTEGER)");
            s.execute("INSERT INTO shop.customers VALUES "
                    + "(1, 'Ada', 'a@x.org', 'Lyon', 50000), (2, 'Ben', 'b@x.org', 'Lyon', 40000), "
                    + "(3, 'Cy', 'c@x.org', 'Lyon', 30000), (4, 'Dee', 'd@x.org', 'Lyon', 60000), "
                    + "(5, 'Eve', 'e@x.org', 'Porto', 20000), (6, 'Flo', 'f@x.org', 'Porto', 35000), "
                    + "(7, 'Gus', 'g@x.org', 'Porto', 45000)");
            s.execute("ALTER TABLE shop.customers SET PRIVACY UNIT (customer_id)");
            s.execute("ALTER TABLE shop.customers ALTER COLUMN email SET POLICY HIDDEN");
            s.execute("ALTER TABLE shop.customers ALTER COLUMN name SET POLICY MASKED USING REDACT");
            s.execute("ALTER TABLE shop.customers ALTER COLUMN income SET POLICY AGGREGATE ONLY BOUNDS (0, 100000)");
            s.execute("ALTER TABLE shop.customers SET MIN GROUP SIZE 3");
            s.execute("CREATE TABLE shop.orders (id BIGINT NOT NULL, city VARCHAR NOT NULL, amount DECIMAL(12,2), "
                    + "day DATE, ts TIMESTAMP)");
            s.execute("INSERT INTO shop.orders VALUES "
                    + "(1, 'Lyon', 10.50, DATE '2025-01-02', TIMESTAMP '2025-01-02 10:00:00'), "
                    + "(2, 'Lyon', 20.25, DATE '2025-02-03', TIMESTAMP '2025-02-03 11:30:00'), "
                    + "(3, 'Porto', 5.00, DATE '2025-02-04', TIMESTAMP '2025-02-04 12:00:00')");
            s.execute("ALTER TABLE shop.orders SET ROW FILTER (city = 'Lyon')");
            s.execute("CREATE SCHEMA dp");
            s.execute("CREATE TABLE dp.people (id BIGINT NOT NULL, grp VARCHAR NOT NULL, v INTEGER NOT NULL)");
            StringBuilder rows = new StringBuilder();
            for (int i = 0; i < 400; i++) {
                rows.append(i == 0 ? "" : ", ")
                        .append('(')
                        .append(i)
                        .append(", 'g")
                        .append(i % 4)
                        .append("', 5)");
            }
            s.execute("INSERT INTO dp.people VALUES " + rows);
            s.execute("ALTER TABLE dp.people SET PRIVACY UNIT (id)");
            s.execute("ALTER TABLE dp.people ALTER COLUMN v SET POLICY AGGREGATE ONLY BOUNDS (0, 10)");
            s.execute("ALTER TABLE dp.people SET DIFFERENTIAL PRIVACY (EPSILON 1.0, DELTA 1e-6, "
                    + "MAX GROUPS PER UNIT 1, MAX ROWS PER UNIT PER GROUP 1)");
            s.execute("CREATE PRIVACY BUDGET small LIMIT (EPSILON 5, DELTA 1e-3) WINDOW NEVER");
            s.execute("ALTER USER ana SET PRIVACY BUDGET small");
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Connection ana() throws SQLException {
        return connect(url, "ana", ANA_PASSWORD);
    }

    private static Connection admin() throws SQLException {
        return connect(url, "admin", ADMIN_PASSWORD);
    }

    /** The labels and JDBC type names of a result's columns, as {@code label:TYPE}. */
    private static List<String> columns(ResultSetMetaData md) throws SQLException {
        List<String> list = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            list.add(md.getColumnLabel(i) + ":" + md.getColumnTypeName(i));
        }
        return list;
    }

    /** Runs a probe: it must answer with no rows; returns its columns. */
    private static List<String> probe(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<String> columns = columns(rs.getMetaData());
            assertFalse(rs.next(), sql);
            return columns;
        }
    }

    private static double epsilonSpent(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT epsilon_spent FROM veil.my_budget")) {
            assertTrue(rs.next());
            return rs.getDouble(1);
        }
    }

    private static SQLException refused(Connection c, String sql) {
        return assertThrows(SQLException.class, () -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    // drain
                }
            }
        });
    }

    private static final List<String> CUSTOMER_COLUMNS =
            List.of("customer_id:BIGINT", "name:VARCHAR", "city:VARCHAR", "income:INTEGER");

    @Test
    void zeroRowProbesAnswerWithTheColumnsForEveryUser() throws SQLException {
        try (Connection ana = ana();
                Connection admin = admin()) {
            // SELECT * with an AGGREGATE ONLY column is refused when it would return rows.
            SQLException e = refused(ana, "SELECT * FROM shop.customers");
            assertEquals("42V01", e.getSQLState());
            for (String probe : List.of(
                    "SELECT * FROM shop.customers WHERE 1=0",
                    "SELECT * FROM shop.customers WHERE 1 = 0 AND city = 'Lyon'",
                    "SELECT * FROM shop.customers LIMIT 0",
                    "SELECT * FROM shop.customers FETCH FIRST 0 ROWS ONLY",
                    "SELECT * FROM shop.customers ORDER BY city OFFSET 3 ROWS FETCH FIRST 0 ROWS ONLY",
                    "SELECT * FROM (SELECT * FROM shop.customers) t WHERE FALSE")) {
                // The HIDDEN email is absent for ana, as in SELECT * and in JDBC metadata.
                assertEquals(CUSTOMER_COLUMNS, probe(ana, probe), probe);
            }
            assertEquals(
                    List.of("customer_id:BIGINT", "name:VARCHAR", "email:VARCHAR", "city:VARCHAR", "income:INTEGER"),
                    probe(admin, "SELECT * FROM shop.customers WHERE 1=0"));
            // Joins and aggregates: the columns the allowed query returns.
            assertEquals(
                    List.of("city:VARCHAR", "n:BIGINT", "total:BIGINT"),
                    probe(
                            ana,
                            "SELECT city, COUNT(*) AS n, SUM(income) AS total FROM shop.customers "
                                    + "GROUP BY city LIMIT 0"));
            assertEquals(
                    List.of("id:BIGINT", "amount:DECIMAL", "city:VARCHAR"),
                    probe(
                            ana,
                            "SELECT o.id, o.amount, c.city FROM shop.orders o JOIN shop.customers c "
                                    + "ON o.city = c.city WHERE 1 = 0"));
        }
    }

    @Test
    void probesOfDifferentiallyPrivateQueriesHaveTheirTypesAndChargeNothing() throws SQLException {
        try (Connection ana = ana()) {
            double before = epsilonSpent(ana);
            String query = "SELECT grp, COUNT(*) AS n, SUM(v) AS s, AVG(v) AS a FROM dp.people GROUP BY grp";
            List<String> probed = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                probed = probe(ana, query + " LIMIT 0");
                assertEquals(
                        probed,
                        probe(
                                ana,
                                "SELECT grp, COUNT(*) AS n, SUM(v) AS s, AVG(v) AS a "
                                        + "FROM dp.people WHERE 1 = 0 GROUP BY grp"));
            }
            assertEquals(before, epsilonSpent(ana), "probes are free");
            List<String> real;
            try (Statement s = ana.createStatement();
                    ResultSet rs = s.executeQuery(query)) {
                real = columns(rs.getMetaData());
            }
            assertEquals(real, probed);
            assertTrue(epsilonSpent(ana) > before, "the real query is charged");
        }
        try (Connection admin = admin();
                Statement s = admin.createStatement();
                ResultSet rs = s.executeQuery("SELECT decision, rows_returned, epsilon FROM veil.audit "
                        + "WHERE user_name = 'ana' AND statement LIKE '%dp.people%LIMIT 0'")) {
            int entries = 0;
            while (rs.next()) {
                entries++;
                assertEquals("ALLOWED", rs.getString(1));
                assertEquals(0, rs.getLong(2));
                assertEquals(0.0, rs.getDouble(3));
            }
            assertEquals(20, entries);
        }
    }

    @Test
    void probesDecideOnThePlanNeverOnData() throws SQLException {
        try (Connection ana = ana()) {
            // A condition that happens to match nothing is still refused, as before.
            for (String sql : List.of(
                    "SELECT * FROM shop.customers WHERE customer_id = 99",
                    "SELECT * FROM shop.customers WHERE 1 = 0 OR customer_id = 99",
                    "SELECT * FROM shop.customers WHERE city = 'Nowhere' LIMIT 1",
                    "SELECT c.* FROM shop.customers c LEFT JOIN (SELECT * FROM shop.orders LIMIT 0) o ON o.city = c.city",
                    "SELECT * FROM shop.customers OFFSET 100 ROWS")) {
                assertEquals("42V01", refused(ana, sql).getSQLState(), sql);
            }
            // An empty side of an inner join empties the join whatever the data: a probe.
            assertEquals(
                    List.of("customer_id:BIGINT", "city:VARCHAR"),
                    probe(
                            ana,
                            "SELECT c.customer_id, c.city FROM shop.customers c "
                                    + "JOIN (SELECT * FROM shop.orders LIMIT 0) o ON o.city = c.city"));
            // A LIMIT computed by a sub-query is not a constant: refused, or not a probe.
            assertTrue(refused(ana, "SELECT * FROM shop.customers LIMIT (SELECT COUNT(*) FROM shop.orders)")
                    .getMessage()
                    .startsWith("VEIL-"));
            // HIDDEN columns stay unknown: naming one fails in a probe as elsewhere.
            SQLException hidden = refused(ana, "SELECT email FROM shop.customers WHERE 1 = 0");
            assertEquals("42V01", hidden.getSQLState());
            assertTrue(hidden.getMessage().contains("HIDDEN"), hidden.getMessage());
        }
    }

    @Test
    void preparedStatementsDescribeColumnsBeforeTheyRun() throws SQLException {
        try (Connection ana = ana();
                PreparedStatement p = ana.prepareStatement(
                        "SELECT city, COUNT(*) AS n, SUM(income) AS total FROM shop.customers GROUP BY city")) {
            ResultSetMetaData md = p.getMetaData();
            assertEquals(List.of("city:VARCHAR", "n:BIGINT", "total:BIGINT"), columns(md));
            assertEquals("city", md.getColumnName(1));
            assertEquals(0, p.getParameterMetaData().getParameterCount());
            try (ResultSet rs = p.executeQuery()) {
                assertEquals(columns(md), columns(rs.getMetaData()));
            }
        }
        try (Connection ana = ana();
                PreparedStatement p = ana.prepareStatement("SELECT * FROM shop.customers")) {
            // Refused when run, but described like its probe.
            assertEquals(CUSTOMER_COLUMNS, columns(p.getMetaData()));
            assertThrows(SQLException.class, p::executeQuery);
        }
    }

    @Test
    void parametersAreBoundAsConstants() throws SQLException {
        try (Connection ana = ana();
                PreparedStatement p = ana.prepareStatement(
                        "SELECT id, amount, day FROM shop.orders WHERE amount > ? AND day >= ? AND city = ? ORDER BY id")) {
            ParameterMetaData pm = p.getParameterMetaData();
            assertEquals(3, pm.getParameterCount());
            assertEquals(Types.DECIMAL, pm.getParameterType(1));
            assertEquals(Types.DATE, pm.getParameterType(2));
            assertEquals(Types.VARCHAR, pm.getParameterType(3));
            assertEquals(List.of("id:BIGINT", "amount:DECIMAL", "day:DATE"), columns(p.getMetaData()));
            p.setBigDecimal(1, new BigDecimal("10.00"));
            p.setDate(2, java.sql.Date.valueOf("2025-01-01"));
            p.setString(3, "Lyon");
            assertEquals(List.of(1L, 2L), ids(p));
            // The row filter applies to the bound query as to any: Porto's order stays invisible.
            p.setBigDecimal(1, BigDecimal.ZERO);
            p.setString(3, "Porto");
            assertEquals(List.of(), ids(p));
            p.setDate(2, java.sql.Date.valueOf("2025-02-01"));
            p.setString(3, "Lyon");
            assertEquals(List.of(2L), ids(p));
            // A date may come as ISO text.
            p.setString(2, "2025-01-02");
            assertEquals(List.of(1L, 2L), ids(p));
            p.setString(2, "yesterday");
            assertEquals(
                    "22023", assertThrows(SQLException.class, p::executeQuery).getSQLState());
        }
        try (Connection ana = ana();
                PreparedStatement p = ana.prepareStatement("SELECT id FROM shop.orders WHERE ts = ? OR id = ?")) {
            p.setTimestamp(1, java.sql.Timestamp.valueOf("2025-01-02 10:00:00"));
            p.setLong(2, 2);
            assertEquals(List.of(1L, 2L), ids(p));
            p.setNull(1, Types.TIMESTAMP);
            p.setLong(2, -1);
            assertEquals(List.of(), ids(p));
        }
    }

    @Test
    void aParameterComparedWithAPrivacyUnitBehavesLikeTheLiteral() throws SQLException {
        try (Connection ana = ana()) {
            String literal = refused(ana, "SELECT COUNT(*) FROM shop.customers WHERE customer_id = 3")
                    .getMessage();
            try (PreparedStatement p =
                    ana.prepareStatement("SELECT COUNT(*) FROM shop.customers WHERE customer_id = ?")) {
                p.setLong(1, 3);
                SQLException e = assertThrows(SQLException.class, () -> ids(p));
                assertEquals("42V01", e.getSQLState());
                assertEquals(literal, e.getMessage());
            }
            try (PreparedStatement p = ana.prepareStatement(
                    "SELECT city, COUNT(*) FROM shop.customers WHERE income >= ? GROUP BY city ORDER BY city")) {
                p.setInt(1, 0);
                try (ResultSet rs = p.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals("Lyon", rs.getString(1));
                    assertEquals(4, rs.getLong(2));
                    assertTrue(rs.next());
                    assertEquals("Porto", rs.getString(1));
                    assertEquals(3, rs.getLong(2));
                    assertFalse(rs.next());
                }
            }
        }
    }

    @Test
    void differentiallyPrivateQueryWithAParameterIsChargedOncePerRun() throws SQLException {
        try (Connection ana = ana();
                PreparedStatement p = ana.prepareStatement(
                        "SELECT grp, COUNT(*) AS n FROM dp.people WHERE grp <> ? GROUP BY grp ORDER BY grp")) {
            assertEquals(1, p.getParameterMetaData().getParameterCount());
            assertEquals(Types.VARCHAR, p.getParameterMetaData().getParameterType(1));
            List<String> described = columns(p.getMetaData());
            double before = epsilonSpent(ana);
            p.setString(1, "g0");
            try (ResultSet rs = p.executeQuery()) {
                assertEquals(described, columns(rs.getMetaData()));
                int groups = 0;
                while (rs.next()) {
                    assertFalse(rs.getString(1).equals("g0"));
                    groups++;
                }
                assertTrue(groups <= 3);
            }
            double after = epsilonSpent(ana);
            assertEquals(1.0, after - before, 1e-9);
        }
    }

    @Test
    void wrongParametersGetClearErrors() throws SQLException {
        try (Connection ana = ana();
                PreparedStatement p = ana.prepareStatement("SELECT id FROM shop.orders WHERE id = ? AND city = ?")) {
            p.setString(1, "one");
            p.setString(2, "Lyon");
            SQLException type = assertThrows(SQLException.class, p::executeQuery);
            assertEquals("22023", type.getSQLState());
            assertEquals(32, type.getErrorCode());
            assertInstanceOf(SQLDataException.class, type);
            assertEquals(
                    "VEIL-0032 INVALID_PARAMETER: Parameter 1 must be a BIGINT; the value given is a string",
                    type.getMessage());
            p.setLong(1, 1);
            p.setDouble(2, 1.5);
            assertEquals(
                    "22023", assertThrows(SQLException.class, p::executeQuery).getSQLState());
            p.clearParameters();
            p.setLong(1, 1);
            SQLException count = assertThrows(SQLException.class, p::executeQuery);
            assertEquals("07001", count.getSQLState(), count.getMessage());
            assertEquals(31, count.getErrorCode());
            assertEquals(
                    "VEIL-0031 WRONG_PARAMETER_COUNT: No value was set for parameter 2 (set NULL explicitly with setNull)",
                    count.getMessage());
            // The statement stays usable.
            p.setLong(1, 1);
            p.setString(2, "Lyon");
            assertEquals(List.of(1L), ids(p));
        }
        try (Connection admin = admin()) {
            SQLException ddl = assertThrows(
                    SQLException.class,
                    () -> admin.prepareStatement("ALTER TABLE shop.customers SET MIN GROUP SIZE ?"));
            // The grammar of policy statements has no parameters.
            assertEquals("42601", ddl.getSQLState());
            assertTrue(ddl.getMessage().startsWith("VEIL-0001 SYNTAX_ERROR: "), ddl.getMessage());
            SQLException insert = assertThrows(
                    SQLException.class,
                    () -> admin.prepareStatement("INSERT INTO shop.orders VALUES (?, ?, 1, NULL, NULL)"));
            assertEquals("0A000", insert.getSQLState());
            assertEquals(
                    "VEIL-0008 NOT_SUPPORTED: Parameters (?) are supported in queries only; write the values into this statement",
                    insert.getMessage());
            // A query that does not validate fails when prepared, with the server's message.
            SQLException unknown = assertThrows(
                    SQLException.class, () -> admin.prepareStatement("SELECT * FROM shop.nope WHERE id = ?"));
            assertTrue(unknown.getMessage().startsWith("VEIL-0003 UNKNOWN_TABLE: "), unknown.getMessage());
        }
    }

    private static List<Long> ids(PreparedStatement p) throws SQLException {
        List<Long> list = new ArrayList<>();
        try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                list.add(rs.getLong(1));
            }
        }
        return list;
    }
}
