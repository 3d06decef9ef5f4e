package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ANA_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.server.ServerConfig;
import dev.veil.server.TlsConfig;
import dev.veil.server.VeilServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The thin driver over HTTPS, with a self-signed certificate made by {@code keytool} at test time. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsIT {
    private static final String STORE_PASSWORD = "keystore-pw-1";
    private static final String TRUST_PASSWORD = "truststore-pw-1";

    @TempDir
    static Path dir;

    private static VeilServer server;
    private static Path truststore;

    @BeforeAll
    static void start() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path certificate = dir.resolve("server.crt");
        truststore = dir.resolve("trust.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "veil",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                STORE_PASSWORD,
                "-keypass",
                STORE_PASSWORD);
        keytool(
                "-exportcert",
                "-alias",
                "veil",
                "-keystore",
                keystore.toString(),
                "-storepass",
                STORE_PASSWORD,
                "-file",
                certificate.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "veil",
                "-file",
                certificate.toString(),
                "-keystore",
                truststore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                TRUST_PASSWORD);
        Path passwordFile = dir.resolve("keystore-password");
        Files.writeString(passwordFile, STORE_PASSWORD + "\n");
        server = VeilServer.start(ServerConfig.of(TestServer.createWarehouse(dir))
                .withPort(0)
                .withTls(TlsConfig.fromFiles(keystore, passwordFile)));
        TestServer.loadData(server, tlsProperties("admin", TestServer.ADMIN_PASSWORD), true);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, process.exitValue(), "keytool failed: " + output);
    }

    private static Properties tlsProperties(String user, String password) {
        Properties info = TestServer.credentials(user, password);
        info.setProperty("truststore", truststore.toString());
        info.setProperty("truststore_password", TRUST_PASSWORD);
        return info;
    }

    @Test
    void serverUrlSaysSsl() {
        assertTrue(server.jdbcUrl().endsWith(";ssl=true"), server.jdbcUrl());
    }

    @Test
    void queriesRunOverTls() throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), tlsProperties("ana", ANA_PASSWORD));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT CURRENT_USER, COUNT(*) FROM shop.orders")) {
            assertTrue(rs.next());
            assertEquals("ana", rs.getString(1));
            assertEquals(3, rs.getLong(2));
        }
    }

    @Test
    void timeoutCancelsOverTls() throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), tlsProperties("ana", ANA_PASSWORD));
                Statement s = c.createStatement()) {
            s.setQueryTimeout(1);
            SQLTimeoutException e =
                    assertThrows(SQLTimeoutException.class, () -> s.executeQuery(TestServer.ENDLESS_QUERY));
            assertEquals("57014", e.getSQLState());
        }
    }

    @Test
    void untrustedCertificateIsRefused() {
        SQLException e = assertThrows(
                SQLException.class,
                () -> DriverManager.getConnection(server.jdbcUrl(), TestServer.credentials("ana", ANA_PASSWORD)));
        assertEquals("08001", e.getSQLState());
        assertTrue(e.getMessage().contains("TLS connection"), e.getMessage());
    }

    @Test
    void plainHttpToTlsPortFailsCleanly() {
        String plain = server.jdbcUrl().replace(";ssl=true", "");
        SQLException e = assertThrows(
                SQLException.class,
                () -> DriverManager.getConnection(plain, TestServer.credentials("ana", ANA_PASSWORD)));
        assertEquals("08001", e.getSQLState());
    }
}
