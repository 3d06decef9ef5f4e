package dev.veil.bench.tpch;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A single-node Trino for {@code veil bench federation} when no {@code --trino-url} is given: the
 * server unpacked in {@code $VEIL_TRINO_HOME} or {@code ~/.cache/veil-trino/476} (as the engine's
 * Trino tests unpack it: {@code server/lib} and {@code plugins/tpch}), run by the JDK in
 * {@code $VEIL_TRINO_JAVA_HOME} or the newest {@code /usr/lib/jvm} JDK of version 22 or later, with
 * the {@code tpch} catalog ({@code tpch.column-naming=STANDARD}). Stopped and deleted by {@link #close}.
 */
final class LocalTrino implements AutoCloseable {
    static final String USER = "veil";
    private static final long START_SECONDS = 300;

    private final Path dir;
    private final int port;
    private final Process process;

    private LocalTrino(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** Starts the server with a heap of {@code heapMb} and waits until a tpch query answers. */
    static LocalTrino start(int heapMb) throws IOException, InterruptedException, SQLException {
        String configured = System.getenv("VEIL_TRINO_HOME");
        Path home = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "veil-trino", "476");
        if (!Files.isDirectory(home.resolve("server/lib")) || !Files.isDirectory(home.resolve("plugins/tpch"))) {
            throw new IllegalStateException("No unpacked Trino in " + home
                    + " (run the engine's Trino tests once, or set VEIL_TRINO_HOME), or pass --trino-url");
        }
        Path java = javaHome()
                .orElseThrow(() -> new IllegalStateException("Trino needs Java 22+: set VEIL_TRINO_JAVA_HOME"))
                .resolve("bin/java");
        Path dir = Files.createTempDirectory("veil-bench-trino-");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path catalog = dir.resolve("catalog");
        Files.createDirectories(catalog);
        long queryMemory = Math.max(256, heapMb * 6L / 10);
        Files.write(
                dir.resolve("config.properties"),
                List.of(
                        "coordinator=true",
                        "node-scheduler.include-coordinator=true",
                        "http-server.http.port=" + port,
                        "discovery.uri=http://127.0.0.1:" + port,
                        "node.environment=veilbench",
                        "node.id=bench",
                        "node.bind-ip=127.0.0.1",
                        "node.internal-address=127.0.0.1",
                        "plugin.dir=" + home.resolve("plugins"),
                        "catalog.config-dir=" + catalog,
                        "query.max-memory=" + queryMemory + "MB",
                        "query.max-memory-per-node=" + queryMemory + "MB",
                        "task.concurrency=2"),
                StandardCharsets.UTF_8);
        Files.write(
                catalog.resolve("tpch.properties"),
                List.of("connector.name=tpch", "tpch.column-naming=STANDARD"),
                StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(
                        java.toString(),
                        "-Xmx" + heapMb + "m",
                        "-XX:+UseSerialGC",
                        "-Djdk.attach.allowAttachSelf=true",
                        "--enable-native-access=ALL-UNNAMED",
                        "-Dconfig=" + dir.resolve("config.properties"),
                        "-cp",
                        home.resolve("server/lib") + "/*",
                        "io.trino.server.TrinoServer")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("log").toFile())
                .start();
        LocalTrino trino = new LocalTrino(dir, port, p);
        try {
            trino.awaitReady();
        } catch (IOException | InterruptedException | SQLException | RuntimeException e) {
            trino.close();
            throw e;
        }
        return trino;
    }

    private void awaitReady() throws InterruptedException, SQLException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        SQLException last = null;
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Trino exited with " + process.exitValue() + "; see " + dir);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Trino not ready after " + START_SECONDS + " s", last);
            }
            if (info().contains("\"starting\":false")) {
                try (Connection c = connect(url(port));
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM tpch.tiny.nation")) {
                    if (rs.next() && rs.getLong(1) == 25) {
                        return;
                    }
                } catch (SQLException e) {
                    last = e;
                }
            }
            Thread.sleep(500);
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

    String url() {
        return url(port);
    }

    static String url(int port) {
        return "jdbc:trino://127.0.0.1:" + port;
    }

    static Connection connect(String url) throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", USER);
        info.setProperty("source", "veil-bench");
        return DriverManager.getConnection(url, info);
    }

    /** The JDK that runs Trino. */
    private static Optional<Path> javaHome() {
        String configured = System.getenv("VEIL_TRINO_JAVA_HOME");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> all = Files.list(jvms)) {
            return all.filter(p -> Files.isExecutable(p.resolve("bin/java")))
                    .filter(p -> !Files.isSymbolicLink(p))
                    .filter(p -> featureVersion(p) >= 22)
                    .max(Comparator.comparingInt(LocalTrino::featureVersion));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

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

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A temporary folder left behind.
        }
    }
}
