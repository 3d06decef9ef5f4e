package dev.veil.server;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.StatementTimeouts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How a {@link VeilServer} listens: the warehouse it serves, the address and port it binds
 * (127.0.0.1 unless told otherwise; port 0 picks a free one), TLS, how long a connection
 * may stay idle before the server closes it and frees what it held, and how long a statement may
 * run unless its user's role says otherwise.
 */
public record ServerConfig(Path warehouse, String host, int port, Optional<TlsConfig> tls, Duration idleTimeout,
        Duration statementTimeout) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8765;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    /** How long a statement may run by default (a role may override it). */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofMinutes(10);

    public ServerConfig {
        requireNonNull(warehouse, "warehouse is null");
        requireNonNull(host, "host is null");
        requireNonNull(tls, "tls is null");
        requireNonNull(idleTimeout, "idleTimeout is null");
        StatementTimeouts.check(requireNonNull(statementTimeout, "statementTimeout is null"));
        if (host.isBlank()) {
            throw new IllegalArgumentException("host is blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
        }
    }

    /** Serves {@code warehouse} on 127.0.0.1:8765 without TLS. */
    public static ServerConfig of(Path warehouse) {
        return new ServerConfig(warehouse, DEFAULT_HOST, DEFAULT_PORT, Optional.empty(), DEFAULT_IDLE_TIMEOUT,
                DEFAULT_STATEMENT_TIMEOUT);
    }

    public ServerConfig withHost(String host) {
        return new ServerConfig(warehouse, host, port, tls, idleTimeout, statementTimeout);
    }

    public ServerConfig withPort(int port) {
        return new ServerConfig(warehouse, host, port, tls, idleTimeout, statementTimeout);
    }

    public ServerConfig withTls(TlsConfig tls) {
        return new ServerConfig(warehouse, host, port, Optional.of(tls), idleTimeout, statementTimeout);
    }

    public ServerConfig withIdleTimeout(Duration idleTimeout) {
        return new ServerConfig(warehouse, host, port, tls, idleTimeout, statementTimeout);
    }

    /** Limits statements to {@code statementTimeout} unless a role of their user overrides it. */
    public ServerConfig withStatementTimeout(Duration statementTimeout) {
        return new ServerConfig(warehouse, host, port, tls, idleTimeout, statementTimeout);
    }
}
