package dev.veil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encryption at rest through the real CLI: init --encrypt, keys, wrong and missing keys, rekey. */
class EncryptionCommandTest {
    private static final String QUERY =
            "SELECT count(*), sum(amount), min(name), max(email) FROM people WHERE amount > 10";

    @TempDir
    Path dir;

    Path csv;
    Path password;
    List<String> secrets;

    @BeforeEach
    void writeData() throws IOException {
        csv = dir.resolve("people.csv");
        password = dir.resolve("admin.password");
        Files.writeString(password, "a long admin password\n");
        secrets = new ArrayList<>();
        try (Writer out = Files.newBufferedWriter(csv)) {
            out.write("id,name,email,amount\n");
            for (int i = 0; i < 5000; i++) {
                String name = "Zorblax" + i + "Quux";
                String email = "wibble" + i + "@example.org";
                if (i % 97 == 0) {
                    secrets.add(name);
                    secrets.add(email);
                }
                out.write(i + "," + name + "," + email + "," + (i % 50) + "\n");
            }
        }
    }

    @Test
    void encryptedWarehouseFilesHoldNoLoadedValueWhileAPlainOneDoes() throws IOException {
        Path key = dir.resolve("master.key");
        Path wh = dir.resolve("enc");
        Run init = veil(
                "init",
                "--warehouse",
                wh.toString(),
                "--encrypt",
                "--new-key-file",
                key.toString(),
                "--admin-password-file",
                password.toString());
        assertEquals(0, init.status(), init.err());
        assertTrue(init.out().contains("Created encrypted warehouse"), init.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals(
                0,
                veil(
                                "load",
                                "--warehouse",
                                wh.toString(),
                                "--key-file",
                                key.toString(),
                                "--table",
                                "people",
                                "--csv",
                                csv.toString(),
                                "--header")
                        .status());
        // Statements whose text holds values land in the audit log, and HASH masks use the mask key.
        Run sql = veil(
                "sql",
                "--warehouse",
                wh.toString(),
                "--key-file",
                key.toString(),
                "-e",
                QUERY + "; SELECT count(*) FROM people WHERE name = '" + secrets.get(3) + "'"
                        + "; CREATE TABLE copy AS SELECT * FROM people WHERE amount < 5");
        assertEquals(0, sql.status(), sql.err());
        assertTrue(sql.out().contains("Zorblax"), sql.out());
        assertNoneAnywhere(wh, secrets);
        assertFalse(Files.exists(wh.resolve("mask.key")));

        // The control: the same data in a plain warehouse is found by the same scan.
        Path plain = dir.resolve("plain");
        assertEquals(
                0,
                veil("init", "--warehouse", plain.toString(), "--admin-password-file", password.toString())
                        .status());
        assertEquals(
                0,
                veil("load", "--warehouse", plain.toString(), "--table", "people", "--csv", csv.toString(), "--header")
                        .status());
        assertTrue(containsAnywhere(plain, secrets.get(0)));
        assertEquals(
                sql.out(),
                veil(
                                "sql",
                                "--warehouse",
                                plain.toString(),
                                "-e",
                                QUERY + "; SELECT count(*) FROM people WHERE name = '" + secrets.get(3) + "'"
                                        + "; CREATE TABLE copy AS SELECT * FROM people WHERE amount < 5")
                        .out());
    }

    @Test
    void missingWrongAndMalformedKeysFailClearlyWithStableCodes() throws IOException {
        Path key = dir.resolve("master.key");
        Path wh = dir.resolve("enc");
        assertEquals(
                0,
                veil(
                                "init",
                                "--warehouse",
                                wh.toString(),
                                "--encrypt",
                                "--new-key-file",
                                key.toString(),
                                "--admin-password-file",
                                password.toString())
                        .status());
        assertEquals(
                0,
                veil(
                                "load",
                                "--warehouse",
                                wh.toString(),
                                "--key-file",
                                key.toString(),
                                "--table",
                                "people",
                                "--csv",
                                csv.toString(),
                                "--header")
                        .status());

        Run missing = veil("sql", "--warehouse", wh.toString(), "-e", QUERY);
        assertNotEquals(0, missing.status());
        assertTrue(missing.err().contains("VEIL-0043 ENCRYPTION_KEY_REQUIRED"), missing.err());

        Path other = dir.resolve("other.key");
        assertEquals(
                0,
                veil(
                                "init",
                                "--warehouse",
                                dir.resolve("x").toString(),
                                "--encrypt",
                                "--new-key-file",
                                other.toString(),
                                "--admin-password-file",
                                password.toString())
                        .status());
        Run wrong = veil("sql", "--warehouse", wh.toString(), "--key-file", other.toString(), "-e", QUERY);
        assertNotEquals(0, wrong.status());
        assertTrue(wrong.err().contains("VEIL-0044 ENCRYPTION_KEY_WRONG"), wrong.err());
        assertFalse(wrong.out().contains("Zorblax"), wrong.out());

        Path garbage = dir.resolve("garbage.key");
        Files.writeString(garbage, "not a key\n");
        Run malformed = veil(
                "load",
                "--warehouse",
                wh.toString(),
                "--key-file",
                garbage.toString(),
                "--table",
                "people",
                "--csv",
                csv.toString(),
                "--header");
        assertTrue(malformed.err().contains("VEIL-0045 ENCRYPTION_KEY_INVALID"), malformed.err());

        Path plain = dir.resolve("plain");
        assertEquals(
                0,
                veil("init", "--warehouse", plain.toString(), "--admin-password-file", password.toString())
                        .status());
        Run keyForPlain = veil("sql", "--warehouse", plain.toString(), "--key-file", key.toString(), "-e", "SELECT 1");
        assertTrue(keyForPlain.err().contains("VEIL-0045 ENCRYPTION_KEY_INVALID"), keyForPlain.err());

        Run exists = veil(
                "init",
                "--warehouse",
                dir.resolve("y").toString(),
                "--encrypt",
                "--new-key-file",
                key.toString(),
                "--admin-password-file",
                password.toString());
        assertNotEquals(0, exists.status());
        assertTrue(exists.err().contains("exists already"), exists.err());

        // With the right key everything is still there.
        Run right = veil("sql", "--warehouse", wh.toString(), "--key-file", key.toString(), "-e", QUERY);
        assertEquals(0, right.status(), right.err());
    }

    @Test
    void answersAreEqualBeforeAndAfterRekeyAndRekeyData() throws IOException {
        Path key = dir.resolve("k1");
        Path wh = dir.resolve("enc");
        assertEquals(
                0,
                veil(
                                "init",
                                "--warehouse",
                                wh.toString(),
                                "--encrypt",
                                "--new-key-file",
                                key.toString(),
                                "--admin-password-file",
                                password.toString())
                        .status());
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    0,
                    veil(
                                    "load",
                                    "--warehouse",
                                    wh.toString(),
                                    "--key-file",
                                    key.toString(),
                                    "--table",
                                    "people",
                                    "--csv",
                                    csv.toString(),
                                    "--header")
                            .status());
        }
        String before = veil("sql", "--warehouse", wh.toString(), "--key-file", key.toString(), "-e", QUERY)
                .out();
        assertTrue(before.contains("11700"), before);

