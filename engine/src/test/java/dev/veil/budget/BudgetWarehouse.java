package dev.veil.budget;

import dev.veil.catalog.Principals;
import dev.veil.catalog.Principals.Principal;
import dev.veil.storage.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Test helpers: a warehouse with users written straight into its catalog, and plain-SQL reads of the ledger. */
final class BudgetWarehouse {
    private BudgetWarehouse() {}

    /**
     * Adds a user with the given roles (creating roles that do not exist). The user has no usable
     * password: making one is slow by design, and these tests never log in.
     */
    static Principal addUser(Warehouse warehouse, String user, String... roles) {
        warehouse.sqliteCatalog().write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO users (name, password_hash, created_at) VALUES (?, 'no password', 0)")) {
                ps.setString(1, user);
                ps.executeUpdate();
            }
            for (String role : roles) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT OR IGNORE INTO roles (name, built_in, created_at) VALUES (?, 0, 0)")) {
                    ps.setString(1, role);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps =
                        c.prepareStatement("INSERT INTO user_roles (user_name, role_name) VALUES (?, ?)")) {
                    ps.setString(1, user);
                    ps.setString(2, role);
                    ps.executeUpdate();
                }
            }
            return null;
        });
        return new Principals(warehouse.sqliteCatalog()).requireUser(user);
    }

    /** The ledger's rows as (user, epsilon) read with plain JDBC from the SQLite file, not through Veil. */
    static List<Object[]> ledgerRows(Path warehouseDir) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + warehouseDir.resolve("veil.db"));
                PreparedStatement ps =
                        c.prepareStatement("SELECT id, user_name, epsilon, delta FROM budget_ledger ORDER BY id");
                ResultSet rs = ps.executeQuery()) {
            List<Object[]> rows = new java.util.ArrayList<>();
            while (rs.next()) {
                rows.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getDouble(3), rs.getDouble(4)});
            }
            return rows;
        }
    }
}
