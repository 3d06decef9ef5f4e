package dev.veil.cli;

import dev.veil.catalog.StatementTimeouts;
import dev.veil.server.ServerConfig;
import dev.veil.server.TlsConfig;
import dev.veil.server.VeilServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code veil serve}: serves a warehouse to JDBC clients over HTTP(S) until stopped. Other
 * commands that serve (such as {@code veil demo}) use {@link #start} and {@link #serveUntilStopped}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a warehouse to JDBC clients (thin driver URL jdbc:veil://host:port) until stopped.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--warehouse", required = true, paramLabel = "DIR", description = "The warehouse to serve.")
    Path warehouse;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = ServerConfig.DEFAULT_HOST,
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ServerConfig.DEFAULT_PORT,
            description = "Port to listen on (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--statement-timeout", paramLabel = "DURATION", defaultValue = "10min",
            description = "How long a statement may run before it is stopped with STATEMENT_TIMEOUT "
                    + "(default ${DEFAULT-VALUE}; units ms, s, min, h). Admins may give a role its own limit: "
                    + "ALTER ROLE r SET STATEMENT_TIMEOUT = '1h'. A client's setQueryTimeout can only shorten it.")
    String statementTimeout;

    @ArgGroup(exclusive = false)
    Tls tls;

    static final class Tls {
        @Option(names = "--tls-keystore", required = true, paramLabel = "FILE",
                description = "Keystore (PKCS12 or JKS) with the server's key and certificate: serve HTTPS.")
        Path keystore;

        @Option(names = "--tls-password-file", required = true, paramLabel = "FILE",
                description = "File whose first line is the keystore's password.")
        Path passwordFile;
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = ServerConfig.of(warehouse).withHost(host).withPort(port)
                .withStatementTimeout(StatementTimeouts.parse(statementTimeout));
        if (tls != null) {
            config = config.withTls(TlsConfig.fromFiles(tls.keystore, tls.passwordFile));
        }
        return serveUntilStopped(start(config, System.out));
    }

    /** Starts a server and prints where it listens and how to connect. */
    public static VeilServer start(ServerConfig config, PrintStream out) {
        VeilServer server = VeilServer.start(config);
        out.println("Veil is serving " + config.warehouse().toAbsolutePath().normalize());
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
