package dev.veil.server;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.audit.AuditLog;
import dev.veil.catalog.Principals;
import dev.veil.control.CpuScheduler;
import dev.veil.session.Engine;
import dev.veil.session.VeilMeta;
import dev.veil.storage.UploadArea;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.remote.Service.RpcMetadataResponse;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Veil's network server: Avatica's protobuf protocol over HTTP or HTTPS, on Jetty, answering
 * through {@link VeilMeta}. Every request is authenticated against the warehouse's users with
 * HTTP Basic; a connection's session runs as the user who authenticated, never as a user the
 * client names in its properties. Start one with {@link #start}, stop it with {@link #close}.
 *
 * <pre>{@code
 * try (VeilServer server = VeilServer.start(ServerConfig.of(dir).withPort(0))) {
 *     String url = server.jdbcUrl();   // jdbc:veil://127.0.0.1:<port>
 *     ...
 * }
 * }</pre>
 */
public final class VeilServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VeilServer.class);
    private static final int MAX_THREADS = 128;

    private final ServerConfig config;
    private final Engine engine;
    private final VeilMeta meta;
    private final ConnectionRegistry connections;
    private final Server jetty;
    private final ServerConnector connector;
    private final ScheduledExecutorService reaper;
    private final ClientWatch clientWatch = new ClientWatch();
    private final ScheduledExecutorService vacuums = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "veil-vacuum");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.atomic.AtomicBoolean vacuumCancel =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong vacuumRuns = new java.util.concurrent.atomic.AtomicLong();
    private int port;
    private boolean closed;

    private VeilServer(
            ServerConfig config,
            Engine engine,
            VeilMeta meta,
            ConnectionRegistry connections,
            Server jetty,
            ServerConnector connector,
            ScheduledExecutorService reaper) {
        this.config = config;
        this.engine = engine;
        this.meta = meta;
        this.connections = connections;
        this.jetty = jetty;
        this.connector = connector;
        this.reaper = reaper;
    }

    /**
     * Opens the warehouse and starts serving it. Fails if the warehouse has no users (nobody could
     * log in; {@code veil init} creates the admin) or the address cannot be bound.
     */
    public static VeilServer start(ServerConfig config) {
        requireNonNull(config, "config is null");
        Engine engine = Engine.acquire(config.warehouse());
        try {
            Principals principals = new Principals(engine.warehouse().sqliteCatalog());
            if (!principals.hasUsers()) {
                throw new VeilException(
                        ErrorCode.UNKNOWN_PRINCIPAL,
                        "Warehouse " + config.warehouse()
                                + " has no users, so nobody could log in; create the admin with 'veil init' or "
                                + "CREATE USER through 'veil sql --warehouse'");
            }
            return start(config, engine, principals);
        } catch (RuntimeException e) {
            engine.release();
            throw e;
        }
    }

    private static VeilServer start(ServerConfig config, Engine engine, Principals principals) {
        ConnectionRegistry connections = new ConnectionRegistry();
        VeilMeta meta = new VeilMeta(
                null,
                (id, info) -> engine.newSession(RequestUser.require())
                        .limitStatementsTo(config.statementTimeout())
                        .limitConcurrentStatementsTo(config.maxConcurrentStatements()),
                WireErrors::toAvatica);
        if (CpuScheduler.shared().slots() != config.cpuSlots()) {
            CpuScheduler.useShared(new CpuScheduler(config.cpuSlots()));
        }
        LocalService service = new LocalService(meta);

        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 4);
        threads.setName("veil-http");
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector;
        if (config.tls().isPresent()) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(config.tls().get().keystore().toAbsolutePath().toString());
            ssl.setKeyStorePassword(config.tls().get().password());
            connector = new ServerConnector(
                    jetty, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        }
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(60_000);
        jetty.addConnector(connector);
        jetty.setStopAtShutdown(false);

        ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "veil-connection-reaper");
            t.setDaemon(true);
            return t;
        });
        VeilServer server = new VeilServer(config, engine, meta, connections, jetty, connector, reaper);
        // Uploads of an earlier run cannot be loaded any more: their users' COPY statements are gone.
        UploadArea uploads = new UploadArea(engine.warehouse());
        uploads.clear();
        try {
            // The handler needs the bound address for its error metadata; bind first, then serve.
            connector.open();
            RpcMetadataResponse metadata = new RpcMetadataResponse(config.host() + ":" + connector.getLocalPort());
            service.setRpcMetadata(metadata);
            jetty.setHandler(new VeilHttpHandler(
                    new Authenticator(principals),
                    new LoginThrottle(),
                    new ServerAudit(new AuditLog(engine.warehouse().sqliteCatalog())),
                    service,
                    meta,
                    connections,
                    server.clientWatch,
                    metadata,
                    principals,
                    uploads));
            jetty.start();
            server.port = connector.getLocalPort();
        } catch (Exception e) {
            server.stopQuietly();
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "Cannot serve on " + config.host() + ":" + config.port() + ": " + e.getMessage(),
                    e);
        }
        long period = Math.max(100, Math.min(config.idleTimeout().toMillis() / 2, 30_000));
        reaper.scheduleWithFixedDelay(server::closeIdleConnections, period, period, TimeUnit.MILLISECONDS);
        long vacuum = config.vacuumInterval().toMillis();
        if (vacuum > 0) {
            server.vacuums.scheduleWithFixedDelay(server::vacuum, vacuum, vacuum, TimeUnit.MILLISECONDS);
        }
        LOG.info("Veil serves {} at {}", config.warehouse(), server.jdbcUrl());
        if (config.tls().isEmpty() && !isLoopback(config.host())) {
            LOG.warn(
                    "Serving {} without TLS: passwords and data cross the network in clear; use --tls-keystore",
                    config.host());
        }
        return server;
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The port the server listens on (the chosen one when configured with port 0). */
    public int port() {
        return port;
    }

    public String host() {
        return config.host();
    }

    public ServerConfig config() {
        return config;
    }

    /** The thin driver's URL for this server, e.g. {@code jdbc:veil://127.0.0.1:8765} (plus {@code ;ssl=true}). */
    public String jdbcUrl() {
        String host = config.host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "localhost";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "jdbc:veil://" + host + ":" + port() + (config.tls().isPresent() ? ";ssl=true" : "");
    }

    /** How many client connections are open on the server. */
    public int openConnections() {
        return connections.size();
    }

    /** How many statements are open on the server, over all connections. */
    public int openStatements() {
        return meta.openStatements();
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /** The text of the statement the server runs at each vacuum interval, as the audit shows it. */
    static final String SCHEDULED_VACUUM = "VACUUM /* run by the server every --vacuum-interval */";

    /**
     * Runs VACUUM as a statement of the first admin user (by name), through a session like any
     * client's: it is audited, waits for a CPU slot and counts against that user's concurrent
     * statements, so it cannot starve analysts. A failure is logged and the next interval tries again.
     */
    void vacuum() {
        try {
            Principals principals = new Principals(engine.warehouse().sqliteCatalog());
            java.util.Optional<String> admin = principals.users().stream()
                    .filter(principals::isAdmin)
                    .sorted()
                    .findFirst();
            if (admin.isEmpty()) {
                return;
            }
            engine.newSession(admin.get())
                    .limitStatementsTo(config.statementTimeout())
                    .limitConcurrentStatementsTo(config.maxConcurrentStatements())
                    .execute(SCHEDULED_VACUUM, vacuumCancel);
            vacuumRuns.incrementAndGet();
            LOG.info("Scheduled VACUUM done");
        } catch (RuntimeException e) {
            LOG.warn("Scheduled VACUUM failed: {}", e.getMessage());
        }
    }

    /** How many scheduled vacuums have completed since the server started. */
    public long vacuumRuns() {
        return vacuumRuns.get();
    }

    /** Closes the connections that have been idle for longer than the idle timeout. */
    void closeIdleConnections() {
        try {
            List<String> idle = connections.removeIdle(config.idleTimeout().toNanos());
            for (String id : idle) {
                LOG.info("Closing connection {}: idle for longer than {}", id, config.idleTimeout());
                meta.closeConnection(new Meta.ConnectionHandle(id));
            }
        } catch (RuntimeException e) {
            LOG.error("Closing idle connections failed", e);
        }
    }

    /** Stops serving, closes every connection and lets go of the warehouse. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopQuietly();
        for (String id : connections.ids()) {
            connections.remove(id);
            meta.closeConnection(new Meta.ConnectionHandle(id));
        }
        engine.release();
        LOG.info("Veil server on port {} stopped", port);
    }

    private void stopQuietly() {
        reaper.shutdownNow();
        vacuumCancel.set(true);
        vacuums.shutdownNow();
        clientWatch.close();
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("Stopping the HTTP server failed", e);
        }
        try {
            connector.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing the HTTP connector failed", e);
        }
    }
}
