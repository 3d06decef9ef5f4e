package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ADMIN_PASSWORD;
import static dev.veil.jdbc.TestServer.ANA_PASSWORD;
import static dev.veil.jdbc.TestServer.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalog SQL through the thin driver against a running server, as a BI tool's SQL editor sends
 * it: SHOW and DESCRIBE as result sets, information_schema in a prepared query with a parameter,
 * and the friendly names of unaliased expressions in the metadata of a prepared statement before it
 * runs and of its result.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CatalogSqlIT {
    @TempDir
    static Path dir;

    private static VeilServer server;
    private static String url;

    @BeforeAll
    static void start() throws SQLException {
        Path warehouse = TestServer.createWarehouse(dir);
        server = VeilServer.start(ServerConfig.of(warehouse).withPort(0));
        url = server.jdbcUrl();
        try (Connection c = connect(url, "admin", ADMIN_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA shop");
            s.execute("CREATE TABLE shop.customers (customer_id BIGINT NOT NULL, email VARCHAR, "
                    + "city VARCHAR NOT NULL, income INTEGER)");
            s.execute("INSERT INTO shop.customers VALUES (1, 'a@x.org', 'Lyon', 10), (2, 'b@x.org', 'Lyon', 20), "
                    + "(3, 'c@x.org', 'Lyon', 30)");
            s.execute("ALTER TABLE shop.customers SET PRIVACY UNIT (customer_id)");
            s.execute("ALTER TABLE shop.customers ALTER COLUMN email SET POLICY HIDDEN");
            s.execute("ALTER TABLE shop.customers ALTER COLUMN income SET POLICY AGGREGATE ONLY BOUNDS (0, 100)");
            s.execute("ALTER TABLE shop.customers SET MIN GROUP SIZE 3");
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<String> rows(ResultSet rs) throws SQLException {
        List<String> rows = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= n; i++) {
                row.append(i == 1 ? "" : " | ").append(rs.getString(i));
            }
            rows.add(row.toString());
        }
        return rows;
    }

    private static List<String> labels(ResultSetMetaData md) throws SQLException {
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            labels.add(md.getColumnLabel(i));
        }
        return labels;
    }

    @Test
    void showAndDescribeAnswerAsResultSetsForTheAnalyst() throws SQLException {
        try (Connection c = connect(url, "ana", ANA_PASSWORD);
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SHOW TABLES IN shop")) {
                assertEquals(List.of("schema_name", "table_name", "table_type"), labels(rs.getMetaData()));
                assertEquals(List.of("shop | customers | BASE TABLE"), rows(rs));
            }
            try (ResultSet rs = s.executeQuery("DESCRIBE shop.customers")) {
                assertEquals(
                        List.of("column_name", "data_type", "is_nullable", "column_class", "class_detail"),
                        labels(rs.getMetaData()));
                assertEquals(
                        List.of(
                                "customer_id | BIGINT | NO | PUBLIC | null",
                                "city | VARCHAR | NO | PUBLIC | null",
                                "income | INTEGER | YES | AGGREGATE ONLY | BOUNDS (0, 100)"),
                        rows(rs));
            }
            // Statement.execute reports a result set for SHOW, as for a query.
            assertEquals(true, s.execute("SHOW SCHEMAS"));
            assertEquals(List.of("information_schema", "public", "shop", "veil"), rows(s.getResultSet()));
        }
    }

    @Test
    void informationSchemaInAPreparedQueryWithAParameter() throws SQLException {
        try (Connection c = connect(url, "ana", ANA_PASSWORD);
                PreparedStatement ps = c.prepareStatement("SELECT column_name, column_class FROM "
                        + "information_schema.columns WHERE table_schema = ? ORDER BY ordinal_position")) {
            ps.setString(1, "shop");
            try (ResultSet rs = ps.executeQuery()) {
                assertEquals(List.of("customer_id | PUBLIC", "city | PUBLIC", "income | AGGREGATE ONLY"), rows(rs));
            }
        }
    }

    @Test
    void unaliasedExpressionsHaveFriendlyNamesBeforeAndAfterRunning() throws SQLException {
        try (Connection c = connect(url, "ana", ANA_PASSWORD);
                PreparedStatement ps =
                        c.prepareStatement("SELECT city, COUNT(*), SUM(income) FROM shop.customers GROUP BY city")) {
            assertEquals(List.of("city", "count(*)", "sum(income)"), labels(ps.getMetaData()));
            try (ResultSet rs = ps.executeQuery()) {
                assertEquals(List.of("city", "count(*)", "sum(income)"), labels(rs.getMetaData()));
                assertEquals(List.of("Lyon | 3 | 60"), rows(rs));
            }
        }
        // A query the privacy rewrite refuses is described with its validated columns, named the same way.
        try (Connection c = connect(url, "ana", ANA_PASSWORD);
                PreparedStatement ps =
                        c.prepareStatement("SELECT income, COUNT(*) FROM shop.customers GROUP BY income")) {
            assertEquals(List.of("income", "count(*)"), labels(ps.getMetaData()));
            SQLException e = assertThrows(SQLException.class, ps::executeQuery);
            assertTrue(e.getMessage().contains("POLICY_VIOLATION"), e.getMessage());
        }
    }
}
