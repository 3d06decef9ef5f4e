package dev.veil.sqltests.script;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals;
import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import dev.veil.storage.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fresh warehouse served on an ephemeral port, with the users every script starts with:
 * {@code admin} (role admin) and {@code analyst} (role analyst). Scripts reach it only through
 * the thin driver ({@code jdbc:veil://host:port}) with user and password properties.
 */
public final class ScriptServer implements AutoCloseable {
    /** The password of the {@code admin} and {@code analyst} users a script starts with. */
    public static final Map<String, String> START_USERS =
            Map.of(Principals.ADMIN, "admin-pw-4d1", Principals.ANALYST, "analyst-pw-9b7");

    private final VeilServer server;
    private final Map<String, String> passwords = new ConcurrentHashMap<>(START_USERS);

    private ScriptServer(VeilServer server) {
        this.server = requireNonNull(server, "server is null");
    }

    /** Creates a warehouse in {@code dir} (which must not exist yet) and serves it. */
    public static ScriptServer start(Path dir) {
        try (Warehouse warehouse = Warehouse.create(dir)) {
            warehouse.catalog().createSchema("public", true);
            Principals principals = new Principals(warehouse.sqliteCatalog());
            principals.createUser(Principals.ADMIN, START_USERS.get(Principals.ADMIN), Principals.ADMIN, false);
            principals.createUser(Principals.ANALYST, START_USERS.get(Principals.ANALYST), Principals.ANALYST, false);
        }
        return new ScriptServer(VeilServer.start(ServerConfig.of(dir).withPort(0)));
    }

    /** The thin driver's URL of the server. */
    public String url() {
        return server.jdbcUrl();
    }

    /** Remembers {@code user}'s password, as set by a statement of the script. */
    public void rememberPassword(String user, String password) {
        passwords.put(user, password);
    }

    /** A new connection as {@code user}, with {@code password} or else the one remembered for the user. */
    public Connection connect(String user, Optional<String> password) throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", user);
        String secret = password.orElse(passwords.get(user));
        if (secret == null) {
            throw new SQLException("No password known for user '" + user + "': give one, 'connect " + user
                    + " <password>', or create the user in the script with CREATE USER ... PASSWORD '...'");
        }
        info.setProperty("password", secret);
        return DriverManager.getConnection(url(), info);
    }

    @Override
    public void close() {
        server.close();
    }
}
