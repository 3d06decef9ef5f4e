package dev.veil.session;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.AvaticaSqlException;
import org.apache.calcite.avatica.DriverVersion;
import org.apache.calcite.avatica.Handler;
import org.apache.calcite.avatica.HandlerImpl;
import org.apache.calcite.avatica.InternalProperty;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.UnregisteredDriver;
import org.apache.calcite.avatica.util.Casing;

/**
 * The in-process JDBC driver: {@code jdbc:veil:embedded:/path/to/warehouse[;user=name][;create=true]}.
 * It opens the warehouse in this JVM ({@code create=true} creates it if the directory holds none). Whoever can read the warehouse files is trusted, so there is no
 * password; the {@code user} property (default {@code admin}) names the session's user.
 */
public final class EmbeddedDriver extends UnregisteredDriver {
    public static final String PREFIX = "jdbc:veil:embedded:";
    public static final String DEFAULT_USER = "admin";

    private static final ThreadLocal<Pending> CONNECTING = new ThreadLocal<>();

    private final Map<AvaticaConnection, Engine> engines = new ConcurrentHashMap<>();

    static {
        new EmbeddedDriver().register();
    }

    /** What {@link #createMeta} needs while a connection is being built on this thread. */
    private record Pending(Engine engine, String user) {}

    @Override
    protected DriverVersion createDriverVersion() {
        return new DriverVersion(
                "Veil embedded JDBC driver",
                Version.VERSION,
                "Veil",
                Version.VERSION,
                true,
                Version.MAJOR,
                Version.MINOR,
                Version.MAJOR,
                Version.MINOR);
    }

    @Override
    protected String getConnectStringPrefix() {
        return PREFIX;
    }

    @Override
    protected AvaticaFactory createFactory() {
        return new EmbeddedFactory(super.createFactory());
    }

    @Override
    protected Handler createHandler() {
        return new HandlerImpl() {
            @Override
            public void onConnectionClose(AvaticaConnection connection) {
                Engine engine = engines.remove(connection);
                if (engine != null) {
                    engine.release();
                }
            }
        };
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        String rest = url.substring(PREFIX.length());
        Properties properties = new Properties();
        if (info != null) {
            properties.putAll(info);
        }
        String[] parts = rest.split(";");
        String directory = parts[0].trim();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                properties.setProperty(
                        parts[i].substring(0, eq).trim(),
                        parts[i].substring(eq + 1).trim());
            }
        }
        if (directory.isEmpty()) {
            throw new SQLException("The URL names no warehouse directory: " + PREFIX + "<directory>", "08001");
        }
        String user = properties.getProperty("user", DEFAULT_USER);
        if (user.isBlank()) {
            user = DEFAULT_USER;
        }
        Engine engine;
        try {
            engine =
                    Engine.acquire(Path.of(directory), Boolean.parseBoolean(properties.getProperty("create", "false")));
        } catch (VeilException e) {
            throw new AvaticaSqlException(
                    e.clientMessage(), e.errorCode().sqlState(), e.errorCode().code(), List.of(), null);
        }
        // The user is trusted without a password here, but once the warehouse has users it must be one of them.
        Principals principals = new Principals(engine.warehouse().sqliteCatalog());
        if (principals.hasUsers() && principals.user(user).isEmpty()) {
            engine.release();
            VeilException e = new VeilException(ErrorCode.UNKNOWN_PRINCIPAL, "User '" + user + "' does not exist");
            throw new AvaticaSqlException(
                    e.clientMessage(), e.errorCode().sqlState(), e.errorCode().code(), List.of(), null);
        }
        CONNECTING.set(new Pending(engine, user));
        try {
            AvaticaConnection connection = factory.newConnection(this, factory, url, properties);
            // Veil folds unquoted identifiers to lower case; tools (sqlline's !describe, !columns) read
            // this to match names in metadata calls. Avatica's default, upper case, matched nothing.
            connection.properties.put(InternalProperty.UNQUOTED_CASING, Casing.TO_LOWER);
            engines.put(connection, engine);
            handler.onConnectionInit(connection);
            return connection;
        } catch (SQLException | RuntimeException e) {
            engine.release();
            throw e;
        } finally {
            CONNECTING.remove();
        }
    }

    @Override
    public Meta createMeta(AvaticaConnection connection) {
        Pending pending = CONNECTING.get();
        if (pending == null) {
            throw new IllegalStateException("connections are created through connect()");
        }
        Session session = pending.engine().newSession(pending.user());
        return new VeilMeta(connection, (id, info) -> session, EmbeddedDriver::toClientException);
    }

    /** The exception Avatica turns into an {@code SQLException} with Veil's SQLSTATE and code. */
    static RuntimeException toClientException(VeilException e) {
        return new AvaticaClientRuntimeException(
                e.clientMessage(),
                e.errorCode().code(),
                e.errorCode().sqlState(),
                AvaticaSeverity.ERROR,
                List.of(),
                null);
    }
}
