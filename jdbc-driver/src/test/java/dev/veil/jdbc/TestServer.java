package dev.veil.jdbc;

import dev.veil.catalog.Principals;
import dev.veil.server.VeilServer;
import dev.veil.storage.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A warehouse for the integration tests with users {@code admin} (admin) and {@code ana}
 * (analyst), a small table {@code shop.orders} and a 2,000-row table {@code shop.big} in 20
 * segments (its three-way cross join runs for minutes unless cancelled).
 */
final class TestServer {
    static final String ADMIN_PASSWORD = "admin-pw-7f3";
    static final String ANA_PASSWORD = "ana-pw-91c-long-secret";

    private TestServer() {}

    static Path createWarehouse(Path dir) {
        Path warehouse = dir.resolve("wh");
        try (Warehouse w = Warehouse.create(warehouse)) {
            w.catalog().createSchema("public", true);
            Principals principals = new Principals(w.sqliteCatalog());
            principals.createUser("admin", ADMIN_PASSWORD, "admin", false);
            principals.createUser("ana", ANA_PASSWORD, null, false);
        }
        return warehouse;
    }

    static Properties credentials(String user, String password) {
        Properties info = new Properties();
        info.setProperty("user", user);
        info.setProperty("password", password);
        return info;
    }

    static Connection connect(String url, String user, String password) throws SQLException {
        return DriverManager.getConnection(url, credentials(user, password));
    }

    /** Loads the test tables through the thin driver, as admin. */
    static void loadData(VeilServer server) throws SQLException {
        loadData(server, credentials("admin", ADMIN_PASSWORD), true);
    }

    /** Loads {@code shop.orders}, and {@code shop.big} when {@code withBig}. */
    static void loadData(VeilServer server, Properties adminInfo, boolean withBig) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), adminInfo);
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA shop");
            s.execute("CREATE TABLE shop.orders (id BIGINT NOT NULL, city VARCHAR, amount DECIMAL(12,2), "
                    + "order_day DATE, ts TIMESTAMP, paid BOOLEAN, ratio DOUBLE)");
            s.execute("INSERT INTO shop.orders VALUES "
                    + "(1, 'Lyon', 10.50, DATE '2025-01-02', TIMESTAMP '2025-01-02 10:00:00', TRUE, 0.5),"
                    + "(2, 'Lyon', 20.25, DATE '2025-02-03', TIMESTAMP '2025-02-03 11:30:00', FALSE, 1.5),"
                    + "(3, 'Porto', 5.00, DATE '2025-02-04', NULL, NULL, NULL)");
            if (!withBig) {
                return;
            }
            s.execute("CREATE TABLE shop.big (x BIGINT NOT NULL)");
            for (int segment = 0; segment < 20; segment++) {
                StringBuilder sql = new StringBuilder("INSERT INTO shop.big VALUES ");
                for (int i = 0; i < 100; i++) {
                    sql.append(i == 0 ? "" : ",")
                            .append('(')
                            .append(segment * 100 + i)
                            .append(')');
                }
                s.execute(sql.toString());
            }
        }
    }

    /** A query that runs for minutes unless cancelled (8e9 rows joined), checking the cancel flag often. */
    static final String ENDLESS_QUERY =
            "SELECT COUNT(*) FROM shop.big a, shop.big b, shop.big c WHERE a.x + b.x + c.x = -1";
}
