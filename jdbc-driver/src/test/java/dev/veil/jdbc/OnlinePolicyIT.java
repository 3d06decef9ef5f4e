package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ADMIN_PASSWORD;
import static dev.veil.jdbc.TestServer.ANA_PASSWORD;
import static dev.veil.jdbc.TestServer.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.cli.Main;
import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code veil policy export|apply --url} against a running server, which goes on serving: the
 * export is the YAML file, an edited file applies all or nothing while an analyst's session stays
 * open, and the statements the commands send ({@code EXPORT POLICIES}, {@code APPLY POLICIES})
 * are refused to analysts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OnlinePolicyIT {
    @TempDir
    static Path dir;

    private static VeilServer server;
    private static String url;
    private static Path adminPasswordFile;

    @BeforeAll
    static void start() throws Exception {
        Path warehouse = TestServer.createWarehouse(dir);
        server = VeilServer.start(ServerConfig.of(warehouse).withPort(0));
        url = server.jdbcUrl();
        adminPasswordFile = dir.resolve("admin.pw");
        Files.writeString(adminPasswordFile, ADMIN_PASSWORD + "\n");
        try (Connection c = connect(url, "admin", ADMIN_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA shop");
            s.execute("CREATE TABLE shop.customers (id BIGINT NOT NULL, city VARCHAR, email VARCHAR)");
            s.execute("INSERT INTO shop.customers VALUES (1, 'Lyon', 'a@x.org'), (2, 'Lyon', 'b@x.org'), "
                    + "(3, 'Nice', 'c@x.org')");
            s.execute("ALTER TABLE shop.customers SET PRIVACY UNIT (id)");
            s.execute("ALTER TABLE shop.customers ALTER COLUMN email SET POLICY HIDDEN");
            s.execute("ALTER TABLE shop.customers SET MIN GROUP SIZE 2");
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The result of one in-process CLI run. */
    record Run(int status, String out, String err) {}

    private static synchronized Run veil(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new Run(
                    status, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static List<String> cities(Statement s) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT city, COUNT(*) FROM shop.customers GROUP BY city ORDER BY city")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + "=" + rs.getLong(2));
            }
        }
        return rows;
    }

    @Test
    void exportAndApplyOverTheServerWhileAnAnalystStaysConnected() throws Exception {
        try (Connection ana = connect(url, "ana", ANA_PASSWORD);
                Statement s = ana.createStatement()) {
            // MIN GROUP SIZE 2: Nice's single customer is not released.
            assertEquals(List.of("Lyon=2"), cities(s));

            Path file = dir.resolve("policies.yaml");
            Run export = veil(
                    "policy", "export", "--url", url, "--password-file", adminPasswordFile.toString(), file.toString());
            assertEquals(0, export.status(), export.err());
            assertTrue(export.out().contains("Exported the policies to " + file), export.out());
            String yaml = Files.readString(file);
            assertTrue(yaml.contains("shop.customers"), yaml);
            assertTrue(yaml.contains("min_group_size"), yaml);

            // An edited file: the minimum group size goes to 3.
            Path edited = dir.resolve("edited.yaml");
            String raised = yaml.replace("size: 2", "size: 3");
            assertTrue(!raised.equals(yaml), yaml);
            Files.writeString(edited, raised);
            Run apply = veil(
                    "policy",
                    "apply",
                    "--url",
                    url,
                    "--password-file",
                    adminPasswordFile.toString(),
                    edited.toString());
            assertEquals(0, apply.status(), apply.err());
            assertTrue(apply.out().contains("Applied the policies of 1 tables from " + edited), apply.out());
            // The analyst's next statement, in the same session, runs under the new policies.
            assertEquals(List.of(), cities(s));

            // A file with a bad entry applies nothing and names the entry.
            Path bad = dir.resolve("bad.yaml");
            Files.writeString(bad, yaml.replace("email", "no_such_column"));
            Run refused = veil(
                    "policy", "apply", "--url", url, "--password-file", adminPasswordFile.toString(), bad.toString());
            assertEquals(1, refused.status(), refused.out());
            assertTrue(refused.err().contains("shop.customers"), refused.err());
            assertTrue(refused.err().contains("no_such_column"), refused.err());
            assertEquals(List.of(), cities(s));

            // Back to the exported file.
            assertEquals(
                    0,
                    veil(
                                    "policy",
                                    "apply",
                                    "--url",
                                    url,
                                    "--password-file",
                                    adminPasswordFile.toString(),
                                    file.toString())
                            .status());
            assertEquals(List.of("Lyon=2"), cities(s));
        }
    }

    @Test
    void analystsCannotExportOrApplyPolicies() throws Exception {
        try (Connection ana = connect(url, "ana", ANA_PASSWORD);
                Statement s = ana.createStatement()) {
            SQLException export = assertThrows(SQLException.class, () -> s.executeQuery("EXPORT POLICIES"));
            assertTrue(export.getMessage().contains("ACCESS_DENIED"), export.getMessage());
            SQLException apply = assertThrows(SQLException.class, () -> s.execute("APPLY POLICIES 'tables: []'"));
            assertTrue(apply.getMessage().contains("ACCESS_DENIED"), apply.getMessage());
        }
        Path anaPassword = dir.resolve("ana.pw");
        Files.writeString(anaPassword, ANA_PASSWORD + "\n");
        Run run = veil(
                "policy",
                "export",
                "--url",
                url,
                "--user",
                "ana",
                "--password-file",
                anaPassword.toString(),
                dir.resolve("x.yaml").toString());
        assertEquals(1, run.status(), run.out());
        assertTrue(run.err().contains("ACCESS_DENIED"), run.err());
        assertTrue(!Files.exists(dir.resolve("x.yaml")));
    }

    @Test
    void theOfflineCommandNeedsNoPasswordAndTheOnlineOneDoes() {
        Run run = veil("policy", "export", "--url", url, dir.resolve("y.yaml").toString());
        assertEquals(1, run.status(), run.out());
        assertTrue(run.err().contains("--url needs --password-file"), run.err());
    }
}
