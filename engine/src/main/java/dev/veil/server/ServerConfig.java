package dev.veil.server;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.ConcurrentStatementLimits;
import dev.veil.catalog.StatementTimeouts;
import dev.veil.control.CpuScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How a {@link VeilServer} listens: the warehouse it serves, the address and port it binds
 * (127.0.0.1 unless told otherwise; port 0 picks a free one), TLS, how long a connection
 * may stay idle before the server closes it and frees what it held, how long a statement may
 * run and how many statements one user may run at once unless its user's role says otherwise,
 * how many statements' work runs at once (CPU slots, by default one per processor), and how often
 * the server runs VACUUM (expired rows and replaced segment files off disk; zero: never).
 */
public record ServerConfig(
        Path warehouse,
        String host,
        int port,
        Optional<TlsConfig> tls,
        Duration idleTimeout,
        Duration statementTimeout,
        int cpuSlots,
        int maxConcurrentStatements,
        Duration vacuumInterval) {
    /** How often the server runs VACUUM by default (zero: never). */
    public static final Duration DEFAULT_VACUUM_INTERVAL = Duration.ofHours(1);

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8765;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    /** How long a statement may run by default (a role may override it). */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofMinutes(10);
    /** How many statements one user may run at once by default (a role may override it). */
    public static final int DEFAULT_MAX_CONCURRENT_STATEMENTS = 8;

    public ServerConfig {
        requireNonNull(warehouse, "warehouse is null");
        requireNonNull(host, "host is null");
        requireNonNull(tls, "tls is null");
        requireNonNull(idleTimeout, "idleTimeout is null");
        requireNonNull(vacuumInterval, "vacuumInterval is null");
        if (vacuumInterval.isNegative()) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT, "The vacuum interval must be 0 (never) or more; got " + vacuumInterval);
        }
        StatementTimeouts.check(requireNonNull(statementTimeout, "statementTimeout is null"));
        ConcurrentStatementLimits.check(maxConcurrentStatements);
        if (cpuSlots < 1 || cpuSlots > CpuScheduler.MAX_SLOTS) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "The number of CPU slots must be between 1 and " + CpuScheduler.MAX_SLOTS + "; got " + cpuSlots);
        }
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
        return new ServerConfig(
                warehouse,
                DEFAULT_HOST,
                DEFAULT_PORT,
                Optional.empty(),
                DEFAULT_IDLE_TIMEOUT,
                DEFAULT_STATEMENT_TIMEOUT,
                CpuScheduler.defaultSlots(),
                DEFAULT_MAX_CONCURRENT_STATEMENTS,
                DEFAULT_VACUUM_INTERVAL);
    }

    public ServerConfig withHost(String host) {
        return new ServerConfig(
                warehouse,
                host,
                port,
                tls,
                idleTimeout,
                statementTimeout,
                cpuSlots,
                maxConcurrentStatements,
                vacuumInterval);
    }

    public ServerConfig withPort(int port) {
        return new ServerConfig(
                warehouse,
                host,
                port,
                tls,
                idleTimeout,
                statementTimeout,
                cpuSlots,
                maxConcurrentStatements,
                vacuumInterval);
    }

    public ServerConfig withTls(TlsConfig tls) {
        return new ServerConfig(
                warehouse,
                host,
                port,
                Optional.of(tls),
                idleTimeout,
                statementTimeout,
                cpuSlots,
                maxConcurrentStatements,
                vacuumInterval);
    }

    public ServerConfig withIdleTimeout(Duration idleTimeout) {
        return new ServerConfig(
                warehouse,
                host,
                port,
                tls,
                idleTimeout,
                statementTimeout,
                cpuSlots,
                maxConcurrentStatements,
                vacuumInterval);
    }

    /** Limits statements to {@code statementTimeout} unless a role of their user overrides it. */
    public ServerConfig withStatementTimeout(Duration statementTimeout) {
        return new ServerConfig(
                warehouse,
                host,
                port,
                tls,
                idleTimeout,
                statementTimeout,
                cpuSlots,
                maxConcurrentStatements,
                vacuumInterval);
    }

    /** Runs at most {@code cpuSlots} statements' work at once (see {@link CpuScheduler}). */
    public ServerConfig withCpuSlots(int cpuSlots) {
        return new ServerConfig(
                warehouse,
                host,
                port,
                tls,
                idleTimeout,
                statementTimeout,
                cpuSlots,
                maxConcurrentStatements,
                vacuumInterval);
    }

    /** Lets one user run at most {@code limit} statements at once unless a role of the user overrides it. */
    public ServerConfig withMaxConcurrentStatements(int limit) {
        return new ServerConfig(
                warehouse, host, port, tls, idleTimeout, statementTimeout, cpuSlots, limit, vacuumInterval);
    }

    /**
     * Runs VACUUM every {@code interval} (zero: never), as a statement of the first admin user, under
     * the same admission and CPU scheduling as every statement.
     */
    public ServerConfig withVacuumInterval(Duration interval) {
        return new ServerConfig(
                warehouse, host, port, tls, idleTimeout, statementTimeout, cpuSlots, maxConcurrentStatements, interval);
    }
}
