package dev.veil.cli;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.ConcurrentStatementLimits;
import dev.veil.catalog.StatementTimeouts;
import dev.veil.control.CpuScheduler;
import dev.veil.control.MemoryPool;
import dev.veil.control.MemorySize;
import dev.veil.control.StatementMemory;
import dev.veil.server.ServerConfig;
import dev.veil.server.TlsConfig;
import dev.veil.server.VeilServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code veil serve}: serves a warehouse to JDBC clients over HTTP(S) until stopped. Other
 * commands that serve (such as {@code veil demo}) use {@link #start} and {@link #serveUntilStopped}.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Serve a warehouse to JDBC clients (thin driver URL jdbc:veil://host:port) until stopped.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--warehouse", required = true, paramLabel = "DIR", description = "The warehouse to serve.")
    Path warehouse;

    @Option(
            names = "--host",
            paramLabel = "HOST",
            defaultValue = ServerConfig.DEFAULT_HOST,
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "" + ServerConfig.DEFAULT_PORT,
            description = "Port to listen on (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(
            names = "--statement-timeout",
            paramLabel = "DURATION",
            defaultValue = "10min",
            description = "How long a statement may run before it is stopped with STATEMENT_TIMEOUT "
                    + "(default ${DEFAULT-VALUE}; units ms, s, min, h). Admins may give a role its own limit: "
                    + "ALTER ROLE r SET STATEMENT_TIMEOUT = '1h'. A client's setQueryTimeout can only shorten it.")
    String statementTimeout;

    @Option(
            names = "--cpu-slots",
            paramLabel = "N",
            description = "How many statements' work runs at once; the others wait for a slot, and a statement "
                    + "that has run " + CpuScheduler.QUANTUM_MILLIS
                    + " ms gives its slot to a waiting one that has had "
                    + "less processor time (new and short statements first, fair per user). "
                    + "Default: the number of processors (1 to " + CpuScheduler.MAX_SLOTS + ").")
    Integer cpuSlots;

    @Option(
            names = "--max-concurrent-statements",
            paramLabel = "N",
            defaultValue = "" + ServerConfig.DEFAULT_MAX_CONCURRENT_STATEMENTS,
            description = "How many statements one user may run at once (default ${DEFAULT-VALUE}); more wait up to "
                    + "30 s for one to end, then fail with TOO_MANY_STATEMENTS. Admins may give a role its own cap: "
                    + "ALTER ROLE r SET max_concurrent_statements = '16'.")
    int maxConcurrentStatements;

    @ArgGroup(exclusive = false)
    Tls tls;

    @Option(
            names = "--vacuum-interval",
            paramLabel = "DURATION",
            defaultValue = "1h",
            description = "How often the server runs VACUUM, which removes rows past their retention period and "
                    + "deletes replaced segment files (default ${DEFAULT-VALUE}; units ms, s, min, h; 0 turns it "
                    + "off). It runs as a statement of the first admin user, under the same CPU slots and "
                    + "admission as any statement.")
    String vacuumInterval;

    @Option(
            names = "--statement-memory",
            paramLabel = "SIZE",
            description = "Memory one statement may use (hash tables, sorts, aggregation groups, result frames), "
                    + "such as 512MB or 2GB, unless its user's role sets statement_memory (ALTER ROLE r SET "
                    + "statement_memory = '1GB'); a statement past it fails with MEMORY_LIMIT_EXCEEDED. "
                    + "Default: a quarter of the JVM's maximum heap (-Xmx).")
    String statementMemory;

    @Option(
            names = "--memory-pool",
            paramLabel = "SIZE",
            description = "Memory all running statements together may use; a statement that needs more waits "
                    + "up to --memory-wait for others to finish, then fails with MEMORY_LIMIT_EXCEEDED. "
                    + "Default: 60% of the JVM's maximum heap (-Xmx).")
    String memoryPool;

    @Option(
            names = "--memory-wait",
            paramLabel = "SECONDS",
            defaultValue = "10",
            description = "How long a statement waits for the memory pool (default ${DEFAULT-VALUE}).")
    int memoryWaitSeconds;

    static final class Tls {
        @Option(
                names = "--tls-keystore",
                required = true,
                paramLabel = "FILE",
                description = "Keystore (PKCS12 or JKS) with the server's key and certificate: serve HTTPS.")
        Path keystore;

        @Option(
                names = "--tls-password-file",
                required = true,
                paramLabel = "FILE",
                description = "File whose first line is the keystore's password.")
        Path passwordFile;
    }

    @picocli.CommandLine.Mixin
    KeyOptions keys = new KeyOptions();

    @Override
    public Integer call() throws InterruptedException {
        keys.register(warehouse);
        applyMemoryLimits(statementMemory, memoryPool, memoryWaitSeconds);
        ServerConfig config = ServerConfig.of(warehouse)
                .withHost(host)
                .withPort(port)
                .withStatementTimeout(StatementTimeouts.parse(statementTimeout))
                .withMaxConcurrentStatements(ConcurrentStatementLimits.check(maxConcurrentStatements))
                .withVacuumInterval(vacuumInterval(vacuumInterval));
        if (cpuSlots != null) {
            config = config.withCpuSlots(cpuSlots);
        }
        if (tls != null) {
            config = config.withTls(TlsConfig.fromFiles(tls.keystore, tls.passwordFile));
        }
        return serveUntilStopped(start(config, System.out));
    }

    /** The --vacuum-interval: 0 (off) or a duration as statement timeouts are written. */
    static Duration vacuumInterval(String text) {
        if (text.strip().equals("0")) {
            return Duration.ZERO;
        }
        return StatementTimeouts.parse(text);
    }

    /**
     * Sets this process's memory pool and default statement limit from the options (null: the
     * default from the heap); INVALID_ARGUMENT for sizes that are malformed or do not fit.
     */
    static void applyMemoryLimits(String statementMemory, String memoryPool, int waitSeconds) {
        long pool = memoryPool == null ? MemoryPool.defaultCapacity() : MemorySize.parse(memoryPool, "--memory-pool");
        long statement = statementMemory == null
                ? Math.min(StatementMemory.defaultLimitFromHeap(), pool)
                : MemorySize.parse(statementMemory, "--statement-memory");
        if (waitSeconds < 0) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "--memory-wait must be 0 or more seconds");
        }
        if (statement < StatementMemory.MIN_LIMIT) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "--statement-memory must be at least " + MemorySize.format(StatementMemory.MIN_LIMIT));
        }
        if (statement > pool) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "--statement-memory (" + MemorySize.format(statement) + ") is larger than the memory pool ("
                            + MemorySize.format(pool) + ")");
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (pool > heap) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "--memory-pool (" + MemorySize.format(pool) + ") is larger than the JVM's maximum heap ("
                            + MemorySize.format(heap) + "); raise -Xmx");
        }
        MemoryPool.useShared(new MemoryPool(pool, Duration.ofSeconds(waitSeconds)));
        StatementMemory.useDefaultLimit(statement);
    }

    /** Starts a server and prints where it listens and how to connect. */
    public static VeilServer start(ServerConfig config, PrintStream out) {
        VeilServer server = VeilServer.start(config);
        out.println("Veil is serving " + config.warehouse().toAbsolutePath().normalize());
        out.println("Memory: up to " + MemorySize.format(StatementMemory.defaultLimit()) + " per statement, "
                + MemorySize.format(MemoryPool.shared().capacity()) + " for all statements together");
        out.println("Statements: " + CpuScheduler.shared().slots() + " run at once (CPU slots), up to "
                + config.maxConcurrentStatements() + " per user");
        out.println("JDBC URL: " + server.jdbcUrl() + "   (thin driver: jdbc-driver/target/veil-jdbc-*.jar)");
        out.println("Press Ctrl+C to stop.");
        out.flush();
        return server;
    }

    /** Blocks until the process is asked to stop (Ctrl+C, SIGTERM), then stops the server cleanly. */
    public static int serveUntilStopped(VeilServer server) throws InterruptedException {
        Thread hook = new Thread(server::close, "veil-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            server.join();
        } finally {
            server.close();
        }
        return 0;
    }
}
