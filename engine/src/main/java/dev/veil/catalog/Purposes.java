package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals.Principal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The purposes statements run under ({@code CREATE PURPOSE}), their grants to roles and users
 * ({@code GRANT PURPOSE}) and the default purpose of a user or role ({@code ALTER USER u SET
 * PURPOSE p}). The purpose {@value #ADMINISTRATION} is built in: admins run under it unless they
 * set another, and it is never granted to anyone else. Every method is one catalog transaction.
 */
public final class Purposes {
    /** The purpose admins run under by default; it needs no consent and is never granted. */
    public static final String ADMINISTRATION = "administration";

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    /** Whom a grant or a default purpose names. */
    public enum Grantee {
        ROLE,
        USER
    }

    /** One purpose as declared. */
    public record Purpose(String name, Optional<String> comment, OptionalInt renewalDays) {
        public Purpose {
            requireNonNull(name, "name is null");
            requireNonNull(comment, "comment is null");
            requireNonNull(renewalDays, "renewalDays is null");
        }
    }

    private final SqliteCatalog catalog;

    public Purposes(SqliteCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /** Declares a purpose; ALREADY_EXISTS unless {@code ifNotExists}. */
    public void create(Purpose purpose, boolean ifNotExists) {
        requireNonNull(purpose, "purpose is null");
        checkName(purpose.name());
        if (purpose.name().equals(ADMINISTRATION)) {
            throw new VeilException(
                    ErrorCode.ALREADY_EXISTS, "Purpose '" + ADMINISTRATION + "' is built in and always exists");
        }
        catalog.write(c -> {
            if (exists(c, purpose.name())) {
                if (ifNotExists) {
                    return null;
                }
                throw new VeilException(ErrorCode.ALREADY_EXISTS, "Purpose '" + purpose.name() + "' already exists");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO purposes (name, comment, renewal_days, created_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, purpose.name());
                ps.setString(2, purpose.comment().orElse(null));
                if (purpose.renewalDays().isPresent()) {
                    ps.setInt(3, purpose.renewalDays().getAsInt());
                } else {
                    ps.setNull(3, java.sql.Types.INTEGER);
                }
                ps.setLong(4, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Declares a purpose, or changes the comment and renewal period of the one of that name (its
     * grants and defaults stay): what applying a policy file does.
     */
    public void define(Purpose purpose) {
        requireNonNull(purpose, "purpose is null");
        checkName(purpose.name());
        if (purpose.name().equals(ADMINISTRATION)) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "Purpose '" + ADMINISTRATION + "' is built in");
        }
        catalog.write(c -> {
            if (!exists(c, purpose.name())) {
                create(purpose, false);
                return null;
            }
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE purposes SET comment = ?, renewal_days = ? WHERE name = ?")) {
                ps.setString(1, purpose.comment().orElse(null));
                if (purpose.renewalDays().isPresent()) {
                    ps.setInt(2, purpose.renewalDays().getAsInt());
                } else {
                    ps.setNull(2, java.sql.Types.INTEGER);
                }
                ps.setString(3, purpose.name());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Drops a purpose with its grants and the defaults that name it; UNKNOWN_PURPOSE unless {@code ifExists}. */
    public void drop(String name, boolean ifExists) {
        requireNonNull(name, "name is null");
        if (name.equals(ADMINISTRATION)) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "Purpose '" + ADMINISTRATION + "' is built in");
        }
        catalog.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM purposes WHERE name = ?")) {
                ps.setString(1, name);
                if (ps.executeUpdate() == 0 && !ifExists) {
                    throw unknown(name);
                }
            }
            return null;
        });
    }

    /** Every declared purpose, by name; {@value #ADMINISTRATION} first. */
    public List<Purpose> all() {
        return catalog.read(c -> {
            List<Purpose> result = new ArrayList<>();
            result.add(new Purpose(ADMINISTRATION, Optional.of("built in: what admins do"), OptionalInt.empty()));
            try (PreparedStatement ps =
                            c.prepareStatement("SELECT name, comment, renewal_days FROM purposes ORDER BY name");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int days = rs.getInt(3);
                    OptionalInt renewal = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(days);
                    result.add(new Purpose(rs.getString(1), Optional.ofNullable(rs.getString(2)), renewal));
                }
            }
            return result;
        });
    }

    /** The purpose of that name; UNKNOWN_PURPOSE if there is none. */
    public Purpose require(String name) {
        requireNonNull(name, "name is null");
        return all().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow(() -> unknown(name));
    }

    /** Grants (or, with {@code grant} false, revokes) a purpose to a role or user. */
    public void grant(boolean grant, String purpose, Grantee kind, String grantee) {
        requireNonNull(purpose, "purpose is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(grantee, "grantee is null");
        if (purpose.equals(ADMINISTRATION)) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "Purpose '" + ADMINISTRATION + "' belongs to admins and cannot be granted or revoked");
        }
        catalog.write(c -> {
            if (!exists(c, purpose)) {
                throw unknown(purpose);
            }
            requirePrincipal(c, kind, grantee);
            String sql = grant
                    ? "INSERT OR IGNORE INTO purpose_grants (purpose, grantee_kind, grantee, granted_at) VALUES (?, ?, ?, ?)"
                    : "DELETE FROM purpose_grants WHERE purpose = ? AND grantee_kind = ? AND grantee = ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, purpose);
                ps.setString(2, kind.name());
                ps.setString(3, grantee);
                if (grant) {
                    ps.setLong(4, System.currentTimeMillis());
                }
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Sets (or, with an empty purpose, removes) the default purpose of a role or user. */
    public void setDefault(Grantee kind, String principal, Optional<String> purpose) {
        requireNonNull(kind, "kind is null");
        requireNonNull(principal, "principal is null");
        requireNonNull(purpose, "purpose is null");
        if (purpose.isPresent() && purpose.get().equals(ADMINISTRATION)) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "Purpose '" + ADMINISTRATION + "' belongs to admins and cannot be a default purpose");
        }
        catalog.write(c -> {
            requirePrincipal(c, kind, principal);
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM default_purposes WHERE principal_kind = ? AND principal = ?")) {
                ps.setString(1, kind.name());
                ps.setString(2, principal);
                ps.executeUpdate();
            }
            if (purpose.isPresent()) {
                if (!exists(c, purpose.get())) {
                    throw unknown(purpose.get());
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO default_purposes (principal_kind, principal, purpose) VALUES (?, ?, ?)")) {
                    ps.setString(1, kind.name());
                    ps.setString(2, principal);
                    ps.setString(3, purpose.get());
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** The roles and users a purpose is granted to, each kind's names sorted. */
    public Map<Grantee, List<String>> grantees(String purpose) {
        return names(purpose, "SELECT grantee_kind, grantee FROM purpose_grants WHERE purpose = ? ORDER BY grantee");
    }

    /** The roles and users whose default purpose is {@code purpose}, each kind's names sorted. */
    public Map<Grantee, List<String>> defaultFor(String purpose) {
        return names(
                purpose, "SELECT principal_kind, principal FROM default_purposes WHERE purpose = ? ORDER BY principal");
    }

    private Map<Grantee, List<String>> names(String purpose, String sql) {
        requireNonNull(purpose, "purpose is null");
        return catalog.read(c -> {
            Map<Grantee, List<String>> result = new java.util.EnumMap<>(Grantee.class);
            for (Grantee kind : Grantee.values()) {
                result.put(kind, new ArrayList<>());
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, purpose);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.get(Grantee.valueOf(rs.getString(1))).add(rs.getString(2));
                    }
                }
            }
            return result;
        });
    }

    /**
     * The purpose {@code principal}'s statements run under when its session set none: its own
     * default, else the default of its roles when they all agree on one, else
     * {@value #ADMINISTRATION} for admins; empty otherwise (roles with different defaults give none).
     */
    public Optional<String> defaultOf(Principal principal) {
        requireNonNull(principal, "principal is null");
        return catalog.read(c -> {
            Optional<String> own = defaultOf(c, Grantee.USER, principal.name());
            if (own.isPresent()) {
                return own;
            }
            java.util.Set<String> fromRoles = new java.util.TreeSet<>();
            for (String role : principal.roles()) {
                defaultOf(c, Grantee.ROLE, role).ifPresent(fromRoles::add);
            }
            if (fromRoles.size() == 1) {
                return Optional.of(fromRoles.iterator().next());
            }
            return principal.isAdmin() ? Optional.of(ADMINISTRATION) : Optional.empty();
        });
    }

    /**
     * Whether {@code principal} may run under {@code purpose}: admins under any purpose, others
     * under the purposes granted to them or one of their roles, or set as their default.
     */
    public boolean allowed(Principal principal, String purpose) {
        requireNonNull(principal, "principal is null");
        requireNonNull(purpose, "purpose is null");
        if (principal.isAdmin()) {
            return true;
        }
        if (purpose.equals(ADMINISTRATION)) {
            return false;
        }
        if (defaultOf(principal).filter(purpose::equals).isPresent()) {
            return true;
        }
        return catalog.read(c -> {
            if (granted(c, purpose, Grantee.USER, principal.name())) {
                return true;
            }
            for (String role : principal.roles()) {
                if (granted(c, purpose, Grantee.ROLE, role)) {
                    return true;
                }
            }
            return false;
        });
    }

    /** The names of the purposes {@code principal} may run under, sorted. */
    public List<String> allowedNames(Principal principal) {
        return all().stream()
                .map(Purpose::name)
                .filter(name -> allowed(principal, name))
                .sorted()
                .toList();
    }

    private static Optional<String> defaultOf(Connection c, Grantee kind, String name) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT purpose FROM default_purposes WHERE principal_kind = ? AND principal = ?")) {
            ps.setString(1, kind.name());
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static boolean granted(Connection c, String purpose, Grantee kind, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM purpose_grants WHERE purpose = ? AND grantee_kind = ? AND grantee = ?")) {
            ps.setString(1, purpose);
            ps.setString(2, kind.name());
            ps.setString(3, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean exists(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM purposes WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void requirePrincipal(Connection c, Grantee kind, String name) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT 1 FROM " + (kind == Grantee.ROLE ? "roles" : "users") + " WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new VeilException(
                            ErrorCode.UNKNOWN_PRINCIPAL,
                            (kind == Grantee.ROLE ? "Role '" : "User '") + name + "' does not exist");
                }
            }
        }
    }

    private static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "A purpose's name is a letter or '_' followed by up to 62 letters, digits or '_'");
        }
    }

    /** UNKNOWN_PURPOSE for {@code name}. */
    public static VeilException unknown(String name) {
        return new VeilException(ErrorCode.UNKNOWN_PURPOSE, "Purpose '" + name + "' does not exist");
    }
}
