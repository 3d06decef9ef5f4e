package dev.veil.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.audit.ErasureLog;
import dev.veil.session.EmbeddedDriver;
import dev.veil.storage.Warehouse;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An erasure killed with SIGKILL at some point (rewriting segments, committing, vacuuming)
 * leaves the old state or the new one, in every table at once, with its erasure-log row exactly
 * when the rows are gone; the next open leaves no file that no table version references, and
 * after an erasure no file holds the unit's values.
 */
class KilledEraseTest {
    private static final String NAME = DataSubjectRightsTest.NAME;

    @TempDir
    Path dir;

    @Test
    void anEraseKilledAtAnyPointLeavesTheOldOrTheNewStateAndNoOrphans() throws Exception {
        Path wh = dir.resolve("wh");
        try (Warehouse w = Warehouse.create(wh)) {
            w.catalog().createSchema("shop", true);
        }
        try (Connection c = connect(wh);
                Statement s = c.createStatement()) {
            s.execute("CREATE USER admin PASSWORD 'admin-pw-long-secret' ROLE admin");
        }
        try (Connection c = connect(wh);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE shop.customers (id BIGINT NOT NULL, name VARCHAR)");
            s.execute("CREATE TABLE shop.orders (order_id BIGINT NOT NULL, customer_id BIGINT NOT NULL)");
            s.execute("CREATE TABLE shop.line_items (item_id BIGINT, order_id BIGINT, product VARCHAR)");
            Path customers = dir.resolve("customers.csv");
            Path orders = dir.resolve("orders.csv");
            Path items = dir.resolve("items.csv");
            try (BufferedWriter cu = Files.newBufferedWriter(customers);
                    BufferedWriter or = Files.newBufferedWriter(orders);
                    BufferedWriter it = Files.newBufferedWriter(items)) {
                for (long id = 7000; id < 8000; id++) {
                    cu.write(id + "," + (id == 7731 ? NAME : "Customer " + id) + "\n");
                    for (int o = 0; o < 3; o++) {
                        or.write((id * 10 + o) + "," + id + "\n");
                    }
                }
                // Items interleaved over all orders, so that the unit's items are spread out.
                for (int round = 0; round < 80; round++) {
                    for (long order = 70000; order < 80000; order += 1) {
                        if (order % 10 < 3) {
                            long id = order / 10;
                            it.write((order * 1000 + round) + "," + order + ","
                                    + (id == 7731 ? "for " + NAME : "item " + round) + "\n");
                        }
                    }
                }
            }
            s.execute("COPY shop.customers FROM '" + customers + "' WITH (header = false)");
            s.execute("COPY shop.orders FROM '" + orders + "' WITH (header = false)");
            s.execute("COPY shop.line_items FROM '" + items + "' WITH (header = false)");
            s.execute("ALTER TABLE shop.customers SET PRIVACY UNIT (id)");
            s.execute("ALTER TABLE shop.orders SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)");
            s.execute("ALTER TABLE shop.line_items SET PRIVACY UNIT VIA (order_id) REFERENCES shop.orders (order_id)");
        }
        List<String> outcomes = new ArrayList<>();
        for (long delay : new long[] {300, 1500, 6000}) {
            String outcome = killDuringErase(wh, delay);
            outcomes.add(delay + " ms: " + outcome);
            if (outcome.equals("new")) {
                break;
            }
        }
        System.out.println("KilledEraseTest outcomes: " + outcomes);
        assertTrue(outcomes.stream().anyMatch(o -> o.endsWith("new")) || outcomes.size() == 3, outcomes.toString());
    }

    /** Runs an erasure in a child JVM, kills it {@code delay} ms after it starts, and checks the state. */
    private String killDuringErase(Path wh, long delay) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(
                        java.toString(),
                        "--add-opens=java.base/java.nio=ALL-UNNAMED",
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        KilledEraseChild.class.getName(),
                        wh.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        boolean done;
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertEquals("erasing", line, "the child should start erasing");
            Thread.sleep(delay);
            done = child.isAlive() ? false : "done".equals(out.readLine());
        } finally {
            child.destroyForcibly(); // SIGKILL on Unix
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        }
        long customers;
        long orders;
        long items;
        try (Connection c = connect(wh);
                Statement s = c.createStatement()) {
            customers = scalar(s, "SELECT count(*) FROM shop.customers WHERE id = 7731");
            orders = scalar(s, "SELECT count(*) FROM shop.orders WHERE customer_id = 7731");
            items = scalar(s, "SELECT count(*) FROM shop.line_items WHERE order_id >= 77310 AND order_id < 77313");
            assertEquals(999 + customers, scalar(s, "SELECT count(*) FROM shop.customers"));
            assertEquals(2997 + orders, scalar(s, "SELECT count(*) FROM shop.orders"));
            assertEquals(239_760 + items, scalar(s, "SELECT count(*) FROM shop.line_items"));
        }
        String state = customers + "/" + orders + "/" + items;
        assertTrue(
                state.equals("1/3/240") || state.equals("0/0/0"), "a mix after a kill at " + delay + " ms: " + state);
        boolean erased = customers == 0;
        try (Warehouse w = Warehouse.open(wh)) {
            List<ErasureLog.Entry> log = new ErasureLog(w.sqliteCatalog()).entries();
            assertEquals(
                    erased ? 1 : 0,
                    log.stream()
                            .filter(e -> e.action() == ErasureLog.Action.ERASE)
                            .count());
            Set<String> referenced = w.catalog().referencedSegments();
            assertEquals(referenced, files(wh), "after open, the data directory holds exactly the current segments");
        }
        if (erased) {
            assertFalse(DataSubjectRightsTest.containsAnywhere(wh, NAME), "an erased unit's values are on disk");
        } else {
            assertFalse(done, "the child said done, but the rows are there");
        }
        return erased ? "new" : "old";
    }

    private static Set<String> files(Path wh) throws IOException {
        try (Stream<Path> files = Files.walk(wh.resolve("data"))) {
            return files.filter(Files::isRegularFile)
                    .map(f -> wh.relativize(f).toString().replace('\\', '/'))
                    .collect(Collectors.toSet());
        }
    }

    private static long scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }

    private static Connection connect(Path wh) throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", "admin");
        return DriverManager.getConnection(EmbeddedDriver.PREFIX + wh, info);
    }
}
