package dev.veil.policy;

import dev.veil.catalog.SqliteCatalog;
import dev.veil.session.EmbeddedDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A warehouse for policy and audit tests: the shop schema (customers, orders, lines, products),
 * the roles {@code support} and {@code eu}, and users {@value #ADMIN} (admin), {@value #ANA}
 * (analyst), {@value #SAM} (analyst and support), {@value #EVE} (eu only). The users have no
 * usable password (making one is slow by design); the embedded driver needs none. One template
 * is made per test JVM and copied per test.
 */
public final class PolicyTestWarehouse {
    public static final String ADMIN = "admin";
    public static final String ANA = "ana";
    public static final String SAM = "sam";
    public static final String EVE = "eve";

    private static final List<String> SETUP = List.of(
            "CREATE SCHEMA shop",
            "CREATE TABLE shop.customers (id BIGINT NOT NULL, name VARCHAR, email VARCHAR, phone VARCHAR, "
                    + "birth DATE, zip VARCHAR, region VARCHAR, score DOUBLE, joined TIMESTAMP, vip BOOLEAN)",
            "CREATE TABLE shop.orders (id BIGINT NOT NULL, customer_id BIGINT, amount DECIMAL(12,2), qty INTEGER, "
                    + "day DATE, status VARCHAR)",
            "CREATE TABLE shop.lines (id BIGINT NOT NULL, order_id BIGINT, product_id INTEGER, price DOUBLE)",
            "CREATE TABLE shop.products (id INTEGER NOT NULL, name VARCHAR, category VARCHAR)",
            "INSERT INTO shop.customers VALUES (1, 'Ann', 'ann@x.org', '555-0101', DATE '1980-04-02', '75001', 'EU', "
                    + "1.5, TIMESTAMP '2024-01-02 03:04:05', TRUE)",
            "CREATE ROLE support",
            "CREATE ROLE eu");

    /** User, role grants. Written straight into the catalog: the embedded driver checks no password. */
    private static final List<List<String>> USERS = List.of(
            List.of(ADMIN, "admin"), List.of(ANA, "analyst"), List.of(SAM, "analyst", "support"), List.of(EVE, "eu"));

    private static Path template;

    private PolicyTestWarehouse() {}

    /** A fresh copy of the template warehouse at {@code dir}/wh. */
    public static Path copy(Path dir) throws IOException {
        Path source = template();
        Path target = dir.resolve("wh");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else if (!p.getFileName().toString().equals("veil.lock")) {
                    Files.copy(p, to);
                }
            }
        }
        return target;
    }

    /** A connection to the warehouse as {@code user} (the embedded driver trusts the caller). */
    public static Connection connect(Path warehouse, String user) throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", user);
        return DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse, info);
    }

    /** The rows of a query, values as JDBC returns them. */
    public static List<List<Object>> rows(Statement statement, String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static synchronized Path template() throws IOException {
        if (template == null) {
            Path dir = Files.createTempDirectory("veil-policy-template");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            Path wh = dir.resolve("wh");
            Properties info = new Properties();
            info.setProperty("user", ADMIN);
            try (Connection c = DriverManager.getConnection(EmbeddedDriver.PREFIX + wh + ";create=true", info);
                    Statement s = c.createStatement()) {
                for (String sql : SETUP) {
                    s.execute(sql);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot make the template warehouse", e);
            }
            try (SqliteCatalog catalog = SqliteCatalog.open(wh.resolve(SqliteCatalog.FILE_NAME))) {
                catalog.write(c -> {
                    for (List<String> user : USERS) {
                        try (PreparedStatement ps = c.prepareStatement(
                                "INSERT INTO users (name, password_hash, created_at) VALUES (?, 'no password', 0)")) {
                            ps.setString(1, user.get(0));
                            ps.executeUpdate();
                        }
                        for (String role : user.subList(1, user.size())) {
                            try (PreparedStatement ps =
                                    c.prepareStatement("INSERT INTO user_roles (user_name, role_name) VALUES (?, ?)")) {
                                ps.setString(1, user.get(0));
                                ps.setString(2, role);
                                ps.executeUpdate();
                            }
                        }
                    }
                    return null;
                });
            }
            template = wh;
        }
        return template;
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort at exit
        }
    }
}
