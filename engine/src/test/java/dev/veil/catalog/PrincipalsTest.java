package dev.veil.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrincipalsTest {
    @TempDir
    Path dir;

    private SqliteCatalog open() {
        return SqliteCatalog.open(dir.resolve(SqliteCatalog.FILE_NAME));
    }

    @Test
    void builtInRolesExistAndUserWithoutRoleIsAnalyst() {
        try (SqliteCatalog catalog = open()) {
            Principals principals = new Principals(catalog);
            assertEquals(List.of("admin", "analyst"), principals.roles());
            assertFalse(principals.hasUsers());
            principals.createUser("ana", "pw-ana-long-secret", null, false);
            assertEquals(Set.of("analyst"), principals.requireUser("ana").roles());
            assertFalse(principals.requireUser("ana").isAdmin());
            assertTrue(principals.hasUsers());
        }
    }

    @Test
    void passwordIsStoredAsSaltedPbkdf2HashOnly() {
        try (SqliteCatalog catalog = open()) {
            Principals principals = new Principals(catalog);
            principals.createUser("u1", "same-secret-long-secret", null, false);
            principals.createUser("u2", "same-secret-long-secret", null, false);
            String h1 = storedHash(catalog, "u1");
            String h2 = storedHash(catalog, "u2");
            assertTrue(h1.startsWith("pbkdf2-sha256$600000$"), h1);
            assertFalse(h1.contains("same-secret-long-secret"));
            assertNotEquals(h1, h2, "per-user salt makes equal passwords hash differently");
            assertTrue(
                    principals.verifyPassword("u1", "same-secret-long-secret").isPresent());
            assertEquals(Optional.empty(), principals.verifyPassword("u1", "other"));
            assertEquals(Optional.empty(), principals.verifyPassword("nobody", "same-secret-long-secret"));
        }
    }

    @Test
    void changedPasswordReplacesOldOneAndChangesStamp() {
        try (SqliteCatalog catalog = open()) {
            Principals principals = new Principals(catalog);
            principals.createUser("ana", "old-pw-long-secret", null, false);
            String before = principals.passwordStamp("ana").orElseThrow();
            principals.setPassword("ana", "new-pw-long-secret");
            assertNotEquals(before, principals.passwordStamp("ana").orElseThrow());
            assertTrue(principals.verifyPassword("ana", "new-pw-long-secret").isPresent());
            assertTrue(principals.verifyPassword("ana", "old-pw-long-secret").isEmpty());
        }
    }

    @Test
    void rolesAreGrantedAndDroppedRolesLeaveTheirUsers() {
        try (SqliteCatalog catalog = open()) {
            Principals principals = new Principals(catalog);
            principals.createRole("marketing", false);
            principals.createRole("marketing", true);
            VeilException again = assertThrows(VeilException.class, () -> principals.createRole("marketing", false));
            assertEquals(ErrorCode.ALREADY_EXISTS, again.errorCode());
            principals.createUser("mia", "pw-long-secret", "marketing", false);
            assertEquals(Set.of("marketing"), principals.requireUser("mia").roles());
            principals.grantRole("analyst", "mia");
            assertEquals(
                    Set.of("analyst", "marketing"),
                    principals.requireUser("mia").roles());
            principals.dropRole("marketing", false);
            assertEquals(Set.of("analyst"), principals.requireUser("mia").roles());
            VeilException unknown = assertThrows(VeilException.class, () -> principals.grantRole("marketing", "mia"));
            assertEquals(ErrorCode.UNKNOWN_PRINCIPAL, unknown.errorCode());
            assertEquals("Role 'marketing' does not exist", unknown.getMessage());
            VeilException builtIn = assertThrows(VeilException.class, () -> principals.dropRole("analyst", false));
            assertEquals(ErrorCode.INVALID_STATEMENT, builtIn.errorCode());
        }
    }

    @Test
    void lastAdminCannotBeDroppedAndAdminIsByGrantOnly() {
        try (SqliteCatalog catalog = open()) {
            Principals principals = new Principals(catalog);
            assertTrue(principals.isAdmin("admin"), "a warehouse without users trusts its default admin");
            assertFalse(principals.isAdmin("someone"));
            principals.createUser("root", "pw-long-secret", "admin", false);
            assertFalse(principals.isAdmin("admin"), "once users exist, the name alone means nothing");
            assertTrue(principals.isAdmin("root"));
            VeilException last = assertThrows(VeilException.class, () -> principals.dropUser("root", false));
            assertEquals(ErrorCode.INVALID_STATEMENT, last.errorCode());
            principals.createUser("root2", "pw-long-secret", "admin", false);
            principals.dropUser("root", false);
            principals.dropUser("root", true);
            assertEquals(List.of("root2"), principals.users());
        }
    }

    @Test
    void emptyPasswordIsRefusedWithoutEchoingAnything() {
        try (SqliteCatalog catalog = open()) {
            Principals principals = new Principals(catalog);
            VeilException e = assertThrows(VeilException.class, () -> principals.createUser("ana", "", null, false));
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
            assertFalse(principals.hasUsers());
        }
    }

    private static String storedHash(SqliteCatalog catalog, String user) {
        return catalog.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM users WHERE name = ?")) {
                ps.setString(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        });
    }
}
