package dev.veil.cli;

import static dev.veil.cli.EncryptionCommandTest.veil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.cli.EncryptionCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code veil load} of old data into an encrypted warehouse skips an erased unit's rows and says how many. */
class SkipErasedCommandTest {
    @TempDir
    Path dir;

    @Test
    void loadReportsTheRowsOfErasedUnitsItSkipped() throws Exception {
        Path wh = dir.resolve("wh");
        Path key = dir.resolve("k");
        Path password = dir.resolve("pw");
        Files.writeString(password, "a long admin password\n");
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
        Run setup = veil(
                "sql",
                "--warehouse",
                wh.toString(),
                "--key-file",
                key.toString(),
                "-e",
                "CREATE TABLE customers (id BIGINT NOT NULL, name VARCHAR);"
                        + "INSERT INTO customers VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cy');"
                        + "ALTER TABLE customers SET PRIVACY UNIT (id);"
                        + "ERASE PRIVACY UNIT 2 OF public.customers");
        assertEquals(0, setup.status(), setup.err());
        Path backup = dir.resolve("backup.csv");
        Files.writeString(backup, "1,Ann\n2,Bob\n2,Bob again\n4,Di\n");
        Run load = veil(
                "load",
                "--warehouse",
                wh.toString(),
                "--key-file",
                key.toString(),
                "--table",
                "customers",
                "--csv",
                backup.toString());
        assertEquals(0, load.status(), load.err());
        assertTrue(
                load.out().contains("2 rows loaded into public.customers; skipped 2 rows of erased privacy units"),
                load.out());
        Run count = veil(
                "sql",
                "--warehouse",
                wh.toString(),
                "--key-file",
                key.toString(),
                "--format",
                "csv",
                "-e",
                "SELECT count(*) FROM customers WHERE id = 2");
        assertTrue(count.out().contains("\n0"), count.out());
    }
}
