package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The warehouse's users and roles, kept in the catalog database: user names, PBKDF2 password
 * hashes (never clear passwords) and role grants. Built-in roles are {@value #ADMIN} and
 * {@value #ANALYST}; a user created without a role is an analyst.
 *
 * <p>Names are compared exactly (the SQL layer folds unquoted identifiers to lower case). Every
 * method is one catalog transaction. Checking who may call these methods is the caller's job.
 */
public final class Principals {
    /** The fewest characters a new password may have. */
    public static final int MIN_PASSWORD_LENGTH = 12;
    /** The most characters a new password may have. */
    public static final int MAX_PASSWORD_LENGTH = 1024;

    public static final String ADMIN = "admin";
    public static final String ANALYST = "analyst";

    private static final int MAX_NAME_LENGTH = 128;

    private final SqliteCatalog catalog;

    public Principals(SqliteCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /**
     * The catalog's {@linkplain SqliteCatalog#generation generation}: while it stays the same, no
     * user, role, grant or password has changed, so what was read of them under it still holds.
     */
    public long generation() {
        return catalog.generation();
    }

    /** A user and the roles granted to it. */
    public record Principal(String name, Set<String> roles) {
        public Principal {
            requireNonNull(name, "name is null");
            roles = Set.copyOf(requireNonNull(roles, "roles is null"));
        }

        public boolean isAdmin() {
            return roles.contains(ADMIN);
        }
    }

    /** Whether the warehouse has any user at all (a warehouse made without {@code veil init} has none). */
    public boolean hasUsers() {
        return catalog.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM users LIMIT 1");
                    ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
    }

    public Optional<Principal> user(String name) {
        requireNonNull(name, "name is null");
        return catalog.read(
                c -> userExists(c, name) ? Optional.of(new Principal(name, roles(c, name))) : Optional.empty());
    }

    /** The user of that name; UNKNOWN_PRINCIPAL if there is none. */
    public Principal requireUser(String name) {
        return user(name).orElseThrow(() -> unknownUser(name));
    }

    /** Every user name, sorted. */
    public List<String> users() {
        return catalog.read(c -> names(c, "SELECT name FROM users ORDER BY name"));
    }

    /** Every role name, sorted. */
    public List<String> roles() {
        return catalog.read(c -> names(c, "SELECT name FROM roles ORDER BY name"));
    }

    /**
     * Whether {@code user} holds the admin role. A warehouse without any user (made without
     * {@code veil init}, reachable only in-process) treats the default user {@value #ADMIN} as
     * its admin, so that it can be set up; once users exist, only a grant counts.
     */
    public boolean isAdmin(String user) {
        requireNonNull(user, "user is null");
        return catalog.read(c -> {
            if (userExists(c, user)) {
                return roles(c, user).contains(ADMIN);
            }
            return user.equals(ADMIN) && !anyUser(c);
        });
    }

    /** Creates a role; fails with ALREADY_EXISTS unless {@code ifNotExists}. */
    public void createRole(String role, boolean ifNotExists) {
        checkName(role, "role");
        catalog.write(c -> {
            if (roleExists(c, role)) {
                if (ifNotExists) {
                    return null;
                }
                throw new VeilException(ErrorCode.ALREADY_EXISTS, "Role '" + role + "' already exists");
            }
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO roles (name, built_in, created_at) VALUES (?, 0, ?)")) {
                ps.setString(1, role);
                ps.setLong(2, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Drops a role and takes it away from every user that held it (they fall back to the policies
     * for every non-admin role). Built-in roles cannot be dropped; UNKNOWN_PRINCIPAL unless {@code ifExists}.
     */
    public void dropRole(String role, boolean ifExists) {
        requireNonNull(role, "role is null");
        if (role.equals(ADMIN) || role.equals(ANALYST)) {
            throw new VeilException(
                    ErrorCode.INVALID_STATEMENT, "Role '" + role + "' is built in and cannot be dropped");
        }
        catalog.write(c -> {
            if (!roleExists(c, role)) {
                if (ifExists) {
                    return null;
                }
                throw unknownRole(role);
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM roles WHERE name = ?")) {
                ps.setString(1, role);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Creates a user with role {@code role}, or {@value #ANALYST} when {@code role} is null. Fails
     * with ALREADY_EXISTS unless {@code ifNotExists} (then the existing user is left unchanged).
     */
    public void createUser(String user, String password, String role, boolean ifNotExists) {
        checkName(user, "user");
        PasswordHash hash = PasswordHash.create(checkPassword(user, password));
        String granted = role == null ? ANALYST : role;
        catalog.write(c -> {
            if (userExists(c, user)) {
                if (ifNotExists) {
                    return null;
                }
                throw new VeilException(ErrorCode.ALREADY_EXISTS, "User '" + user + "' already exists");
            }
            if (!roleExists(c, granted)) {
                throw unknownRole(granted);
            }
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?)")) {
                ps.setString(1, user);
                ps.setString(2, hash.format());
                ps.setLong(3, System.currentTimeMillis());
                ps.executeUpdate();
            }
            grant(c, granted, user);
            return null;
        });
    }

    /** Replaces a user's password (with a fresh salt). */
    public void setPassword(String user, String password) {
        requireNonNull(user, "user is null");
        PasswordHash hash = PasswordHash.create(checkPassword(user, password));
        catalog.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE users SET password_hash = ? WHERE name = ?")) {
                ps.setString(1, hash.format());
                ps.setString(2, user);
                if (ps.executeUpdate() == 0) {
                    throw unknownUser(user);
                }
            }
            return null;
        });
    }

    /** Grants {@code role} to {@code user}; granting a role the user already holds changes nothing. */
    public void grantRole(String role, String user) {
        requireNonNull(role, "role is null");
        requireNonNull(user, "user is null");
        catalog.write(c -> {
            if (!roleExists(c, role)) {
                throw unknownRole(role);
            }
            if (!userExists(c, user)) {
                throw unknownUser(user);
            }
            grant(c, role, user);
            return null;
        });
    }

    /**
     * Drops a user; UNKNOWN_PRINCIPAL unless {@code ifExists}; NOT_EMPTY while the user owns schemas
     * or tables. The last admin cannot be dropped:
     * nobody could administer the warehouse after it.
     */
    public void dropUser(String user, boolean ifExists) {
        requireNonNull(user, "user is null");
        catalog.write(c -> {
            if (!userExists(c, user)) {
                if (ifExists) {
                    return null;
                }
                throw unknownUser(user);
            }
            if (roles(c, user).contains(ADMIN) && admins(c) == 1) {
                throw new VeilException(
                        ErrorCode.INVALID_STATEMENT,
                        "User '" + user
                                + "' is the last admin and cannot be dropped; grant the admin role to another user first");
            }
            long owned = ownedObjects(c, user);
            if (owned > 0) {
                // Dropping the owner would leave the objects to whoever next gets the name, or to nobody
                // (then everyone would see them): the admin drops them, or copies what should stay, first.
                throw new VeilException(
                        ErrorCode.NOT_EMPTY,
                        "User '" + user + "' owns " + owned + " schema" + (owned == 1 ? "" : "s")
                                + ", tables or views and cannot be dropped; drop them first (admins see them all)");
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM users WHERE name = ?")) {
                ps.setString(1, user);
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static long ownedObjects(Connection c, String user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT (SELECT COUNT(*) FROM table_owners WHERE owner = ?)"
                + " + (SELECT COUNT(*) FROM schema_owners WHERE owner = ?)"
                + " + (SELECT COUNT(*) FROM views WHERE owner = ?)")) {
            ps.setString(1, user);
            ps.setString(2, user);
            ps.setString(3, user);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * The user's stored password hash in its stored form, if the user exists. It changes whenever
     * the password does, so a cache of verified passwords can check that its entry is still good.
     */
    public Optional<String> passwordStamp(String user) {
        requireNonNull(user, "user is null");
        return catalog.read(c -> Optional.ofNullable(storedHash(c, user)));
    }

    /**
     * Checks a user's password. Returns the user's stored hash (its {@link #passwordStamp}) when
     * the password is right; empty when the user does not exist or the password is wrong. The
     * slow hash is computed outside the catalog transaction, so other catalog calls do not wait.
     */
    public Optional<String> verifyPassword(String user, String password) {
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        Optional<String> stored = passwordStamp(user);
        if (stored.isEmpty()) {
            // Spend the same time as for a real user, so timing does not tell which users exist.
            PasswordHash.create(password);
            return Optional.empty();
        }
        return PasswordHash.parse(stored.get()).matches(password) ? stored : Optional.empty();
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Checks a new password: at least {@value #MIN_PASSWORD_LENGTH} characters (code points), so
     * that with login throttling an online guess of it is hopeless; at most
     * {@value #MAX_PASSWORD_LENGTH}, so that hashing it stays cheap. The message never holds it.
     */
    public static String checkPassword(String user, String password) {
        requireNonNull(password, "password is null");
        int length = password.codePointCount(0, password.length());
        if (length < MIN_PASSWORD_LENGTH) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "The password of user '" + user + "' must have at least " + MIN_PASSWORD_LENGTH
                            + " characters, it has " + length);
        }
        if (length > MAX_PASSWORD_LENGTH) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "The password of user '" + user + "' must have at most " + MAX_PASSWORD_LENGTH
                            + " characters, it has " + length);
        }
        return password;
    }

    private static void checkName(String name, String kind) {
        requireNonNull(name, kind + " is null");
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "A " + kind + " name must have 1 to " + MAX_NAME_LENGTH + " characters");
        }
    }

    private static VeilException unknownUser(String user) {
        return new VeilException(ErrorCode.UNKNOWN_PRINCIPAL, "User '" + user + "' does not exist");
    }

    private static VeilException unknownRole(String role) {
        return new VeilException(ErrorCode.UNKNOWN_PRINCIPAL, "Role '" + role + "' does not exist");
    }

    private static void grant(Connection c, String role, String user) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("INSERT OR IGNORE INTO user_roles (user_name, role_name) VALUES (?, ?)")) {
            ps.setString(1, user);
            ps.setString(2, role);
            ps.executeUpdate();
        }
    }

    private static boolean anyUser(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM users LIMIT 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    private static boolean userExists(Connection c, String user) throws SQLException {
        return storedHash(c, user) != null;
    }

    private static String storedHash(Connection c, String user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM users WHERE name = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static boolean roleExists(Connection c, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM roles WHERE name = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Set<String> roles(Connection c, String user) throws SQLException {
        Set<String> roles = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT role_name FROM user_roles WHERE user_name = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    roles.add(rs.getString(1));
                }
            }
        }
        return roles;
    }

    private static int admins(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM user_roles WHERE role_name = ?")) {
            ps.setString(1, ADMIN);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static List<String> names(Connection c, String sql) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    /**
     * The principal {@code user} is right now: the user and its granted roles. A name the catalog
     * does not know (only possible in a warehouse without users, reachable in-process) is the
     * admin when {@link #isAdmin} says so, and an analyst otherwise.
     */
    public Principal principalOf(String user) {
        requireNonNull(user, "user is null");
        return user(user).orElseGet(() -> new Principal(user, Set.of(isAdmin(user) ? ADMIN : ANALYST)));
    }
}
