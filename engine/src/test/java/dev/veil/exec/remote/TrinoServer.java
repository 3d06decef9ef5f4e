package dev.veil.exec.remote;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A throw-away Trino for tests: a coordinator (and optionally workers), each its own JVM on
 * 127.0.0.1 with a small heap, with the {@code tpch} catalog ({@code tpch.column-naming=STANDARD})
 * and a {@code memory} catalog, stopped and deleted by {@link #close}.
 *
 * <p>The server is Trino's slim {@code io.trino:trino-server-core} tarball plus the
 * {@code trino-tpch} and {@code trino-memory} plugin zips. {@link #home} finds it unpacked in
 * {@code $VEIL_TRINO_HOME} or {@code ~/.cache/veil-trino}, or unpacks it there from the local Maven
 * repository ({@code .ci/run} fetches it with {@code mvn dependency:get}). Trino needs Java 22+:
 * {@link #javaHome} is {@code $VEIL_TRINO_JAVA_HOME}, else the newest {@code /usr/lib/jvm} JDK of
 * version 22 or later. Ready means {@code /v1/info} says it is no longer starting, every node is
 * active, and a {@code tpch.tiny} query answers.
 */
public final class TrinoServer implements AutoCloseable {
    static final String VERSION = "476";
    public static final String USER = "veil";

    private static final Path CACHE = Path.of(System.getProperty("user.home"), ".cache", "veil-trino");
    private static final Path M2 = Path.of(System.getProperty("user.home"), ".m2", "repository", "io", "trino");
    private static final long START_SECONDS = 240;

    private final Path dir;
    private final int port;
    private final List<Process> nodes = new ArrayList<>();

    private TrinoServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Why no server can be started here, or empty if one can. */
    public static Optional<String> unavailable() {
        if (javaHome().isEmpty()) {
            return Optional.of("no Java 22+ for Trino (set VEIL_TRINO_JAVA_HOME or install Temurin 25)");
        }
        try {
            if (home().isEmpty()) {
                return Optional.of("Trino " + VERSION + " (trino-server-core tar.gz, trino-tpch and trino-memory zips)"
                        + " is neither in ~/.cache/veil-trino nor in ~/.m2");
            }
        } catch (IOException | InterruptedException e) {
            return Optional.of("cannot unpack Trino: " + e);
        }
        return Optional.empty();
    }

    /** The JDK that runs Trino. */
    static Optional<Path> javaHome() {
        String configured = System.getenv("VEIL_TRINO_JAVA_HOME");
        if (configured != null && !configured.isBlank()) {
            Path home = Path.of(configured);
            return Files.isExecutable(home.resolve("bin/java")) ? Optional.of(home) : Optional.empty();
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> all = Files.list(jvms)) {
            return all.filter(p -> Files.isExecutable(p.resolve("bin/java")))
                    .filter(p -> !Files.isSymbolicLink(p))
                    .filter(p -> featureVersion(p) >= 22)
                    .max(Comparator.comparingInt(TrinoServer::featureVersion));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The feature version in a JDK's {@code release} file, 0 if unknown. */
    private static int featureVersion(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    int end = 0;
                    while (end < v.length() && Character.isDigit(v.charAt(end))) {
                        end++;
                    }
                    return end == 0 ? 0 : Integer.parseInt(v.substring(0, end));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not a JDK we can read.
        }
        return 0;
    }

    /**
     * The unpacked server: {@code server} (with {@code lib/}) and {@code plugins} (tpch and memory
     * only, so that startup loads nothing else), unpacked from ~/.m2 on first use.
     */
    static synchronized Optional<Path> home() throws IOException, InterruptedException {
        String configured = System.getenv("VEIL_TRINO_HOME");
        Path home = configured != null && !configured.isBlank() ? Path.of(configured) : CACHE.resolve(VERSION);
        if (Files.isDirectory(home.resolve("server/lib")) && Files.isDirectory(home.resolve("plugins/tpch"))) {
            return Optional.of(home);
        }
        Path core = M2.resolve("trino-server-core/" + VERSION + "/trino-server-core-" + VERSION + ".tar.gz");
        Path tpch = M2.resolve("trino-tpch/" + VERSION + "/trino-tpch-" + VERSION + ".zip");
        Path memory = M2.resolve("trino-memory/" + VERSION + "/trino-memory-" + VERSION + ".zip");
        if (!Files.exists(core) || !Files.exists(tpch) || !Files.exists(memory)) {
            return Optional.empty();
        }
        Files.createDirectories(home.getParent());
        Path staging = Files.createTempDirectory(home.getParent(), "unpack-");
        run(staging, "tar", "xzf", core.toString(), "-C", staging.toString());
        try (Stream<Path> unpacked = Files.list(staging)) {
            Path top = unpacked.filter(p -> p.getFileName().toString().startsWith("trino-server"))
                    .findFirst()
                    .orElseThrow(() -> new IOException("unexpected layout of " + core));
            Files.move(top, staging.resolve("server"));
        }
        unzipStripped(tpch, staging.resolve("plugins/tpch"));
        unzipStripped(memory, staging.resolve("plugins/memory"));
        try {
            Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.isDirectory(home.resolve("server/lib"))) {
                throw e;
            }
            deleteTree(staging); // Another JVM unpacked it first.
        }
        return Optional.of(home);
    }

    /** Unzips a plugin zip into {@code target}, without the zip's one top folder. */
    private static void unzipStripped(Path zip, Path target) throws IOException {
        Files.createDirectories(target);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                String name = e.getName();
                int slash = name.indexOf('/');
                String rest = slash < 0 ? name : name.substring(slash + 1);
                if (rest.isEmpty() || e.isDirectory()) {
                    continue;
                }
                Path out = target.resolve(rest).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("bad entry " + name);
                }
                Files.createDirectories(out.getParent());
                Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Starts a coordinator and {@code workers} workers, and waits until all are ready. */
    public static TrinoServer start(int workers) throws IOException, InterruptedException, SQLException {
        Path home =
                home().orElseThrow(() -> new IllegalStateException(unavailable().orElse("no Trino")));
        Path java = javaHome().orElseThrow().resolve("bin/java");
        Path dir = Files.createTempDirectory("veil-trino-");
        TrinoServer server = new TrinoServer(dir, freePort());
        try {
            server.launch(home, java, "coordinator", true, server.port);
            for (int w = 1; w <= workers; w++) {
                server.launch(home, java, "worker" + w, false, freePort());
            }
            server.awaitReady(1 + workers);
        } catch (IOException | InterruptedException | SQLException | RuntimeException e) {
            String log = server.logs();
            server.close();
            throw new IllegalStateException("Trino did not start: " + e + "\n" + tail(log), e);
        }
        return server;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void launch(Path home, Path java, String name, boolean coordinator, int httpPort) throws IOException {
        Path node = dir.resolve(name);
        Path catalog = node.resolve("catalog");
        Files.createDirectories(catalog);
        List<String> config = new ArrayList<>(List.of(
                "coordinator=" + coordinator,
                "http-server.http.port=" + httpPort,
                "discovery.uri=http://127.0.0.1:" + port,
                "node.environment=veiltest",
                "node.id=" + name,
                "node.bind-ip=127.0.0.1",
                "node.internal-address=127.0.0.1",
                "plugin.dir=" + home.resolve("plugins"),
                "catalog.config-dir=" + catalog,
                "query.max-memory=256MB",
                "query.max-memory-per-node=192MB",
                "task.concurrency=2",
                "task.max-worker-threads=4"));
        if (coordinator) {
            config.add("node-scheduler.include-coordinator=true");
        }
        Files.write(node.resolve("config.properties"), config, StandardCharsets.UTF_8);
        Files.write(
                catalog.resolve("tpch.properties"),
                List.of("connector.name=tpch", "tpch.column-naming=STANDARD"),
                StandardCharsets.UTF_8);
        Files.write(
                catalog.resolve("memory.properties"),
                List.of("connector.name=memory", "memory.max-data-per-node=64MB"),
                StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(
                        java.toString(),
                        "-Xmx768m",
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-XX:ReservedCodeCacheSize=128m",
                        "-Djdk.attach.allowAttachSelf=true",
                        "--enable-native-access=ALL-UNNAMED",
                        "-Dconfig=" + node.resolve("config.properties"),
                        "-cp",
                        home.resolve("server/lib") + "/*",
                        "io.trino.server.TrinoServer")
                .directory(node.toFile())
                .redirectErrorStream(true)
                .redirectOutput(node.resolve("log").toFile())
                .start();
        nodes.add(p);
    }

    private void awaitReady(int nodeCount) throws InterruptedException, SQLException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (!info().contains("\"starting\":false")) {
            checkAlive(deadline);
            Thread.sleep(500);
        }
        SQLException last = null;
        while (true) {
            checkAlive(deadline);
            try (Connection c = connect();
                    Statement s = c.createStatement()) {
                long active = scalar(s, "SELECT COUNT(*) FROM system.runtime.nodes WHERE state = 'active'");
                if (active >= nodeCount && scalar(s, "SELECT COUNT(*) FROM tpch.tiny.nation") == 25) {
                    return;
                }
            } catch (SQLException e) {
                last = e; // "No nodes available" for a few seconds after startup.
            }
            if (System.nanoTime() > deadline && last != null) {
                throw last;
            }
            Thread.sleep(500);
        }
    }

    private void checkAlive(long deadline) {
        for (Process p : nodes) {
            if (!p.isAlive()) {
                throw new IllegalStateException("a Trino node exited with " + p.exitValue());
            }
        }
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("not ready after " + START_SECONDS + " s");
        }
    }

    private String info() {
        try {
            HttpURLConnection http = (HttpURLConnection)
                    URI.create("http://127.0.0.1:" + port + "/v1/info").toURL().openConnection();
            http.setConnectTimeout(1000);
            http.setReadTimeout(2000);
            try (InputStream in = http.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(" ", "");
            } finally {
                http.disconnect();
            }
        } catch (IOException e) {
            return "";
        }
    }

    private static long scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The JDBC URL of the coordinator. */
    public String url() {
        return "jdbc:trino://127.0.0.1:" + port;
    }

    /** A connection to the coordinator as {@link #USER}. */
    public Connection connect() throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", USER);
        return DriverManager.getConnection(url(), info);
    }

    /** Runs statements in Trino. */
    public void execute(String... statements) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** The nodes' logs, one after another. */
    String logs() {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> all = Files.list(dir)) {
            for (Path node : all.sorted().toList()) {
                Path log = node.resolve("log");
                if (Files.exists(log)) {
                    out.append("== ").append(node.getFileName()).append('\n').append(Files.readString(log));
                }
            }
        } catch (IOException e) {
            out.append(e);
        }
        return out.toString();
    }

    private static String tail(String text) {
        return text.length() <= 6000 ? text : text.substring(text.length() - 6000);
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("Command failed: " + List.of(command) + "\n" + output);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Stops every node (workers first) and deletes their folders. */
    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).destroy();
        }
        for (Process p : nodes) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            deleteTree(dir);
        } catch (IOException e) {
            // A temporary folder left behind.
        }
    }
}
