package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Named settings of roles, kept in the catalog database as text (such as {@code statement_memory}
 * = {@code 268435456}): what a setting means and which values it takes is the caller's business,
 * this class only stores them. A dropped role takes its settings with it. Every method is one
 * catalog transaction; checking who may call them is the caller's job.
 */
public final class RoleSettings {
    private final SqliteCatalog catalog;

    public RoleSettings(SqliteCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /** Sets {@code setting} of {@code role} to {@code value}, replacing an earlier value; UNKNOWN_PRINCIPAL for no such role. */
    public void set(String role, String setting, String value) {
        requireNonNull(role, "role is null");
        requireNonNull(setting, "setting is null");
        requireNonNull(value, "value is null");
        catalog.write(c -> {
            requireRole(c, role);
            try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO role_settings "
                    + "(role_name, setting, value, set_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, role);
                ps.setString(2, setting);
                ps.setString(3, value);
                ps.setLong(4, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Removes {@code setting} of {@code role}, if set; UNKNOWN_PRINCIPAL for no such role. */
    public void reset(String role, String setting) {
        requireNonNull(role, "role is null");
        requireNonNull(setting, "setting is null");
        catalog.write(c -> {
            requireRole(c, role);
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM role_settings WHERE role_name = ? AND setting = ?")) {
                ps.setString(1, role);
                ps.setString(2, setting);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The value of {@code setting} for {@code role}, if set. */
    public Optional<String> get(String role, String setting) {
        return Optional.ofNullable(of(java.util.List.of(role), setting).get(role));
    }

    /** The value of {@code setting} for each of {@code roles} that has one, by role name. */
    public Map<String, String> of(Collection<String> roles, String setting) {
        requireNonNull(roles, "roles is null");
        requireNonNull(setting, "setting is null");
        return catalog.read(c -> {
            Map<String, String> values = new TreeMap<>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT value FROM role_settings WHERE role_name = ? AND setting = ?")) {
                for (String role : roles) {
                    ps.setString(1, role);
                    ps.setString(2, setting);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            values.put(role, rs.getString(1));
                        }
                    }
                }
            }
            return values;
        });
    }

    private static void requireRole(java.sql.Connection c, String role) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM roles WHERE name = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new VeilException(ErrorCode.UNKNOWN_PRINCIPAL, "Role '" + role + "' does not exist");
                }
            }
        }
    }
}
