package dev.veil.exec.remote;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server for tests: a cluster in a fresh temporary folder (C locale,
 * UTF-8), started on a free port of 127.0.0.1 with password authentication for its superuser
 * {@code veil}, stopped and deleted by {@link #close}. PostgreSQL refuses to run as root, so as
 * root (CI) every command runs as the {@code postgres} user (or {@code nobody}) through
 * {@code runuser}. {@link #binaries} finds the binaries (on the PATH or in Debian's
 * {@code /usr/lib/postgresql/N/bin}); tests skip when there are none ({@link #startOrSkip}).
 * Public for the SQL tests (sql-tests), which reach it through the engine's test jar.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String USER = "veil";
    public static final String PASSWORD = "pg-test-secret-7c1e";

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;
    private final Optional<String> runAs;

    private PostgresServer(Path bin, Path dir, int port, Optional<String> runAs) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.runAs = runAs;
    }

    /** The folder of PostgreSQL's server binaries, if this machine has them. */
    public static Optional<Path> binaries() {
        List<Path> candidates = new ArrayList<>();
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                versions.sorted(Comparator.reverseOrder()).forEach(v -> candidates.add(v.resolve("bin")));
            } catch (IOException e) {
                // Fall through to the PATH.
            }
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!entry.isEmpty()) {
                candidates.add(Path.of(entry));
            }
        }
        return candidates.stream()
                .filter(p -> Files.isExecutable(p.resolve("initdb")) && Files.isExecutable(p.resolve("pg_ctl")))
                .findFirst();
    }

    /** Creates and starts a server; fails if the binaries are missing or it does not start. */
    public static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binaries().orElseThrow(() -> new IllegalStateException("no PostgreSQL binaries"));
        boolean root = "root".equals(System.getProperty("user.name"));
        Optional<String> runAs = root ? Optional.of(userExists("postgres") ? "postgres" : "nobody") : Optional.empty();
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "veil-pg-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        PostgresServer server = new PostgresServer(bin, dir, port, runAs);
        try {
            server.init();
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static boolean userExists(String user) throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder("id", "-u", user).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    private void init() throws IOException, InterruptedException {
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, PASSWORD + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-r--r--"));
        run(
                bin.resolve("initdb").toString(),
                "-D",
                data.toString(),
                "-U",
                USER,
                "--pwfile=" + pwfile,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--locale=C",
                "--encoding=UTF8",
                "-N");
        run(
                bin.resolve("pg_ctl").toString(),
                "-D",
                data.toString(),
                "-l",
                dir.resolve("log").toString(),
                "-w",
                "-t",
                "60",
                "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c max_connections=40 -c shared_buffers=16MB -c log_statement=all",
                "start");
    }

    private void run(String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (runAs.isPresent()) {
            full.addAll(List.of("runuser", "-u", runAs.get(), "--"));
        }
        full.addAll(List.of(command));
        Process p = new ProcessBuilder(full)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            String log = Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "";
            throw new IllegalStateException("Command failed: " + full + "\n" + output + "\n" + log);
        }
    }

    /**
     * Starts a server for a test class, or skips the class (a JUnit assumption) when this machine
     * has no PostgreSQL binaries; with the environment variable {@code VEIL_REQUIRE_POSTGRES} set
     * (CI), missing binaries fail instead.
     */
    public static PostgresServer startOrSkip() throws IOException, InterruptedException {
        if (binaries().isEmpty() && System.getenv("VEIL_REQUIRE_POSTGRES") != null) {
            throw new IllegalStateException("VEIL_REQUIRE_POSTGRES is set but no PostgreSQL binaries were found");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(
                binaries().isPresent(), "PostgreSQL binaries (initdb, pg_ctl) not found");
        return start();
    }

    /** The JDBC URL of the server's {@code postgres} database. */
    public String url() {
        return url("postgres");
    }

    /** The JDBC URL of {@code database} on the server. */
    public String url(String database) {
        if (!database.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain database name: " + database);
        }
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates an empty database {@code database} and returns its JDBC URL. */
    public String createDatabase(String database) throws SQLException {
        String url = url(database);
        execute("CREATE DATABASE " + database);
        return url;
    }

    /** A connection to {@code database} as the superuser. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), USER, PASSWORD);
    }

    /** A connection as the superuser. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), USER, PASSWORD);
    }

    /** Runs statements as the superuser. */
    public void execute(String... statements) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** The server's log so far: with {@code log_statement=all}, every statement it was sent. */
    public String log() throws IOException {
        return Files.readString(dir.resolve("log"), StandardCharsets.UTF_8);
    }

    /** Writes the superuser's password to a file and returns it. */
    public Path passwordFile(Path folder) throws IOException {
        Path file = folder.resolve("pg.password");
        Files.writeString(file, PASSWORD + "\n", StandardCharsets.UTF_8);
        return file;
    }

    @Override
    public void close() {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                run(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop");
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // Best effort: the folder is removed below either way.
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // Left behind in /tmp.
            }
        }
    }
}