        Path key2 = dir.resolve("k2");
        Run rekey = veil(
                "rekey", "--warehouse", wh.toString(), "--key-file", key.toString(), "--new-key-file", key2.toString());
        assertEquals(0, rekey.status(), rekey.err());
        assertEquals(
                before,
                veil("sql", "--warehouse", wh.toString(), "--key-file", key2.toString(), "-e", QUERY)
                        .out());
        assertTrue(veil("sql", "--warehouse", wh.toString(), "--key-file", key.toString(), "-e", QUERY)
                .err()
                .contains("ENCRYPTION_KEY_WRONG"));

        List<byte[]> segmentsBefore = segmentBytes(wh);
        Run data = veil("rekey", "--warehouse", wh.toString(), "--key-file", key2.toString(), "--data");
        assertEquals(0, data.status(), data.err());
        assertTrue(data.out().contains("Rewrote 3 segment files"), data.out());
        List<byte[]> segmentsAfter = segmentBytes(wh);
        assertEquals(segmentsBefore.size(), segmentsAfter.size());
        for (int i = 0; i < segmentsBefore.size(); i++) {
            assertFalse(java.util.Arrays.equals(segmentsBefore.get(i), segmentsAfter.get(i)), "segment rewritten");
        }
        assertEquals(
                before,
                veil("sql", "--warehouse", wh.toString(), "--key-file", key2.toString(), "-e", QUERY)
                        .out());
        assertNoneAnywhere(wh, secrets);

