package dev.veil.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.DriverVersion;
import org.apache.calcite.avatica.InternalProperty;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.util.Casing;

/**
 * Veil's thin JDBC driver: {@code jdbc:veil://host:port[;ssl=true;truststore=F;truststore_password=P]}
 * with the {@code user} and {@code password} properties. It speaks Avatica's protobuf protocol
 * over HTTP(S) and authenticates with HTTP Basic; the server decides who the user is from those
 * credentials alone. See {@link VeilUrl} for every property.
 */
public final class Driver extends org.apache.calcite.avatica.remote.Driver {
    static {
        Driver driver = new Driver();
        driver.register();
        unregisterAvaticaDriver();
    }

    public Driver() {}

    /**
     * Avatica's remote driver registers itself when its class loads (as ours does, being its
     * subclass). Inside this jar it is a relocated copy that nobody asked for; remove it so that it
     * does not answer {@code jdbc:avatica:remote:} URLs meant for a real Avatica driver.
     */
    private static void unregisterAvaticaDriver() {
        for (java.sql.Driver d : Collections.list(DriverManager.getDrivers())) {
            if (d.getClass() == org.apache.calcite.avatica.remote.Driver.class) {
                try {
                    DriverManager.deregisterDriver(d);
                } catch (SQLException | SecurityException e) {
                    // It stays registered; harmless for jdbc:veil: URLs.
                }
            }
        }
    }

    @Override
    protected String getConnectStringPrefix() {
        return VeilUrl.PREFIX;
    }

    @Override
    protected DriverVersion createDriverVersion() {
        String version = version();
        int major = 0;
        int minor = 0;
        String[] parts = version.split("[.-]");
        try {
            major = Integer.parseInt(parts[0]);
            minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        } catch (NumberFormatException e) {
            // Leave 0.0 for unparsable versions.
        }
        return new DriverVersion("Veil JDBC driver", version, "Veil", version, false, major, minor, major, minor);
    }

    private static String version() {
        try (InputStream in = Driver.class.getResourceAsStream("veil-jdbc.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // Fall through.
        }
        return "unknown";
    }

    @Override
    protected AvaticaFactory createFactory() {
        return new VeilFactory(super.createFactory());
    }

    @Override
    public boolean acceptsURL(String url) {
        return VeilUrl.accepts(url);
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        VeilUrl parsed = VeilUrl.parse(url, info);
        Properties properties = parsed.avaticaProperties(VeilHttpClient.class.getName());
        AvaticaConnection connection;
        try {
            connection = factory.newConnection(this, factory, VeilUrl.redact(url), properties);
        } catch (RuntimeException e) {
            throw Errors.toSqlException(e);
        }
        // Veil folds unquoted identifiers to lower case; tools read this to match names in metadata calls.
        connection.properties.put(InternalProperty.UNQUOTED_CASING, Casing.TO_LOWER);
        handler.onConnectionInit(connection);
        try {
            connection.getService().apply(new Service.OpenConnectionRequest(connection.id, parsed.serverProperties()));
        } catch (RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw Errors.toSqlException(e);
        }
        return connection;
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        List<DriverPropertyInfo> list = new ArrayList<>();
        list.add(property("user", info, "User name", true));
        list.add(property("password", info, "Password", true));
        list.add(property("ssl", info, "true to connect with TLS (HTTPS)", false));
        list.add(property(
                "truststore", info, "Truststore file holding the server's certificate (with ssl=true)", false));
        list.add(property("truststore_password", info, "Password of the truststore", false));
        return list.toArray(new DriverPropertyInfo[0]);
    }

    private static DriverPropertyInfo property(String name, Properties info, String description, boolean required) {
        DriverPropertyInfo p = new DriverPropertyInfo(name, info == null ? null : info.getProperty(name));
        p.description = description;
        p.required = required;
        return p;
    }
}
