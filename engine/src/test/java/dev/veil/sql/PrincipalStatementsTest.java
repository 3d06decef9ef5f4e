package dev.veil.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.Principals;
import dev.veil.session.EmbeddedDriver;
import dev.veil.storage.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Principal statements through the embedded driver, and the embedded driver's user rule. */
class PrincipalStatementsTest {
    @TempDir
    Path dir;

    private Connection connect(Path warehouse, String user) throws SQLException {
        Properties info = new Properties();
        if (user != null) {
            info.setProperty("user", user);
        }
        return DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse, info);
    }

    private Path warehouse() {
        Path wh = dir.resolve("wh");
        try (Warehouse w = Warehouse.create(wh)) {
            w.catalog().createSchema("public", true);
        }
        return wh;
    }

    @Test
    void adminManagesPrincipalsAndOthersAreDenied() throws SQLException {
        Path wh = warehouse();
        try (Connection c = connect(wh, null);
                Statement s = c.createStatement()) {
            // No users yet: the default user 'admin' may create itself (and from then on is admin by grant).
            s.execute("CREATE USER admin PASSWORD 'admin-pw-long-secret' ROLE admin");
            s.execute("CREATE ROLE marketing");
            s.execute("CREATE ROLE IF NOT EXISTS marketing");
            s.execute("CREATE USER ana PASSWORD 'ana-pw-long-secret'");
            s.execute("CREATE USER IF NOT EXISTS ana PASSWORD 'other-long-secret'");
            s.execute("CREATE USER mia PASSWORD 'mia-pw-long-secret' ROLE marketing");
        }
        try (Connection c = connect(wh, "ana");
                Statement s = c.createStatement()) {
            for (String sql : List.of(
                    "CREATE ROLE r",
                    "DROP ROLE marketing",
                    "CREATE USER x PASSWORD 'pw-x-long-secret'",
                    "ALTER USER ana PASSWORD 'pw-y-long-secret'",
                    "GRANT ROLE admin TO USER ana",
                    "DROP USER mia")) {
                SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
                assertEquals(16, e.getErrorCode(), sql);
                assertFalse(e.getMessage().contains("pw-"), e.getMessage());
            }
        }
        try (Connection c = connect(wh, "admin");
                Statement s = c.createStatement()) {
            s.execute("GRANT ROLE analyst TO USER mia");
            s.execute("ALTER USER ana PASSWORD 'ana-pw-2-long-secret'");
            s.execute("DROP USER IF EXISTS nobody");
            SQLException unknown = assertThrows(SQLException.class, () -> s.execute("DROP USER nobody"));
            assertEquals(24, unknown.getErrorCode());
            assertEquals("42704", unknown.getSQLState());
            SQLException last = assertThrows(SQLException.class, () -> s.execute("DROP USER admin"));
            assertEquals(7, last.getErrorCode());
            s.execute("DROP ROLE marketing");
        }
        try (Warehouse w = Warehouse.open(wh)) {
            Principals principals = new Principals(w.sqliteCatalog());
            assertEquals(Set.of("analyst"), principals.requireUser("mia").roles());
            assertTrue(principals.verifyPassword("ana", "ana-pw-2-long-secret").isPresent());
            assertEquals(List.of("admin", "ana", "mia"), principals.users());
        }
    }

    @Test
    void embeddedUserMustExistOnceUsersExist() throws SQLException {
        Path wh = warehouse();
        try (Connection c = connect(wh, "anyone")) {
            assertFalse(c.isClosed(), "a warehouse without users trusts whoever opens it");
        }
        try (Warehouse w = Warehouse.open(wh)) {
            new Principals(w.sqliteCatalog()).createUser("ana", "ana-pw-long-secret", null, false);
        }
        SQLException e = assertThrows(SQLException.class, () -> connect(wh, "anyone"));
        assertEquals(24, e.getErrorCode());
        assertTrue(e.getMessage().contains("User 'anyone' does not exist"), e.getMessage());
        assertThrows(SQLException.class, () -> connect(wh, null), "the default admin does not exist either");
        try (Connection c = connect(wh, "ana");
                Statement s = c.createStatement()) {
            SQLException denied = assertThrows(SQLException.class, () -> s.execute("CREATE ROLE r"));
            assertEquals(16, denied.getErrorCode());
        }
    }
}
