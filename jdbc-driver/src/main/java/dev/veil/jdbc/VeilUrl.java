package dev.veil.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * A parsed thin-driver URL, {@code jdbc:veil://host[:port][/][;key=value]...}, with the
 * connection properties merged in (properties given to {@code connect} win over the URL's).
 *
 * <p>Keys: {@code user}, {@code password}, {@code ssl} ({@code true} for HTTPS),
 * {@code truststore}, {@code truststore_password}, {@code truststore_type},
 * {@code hostname_verification} ({@code STRICT} or {@code NONE}), {@code fetch_size},
 * {@code http_connection_timeout} and {@code http_response_timeout} (milliseconds).
 */
final class VeilUrl {
    static final String PREFIX = "jdbc:veil://";
    static final int DEFAULT_PORT = 8765;

    /** The properties the driver reads; others are ignored. */
    static final Set<String> KEYS = Set.of(
            "user",
            "password",
            "ssl",
            "truststore",
            "truststore_password",
            "truststore_type",
            "hostname_verification",
            "fetch_size",
            "http_connection_timeout",
            "http_response_timeout");

    /** Keys whose values are secrets: never sent to the server as connection properties, never printed. */
    static final Set<String> SECRET_KEYS = Set.of("password", "truststore_password");

    private static final String DEFAULT_FETCH_SIZE = "10000";
    private static final String DEFAULT_RESPONSE_TIMEOUT_MILLIS = "3600000";

    private final String host;
    private final int port;
    private final Map<String, String> properties;

    private VeilUrl(String host, int port, Map<String, String> properties) {
        this.host = requireNonNull(host, "host is null");
        this.port = port;
        this.properties = Map.copyOf(properties);
    }

    static boolean accepts(String url) {
        return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /** Parses {@code url} and merges {@code info} into its properties. */
    static VeilUrl parse(String url, Properties info) throws SQLException {
        if (!accepts(url)) {
            throw invalid(url, "it does not start with " + PREFIX);
        }
        String rest = url.substring(PREFIX.length());
        int semicolon = rest.indexOf(';');
        String address = semicolon < 0 ? rest : rest.substring(0, semicolon);
        if (address.endsWith("/")) {
            address = address.substring(0, address.length() - 1);
        }
        String host;
        String portText = null;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                throw invalid(url, "an IPv6 address must be closed by ']'");
            }
            host = address.substring(0, close + 1);
            String after = address.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw invalid(url, "expected ':port' after the host");
                }
                portText = after.substring(1);
            }
        } else {
            int colon = address.lastIndexOf(':');
            host = colon < 0 ? address : address.substring(0, colon);
            portText = colon < 0 ? null : address.substring(colon + 1);
        }
        if (host.isEmpty() || host.contains("/") || host.contains("@")) {
            throw invalid(url, "expected jdbc:veil://host:port");
        }
        int port = DEFAULT_PORT;
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw invalid(url, "the port '" + portText + "' is not a number");
            }
            if (port < 1 || port > 65535) {
                throw invalid(url, "the port " + port + " is out of range");
            }
        }
        Map<String, String> properties = new TreeMap<>();
        if (semicolon >= 0) {
            for (String part : rest.substring(semicolon + 1).split(";")) {
                if (part.isBlank()) {
                    continue;
                }
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw invalid(url, "expected key=value, got '" + part + "'");
                }
                put(
                        properties,
                        part.substring(0, eq).trim(),
                        part.substring(eq + 1).trim());
            }
        }
        if (info != null) {
            for (String key : info.stringPropertyNames()) {
                put(properties, key, info.getProperty(key));
            }
        }
        return new VeilUrl(host, port, properties);
    }

    private static void put(Map<String, String> properties, String key, String value) {
        String k = key.toLowerCase(Locale.ROOT);
        // Tools add properties of their own to every connection: keep ours, ignore the rest.
        if (KEYS.contains(k) && value != null) {
            properties.put(k, value);
        }
    }

    private static SQLException invalid(String url, String why) {
        return new SQLException("Invalid Veil URL '" + redact(url) + "': " + why, "08001");
    }

    /** The URL with secret values replaced by {@code ***}, for messages. */
    static String redact(String url) {
        if (url == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        String[] parts = url.split(";", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.append(';');
            }
            int eq = parts[i].indexOf('=');
            if (i > 0
                    && eq > 0
                    && SECRET_KEYS.contains(parts[i].substring(0, eq).trim().toLowerCase(Locale.ROOT))) {
                out.append(parts[i], 0, eq + 1).append("***");
            } else {
                out.append(parts[i]);
            }
        }
        return out.toString();
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    boolean ssl() {
        return Boolean.parseBoolean(properties.getOrDefault("ssl", "false"));
    }

    String property(String key) {
        return properties.get(key);
    }

    /** The server's base address, e.g. {@code https://db.example.com:8765/}. */
    String httpUrl() {
        return (ssl() ? "https" : "http") + "://" + host + ":" + port + "/";
    }

    /** The properties Avatica's remote client reads. */
    Properties avaticaProperties(String httpClientClass) {
        Properties p = new Properties();
        p.setProperty("url", httpUrl());
        p.setProperty("serialization", "protobuf");
        p.setProperty("httpclient_impl", httpClientClass);
        // The service that asks the server for compact result rows (VeilService).
        p.setProperty("factory", VeilService.Factory.class.getName());
        p.setProperty("transparent_reconnection", "false");
        p.setProperty("fetch_size", properties.getOrDefault("fetch_size", DEFAULT_FETCH_SIZE));
        p.setProperty(
                "http_response_timeout",
                properties.getOrDefault("http_response_timeout", DEFAULT_RESPONSE_TIMEOUT_MILLIS));
        copy(p, "http_connection_timeout", "http_connection_timeout");
        String user = properties.get("user");
        String password = properties.get("password");
        if (user != null) {
            // Only for DatabaseMetaData.getUserName(): the server goes by the credentials alone.
            p.setProperty("user", user);
        }
        if (user != null && !user.isEmpty() && password != null) {
            p.setProperty("authentication", "BASIC");
            p.setProperty("avatica_user", user);
            p.setProperty("avatica_password", password);
        }
        copy(p, "truststore", "truststore");
        copy(p, "truststore_password", "truststore_password");
        copy(p, "truststore_type", "keystore_type");
        copy(p, "hostname_verification", "hostname_verification");
        return p;
    }

    /** The connection properties the server is told about: none of the secrets. */
    Map<String, String> serverProperties() {
        Map<String, String> map = new TreeMap<>(properties);
        map.keySet().removeAll(SECRET_KEYS);
        return map;
    }

    private void copy(Properties p, String from, String to) {
        String value = properties.get(from);
        if (value != null) {
            p.setProperty(to, value);
        }
    }

    @Override
    public String toString() {
        return httpUrl() + " " + serverProperties();
    }
}