        Run nothing = veil("rekey", "--warehouse", wh.toString(), "--key-file", key2.toString());
        assertNotEquals(0, nothing.status());
        assertTrue(nothing.err().contains("Say what to rotate"), nothing.err());
    }

    @Test
    void keyComesFromTheEnvironmentFileOrCommandVariables() throws Exception {
        Path key = dir.resolve("k");
        Path wh = dir.resolve("enc");
        assertEquals(
                0,
                veil(
                                "init",
                                "--warehouse",
                                wh.toString(),
                                "--encrypt",
                                "--new-key-file",
                                key.toString(),
                                "--admin-password-file",
                                password.toString())
                        .status());
        assertEquals(
                0,
                veil(
                                "load",
                                "--warehouse",
                                wh.toString(),
                                "--key-file",
                                key.toString(),
                                "--table",
                                "people",
                                "--csv",
                                csv.toString(),
                                "--header")
                        .status());
        String expected = veil("sql", "--warehouse", wh.toString(), "--key-file", key.toString(), "-e", QUERY)
                .out();
        // A separate JVM, so the variables are really the environment's.
        assertEquals(
                expected, childVeil(List.of("VEIL_KEY_FILE=" + key), "sql", "--warehouse", wh.toString(), "-e", QUERY));
        assertEquals(
                expected,
                childVeil(
                        List.of("VEIL_KEY_COMMAND=cat '" + key + "'"),
                        "sql",
                        "--warehouse",
                        wh.toString(),
                        "-e",
                        QUERY));
        String failing =
                childVeil(List.of("VEIL_KEY_COMMAND=exit 3"), "sql", "--warehouse", wh.toString(), "-e", QUERY);
        assertTrue(failing.contains("ENCRYPTION_KEY_INVALID") && failing.contains("exit code 3"), failing);
    }

    static String childVeil(List<String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("VEIL_KEY_FILE");
        builder.environment().remove("VEIL_KEY_COMMAND");
        for (String variable : environment) {
            int eq = variable.indexOf('=');
            builder.environment().put(variable.substring(0, eq), variable.substring(eq + 1));
        }
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }

    static List<byte[]> segmentBytes(Path wh) throws IOException {
        List<byte[]> all = new ArrayList<>();
        try (Stream<Path> files = Files.walk(wh.resolve("data"))) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                all.add(Files.readAllBytes(file));
            }
        }
        return all;
    }

    @Test
    void demoTakesAKeyAndEncryptWithoutOneCreatesNothing() throws IOException {
        Path demo = dir.resolve("demo");
        Run noKey = veil("demo", "--warehouse", demo.toString(), "--encrypt", "--port", "0");
        assertNotEquals(0, noKey.status());
        assertTrue(
                noKey.err().contains("ENCRYPTION_KEY_REQUIRED") && noKey.err().contains("--key-file"), noKey.err());
        assertFalse(Files.exists(demo), "nothing was created");
        // --key-file is the shared option of every command that opens a warehouse: a malformed key is refused.
        Path garbage = dir.resolve("garbage.key");
        Files.writeString(garbage, "not a key\n");
        Run malformed = veil(
                "demo", "--warehouse", demo.toString(), "--encrypt", "--key-file", garbage.toString(), "--port", "0");
        assertTrue(malformed.err().contains("ENCRYPTION_KEY_INVALID"), malformed.err());
        assertFalse(Files.exists(demo), "nothing was created");
    }

    /** Fails if any file under {@code root} (segments, veil.db, its journals, keys, lock) holds one of {@code values}. */
    static void assertNoneAnywhere(Path root, List<String> values) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                for (String value : values) {
                    assertFalse(bytes.contains(value), file + " holds the plain value " + value);
                }
                assertFalse(bytes.contains("Zorblax"), file + " holds a plain name");
                assertFalse(bytes.contains("SQLite format"), file + " is a plain SQLite database");
            }
        }
    }

    static boolean containsAnywhere(Path root, String value) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(value)) {
                    return true;
                }
            }
        }
        return false;
    }

    record Run(int status, String out, String err) {}

    static Run veil(String... args) {
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
}
