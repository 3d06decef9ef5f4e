package dev.veil.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.audit.ErasureLog;
import dev.veil.session.EmbeddedDriver;
import dev.veil.storage.Warehouse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EXPORT and ERASE PRIVACY UNIT and VACUUM through the embedded driver, on a three-level path
 * (customers, orders, line items) plus two tables reached through a nullable key (tickets: ON
 * ERASE SET NULL; reviews: the default, DELETE).
 */
class DataSubjectRightsTest {
    static final String NAME = "Zebediah-Quince-7731";

    @TempDir
    Path dir;

    Path wh;

    @BeforeEach
    void setUp() throws IOException, SQLException {
        wh = dir.resolve("wh");
        try (Warehouse w = Warehouse.create(wh)) {
            w.catalog().createSchema("shop", true);
        }
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            setUp(s, dir);
        }
    }

    /** Creates and loads the shop: customer 7731 is Zebediah, with 3 orders of 2 items, 2 tickets, 1 review. */
    static void setUp(Statement s, Path dir) throws IOException, SQLException {
        s.execute("CREATE USER admin PASSWORD 'admin-pw-long-secret' ROLE admin");
        s.execute("CREATE USER ana PASSWORD 'ana-pw-long-secret'");
        s.execute("CREATE TABLE shop.customers (id BIGINT NOT NULL, name VARCHAR, email VARCHAR)");
        s.execute("CREATE TABLE shop.orders (order_id BIGINT NOT NULL, customer_id BIGINT NOT NULL,"
                + " amount DECIMAL(10,2))");
        s.execute("CREATE TABLE shop.line_items (item_id BIGINT, order_id BIGINT, product VARCHAR)");
        s.execute("CREATE TABLE shop.tickets (ticket_id BIGINT, customer_id BIGINT, topic VARCHAR)");
        s.execute("CREATE TABLE shop.reviews (review_id BIGINT, customer_id BIGINT, body VARCHAR)");
        StringBuilder customers = new StringBuilder();
        StringBuilder orders = new StringBuilder();
        StringBuilder items = new StringBuilder();
        StringBuilder tickets = new StringBuilder();
        StringBuilder reviews = new StringBuilder();
        List<Long> ids = new ArrayList<>();
        for (long id = 1; id <= 40; id++) {
            ids.add(id);
        }
        ids.add(7731L);
        for (long id : ids) {
            boolean z = id == 7731;
            customers
                    .append(id)
                    .append(',')
                    .append(z ? NAME : "Customer " + id)
                    .append(',')
                    .append(z ? NAME.toLowerCase() + "@example.org" : "c" + id + "@example.org")
                    .append('\n');
            for (int o = 0; o < 3; o++) {
                long order = id * 10 + o;
                orders.append(order)
                        .append(',')
                        .append(id)
                        .append(',')
                        .append(z ? "77.31" : "10.00")
                        .append('\n');
                for (int i = 0; i < 2; i++) {
                    items.append(order * 10 + i)
                            .append(',')
                            .append(order)
                            .append(',')
                            .append(z ? "engraved for " + NAME : "plain item")
                            .append('\n');
                }
            }
            for (int t = 0; t < 2; t++) {
                tickets.append(id * 10 + t)
                        .append(',')
                        .append(id)
                        .append(",delivery")
                        .append('\n');
            }
            reviews.append(id)
                    .append(',')
                    .append(id)
                    .append(',')
                    .append(z ? "signed " + NAME : "fine")
                    .append('\n');
        }
        tickets.append("999,,anonymous\n");
        load(s, dir, "customers", customers.toString());
        load(s, dir, "customers", "9001,Late Customer,late@example.org\n"); // a second segment, untouched
        load(s, dir, "orders", orders.toString());
        load(s, dir, "line_items", items.toString());
        load(s, dir, "tickets", tickets.toString());
        load(s, dir, "reviews", reviews.toString());
        s.execute("ALTER TABLE shop.customers SET PRIVACY UNIT (id)");
        s.execute("ALTER TABLE shop.orders SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)");
        s.execute("ALTER TABLE shop.line_items SET PRIVACY UNIT VIA (order_id) REFERENCES shop.orders (order_id)");
        s.execute("ALTER TABLE shop.tickets SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)"
                + " ON ERASE SET NULL");
        s.execute("ALTER TABLE shop.reviews SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)"
                + " ON ERASE DELETE");
    }

    private static void load(Statement s, Path dir, String table, String csv) throws IOException, SQLException {
        Path file = Files.createTempFile(dir, table, ".csv");
        Files.writeString(file, csv);
        s.execute("COPY shop." + table + " FROM '" + file + "' WITH (header = false)");
    }

    @Test
    void exportWritesEveryTableOfTheUnitAsJsonAndCsv() throws Exception {
        Path json = dir.resolve("out").resolve("zq.json");
        Files.createDirectories(json.getParent());
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            assertEquals(
                    1 + 3 + 6 + 2 + 1, s.executeUpdate("EXPORT PRIVACY UNIT 7731 OF shop.customers TO '" + json + "'"));
            String text = Files.readString(json);
            assertTrue(
                    text.startsWith("{\n  \"unit\": {\"table\": \"shop.customers\", \"column\": \"id\","
                            + " \"value\": \"7731\"}"),
                    text);
            for (String table :
                    List.of("shop.customers", "shop.orders", "shop.line_items", "shop.reviews", "shop.tickets")) {
                assertTrue(text.contains("{\"table\": \"" + table + "\""), table);
            }
            assertTrue(text.contains("[7731, \"" + NAME + "\", \"zebediah-quince-7731@example.org\"]"), text);
            assertTrue(text.contains("[77310, 7731, 77.31]"), text);
            assertTrue(text.contains("[773100, 77310, \"engraved for " + NAME + "\"]"), text);
            assertFalse(text.contains("Customer 1\""), text);
            assertEquals(6, count(text, "engraved for"));

            Path csv = dir.resolve("out").resolve("zq.csv");
            s.executeUpdate("EXPORT PRIVACY UNIT '7731' OF shop.customers TO '" + csv + "' FORMAT CSV");
            List<String> lines = Files.readAllLines(csv);
            assertEquals("unit,shop.customers,id,7731", lines.get(0));
            assertEquals("", lines.get(1));
            assertEquals("table,shop.customers,1", lines.get(2));
            assertEquals("id,name,email", lines.get(3));
            assertEquals("7731," + NAME + ",zebediah-quince-7731@example.org", lines.get(4));
            assertTrue(lines.contains("table,shop.line_items,6"), lines.toString());
            assertTrue(lines.contains("773100,77310,engraved for " + NAME), lines.toString());

            // The audit shows neither the value nor, for EXPORT, anything but the masked statement.
            try (ResultSet rs = s.executeQuery("SELECT statement FROM veil.audit WHERE statement LIKE 'EXPORT%'")) {
                int n = 0;
                while (rs.next()) {
                    n++;
                    assertFalse(rs.getString(1).contains("7731"), rs.getString(1));
                    assertTrue(rs.getString(1).contains("'***'"), rs.getString(1));
                }
                assertEquals(2, n);
            }
        }
        try (Warehouse w = Warehouse.open(wh)) {
            List<ErasureLog.Entry> log = new ErasureLog(w.sqliteCatalog()).entries();
            assertEquals(2, log.size());
            assertEquals(ErasureLog.Action.EXPORT, log.get(0).action());
            assertEquals(log.get(0).fingerprint(), log.get(1).fingerprint(), "'7731' and 7731 are one unit");
            assertEquals(64, log.get(0).fingerprint().length());
            assertFalse(log.get(0).fingerprint().contains("7731"));
            assertEquals(
                    "shop.customers=1, shop.orders=3, shop.reviews=1, shop.tickets=2, shop.line_items=6",
                    log.get(0).rowCounts());
        }
    }

    @Test
    void exportRefusesExistingFilesTheWarehouseAndMissingDirectories() throws Exception {
        Path existing = dir.resolve("taken.json");
        Files.writeString(existing, "keep me");
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            assertCode(5, s, "EXPORT PRIVACY UNIT 7731 OF shop.customers TO '" + existing + "'");
            assertEquals("keep me", Files.readString(existing));
            assertCode(16, s, "EXPORT PRIVACY UNIT 7731 OF shop.customers TO '" + wh.resolve("veil.db") + "'");
            assertCode(16, s, "EXPORT PRIVACY UNIT 7731 OF shop.customers TO '" + wh.resolve("x.json") + "'");
            assertCode(16, s, "EXPORT PRIVACY UNIT 7731 OF shop.customers TO '" + wh.resolve("data/../y.json") + "'");
            assertCode(10, s, "EXPORT PRIVACY UNIT 7731 OF shop.customers TO '" + dir.resolve("no/such/z.json") + "'");
            assertCode(15, s, "EXPORT PRIVACY UNIT 7731 OF shop.customers TO '" + dir.resolve("f.x") + "' FORMAT XML");
            // Not a unit table: orders reaches its unit through customers.
            assertCode(7, s, "EXPORT PRIVACY UNIT 7731 OF shop.orders TO '" + dir.resolve("o.json") + "'");
            // A value that cannot be an id: the error does not show it.
            SQLException e = assertThrows(
                    SQLException.class, () -> s.execute("ERASE PRIVACY UNIT 'Zebediah' OF shop.customers"));
            assertEquals(15, e.getErrorCode());
            assertFalse(e.getMessage().contains("Zebediah"), e.getMessage());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void onlyAdminsExportEraseOrVacuum() throws Exception {
        try (Connection c = connect("ana");
                Statement s = c.createStatement()) {
            assertCode(16, s, "EXPORT PRIVACY UNIT 7731 OF shop.customers TO '" + dir.resolve("a.json") + "'");
            assertCode(16, s, "ERASE PRIVACY UNIT 7731 OF shop.customers");
            assertCode(16, s, "ERASE PRIVACY UNIT 7731 OF nosuch.t");
            assertCode(16, s, "VACUUM");
        }
        assertFalse(Files.exists(dir.resolve("a.json")));
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            assertEquals(1, scalar(s, "SELECT count(*) FROM shop.customers WHERE id = 7731"));
        }
    }

    @Test
    void eraseDeletesTheUnitEverywhereAndVacuumLeavesNoTraceInAnyFile() throws Exception {
        assertTrue(containsAnywhere(wh, NAME), "the fixture must put the name on disk");
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            assertEquals(0, s.executeUpdate("ERASE PRIVACY UNIT 123456 OF shop.customers"), "no such unit: 0 rows");
            assertEquals(1 + 3 + 6 + 1 + 2, s.executeUpdate("ERASE PRIVACY UNIT 7731 OF shop.customers"));
            assertEquals(0, scalar(s, "SELECT count(*) FROM shop.customers WHERE id = 7731"));
            assertEquals(41, scalar(s, "SELECT count(*) FROM shop.customers"));
            assertEquals(0, scalar(s, "SELECT count(*) FROM shop.orders WHERE customer_id = 7731"));
            assertEquals(120, scalar(s, "SELECT count(*) FROM shop.orders"));
            assertEquals(240, scalar(s, "SELECT count(*) FROM shop.line_items"));
            assertEquals(
                    0, scalar(s, "SELECT count(*) FROM shop.line_items WHERE order_id >= 77310 AND order_id < 77320"));
            assertEquals(40, scalar(s, "SELECT count(*) FROM shop.reviews"));
            // ON ERASE SET NULL: the tickets stay, detached from the person.
            assertEquals(83, scalar(s, "SELECT count(*) FROM shop.tickets"));
            assertEquals(3, scalar(s, "SELECT count(*) FROM shop.tickets WHERE customer_id IS NULL"));
            assertEquals(2, scalar(s, "SELECT count(*) FROM shop.tickets WHERE ticket_id IN (77310, 77311)"));
            // A second erasure finds nothing.
            assertEquals(0, s.executeUpdate("ERASE PRIVACY UNIT 7731 OF shop.customers"));
            try (ResultSet rs = s.executeQuery("SELECT statement FROM veil.audit WHERE statement LIKE 'ERASE%'")) {
                while (rs.next()) {
                    assertEquals("ERASE PRIVACY UNIT '***' OF \"shop\".\"customers\"", rs.getString(1));
                }
            }
        }
        assertFalse(containsAnywhere(wh, NAME), "after ERASE and its VACUUM no file holds the name");
        try (Warehouse w = Warehouse.open(wh)) {
            List<ErasureLog.Entry> log = new ErasureLog(w.sqliteCatalog()).entries();
            assertEquals(3, log.size());
            assertEquals(ErasureLog.Action.ERASE, log.get(1).action());
            assertEquals("shop.customers", log.get(1).unitTable());
            assertEquals(
                    "shop.customers=1, shop.orders=3, shop.reviews=1, shop.tickets=2, shop.line_items=6",
                    log.get(1).rowCounts());
            assertTrue(new ErasureLog(w.sqliteCatalog()).erased(log.get(1).fingerprint()));
            assertEquals(log.get(1).fingerprint(), log.get(2).fingerprint());
            assertEquals(
                    log.get(1).fingerprint(), new ErasureLog(w.sqliteCatalog()).fingerprint("shop.customers", "7731"));
        }
        assertFalse(containsAnywhere(wh, NAME));
    }

    @Test
    void aQueryRunningDuringAnEraseSeesTheOldOrTheNewVersionsNeverAMix() throws Exception {
        String both = "SELECT (SELECT count(*) FROM shop.orders WHERE amount = 77.31),"
                + " (SELECT count(*) FROM shop.line_items WHERE product LIKE 'engraved%'),"
                + " (SELECT count(*) FROM shop.customers WHERE id = 7731)";
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        Thread reader = new Thread(() -> {
            try (Connection c = connect(null);
                    Statement s = c.createStatement()) {
                while (!stop.get()) {
                    try (ResultSet rs = s.executeQuery(both)) {
                        rs.next();
                        seen.add(rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3));
                    }
                }
            } catch (Throwable t) {
                errors.add(t);
            }
        });
        try (Connection c = connect(null);
                Statement s = c.createStatement();
                Connection other = connect(null);
                Statement held = other.createStatement()) {
            // A statement that has started reading (its versions taken) and is not finished.
            held.setFetchSize(1);
            ResultSet open = held.executeQuery("SELECT product FROM shop.line_items UNION ALL"
                    + " SELECT name FROM shop.customers UNION ALL SELECT CAST(amount AS VARCHAR) FROM shop.orders");
            assertTrue(open.next());
            reader.start();
            Thread.sleep(200);
            s.executeUpdate("ERASE PRIVACY UNIT 7731 OF shop.customers DEFER VACUUM");
            Thread.sleep(200);
            stop.set(true);
            reader.join();
            // VACUUM keeps what the open statement may still read.
            s.executeUpdate("VACUUM");
            int rows = 1;
            int names = 0;
            while (open.next()) {
                rows++;
                names += NAME.equals(open.getString(1)) ? 1 : 0;
            }
            open.close();
            assertEquals(246 + 42 + 123, rows, "the old versions of all three tables, whole");
            assertEquals(1, names);
            assertEquals(0, scalar(s, "SELECT count(*) FROM shop.customers WHERE id = 7731"));
            s.executeUpdate("VACUUM");
        }
        assertTrue(errors.isEmpty(), () -> errors.peek().toString());
        Set<String> kinds = new HashSet<>(seen);
        assertFalse(kinds.isEmpty());
        kinds.removeAll(Set.of("3/6/1", "0/0/0"));
        assertEquals(Set.of(), kinds, "a query saw some tables before the erasure and some after");
        assertFalse(containsAnywhere(wh, NAME));
    }

    @Test
    void aTableDroppedWhileAStatementReadsItIsReadWholeAndItsFilesGoOnceTheStatementEnds() throws Exception {
        try (Connection c = connect(null);
                Statement s = c.createStatement();
                Connection other = connect(null);
                Statement held = other.createStatement()) {
            // More rows than a statement hands over at once, so that it still runs after its first row.
            s.execute("CREATE TABLE shop.notes (note_id BIGINT, body VARCHAR)");
            StringBuilder csv = new StringBuilder();
            for (int i = 0; i < 20_000; i++) {
                csv.append(i).append(",marginalia ").append(i).append('\n');
            }
            load(s, dir, "notes", csv.toString());
            held.setFetchSize(1);
            ResultSet open = held.executeQuery("SELECT body FROM shop.notes");
            assertTrue(open.next());
            assertEquals(0, s.executeUpdate("DROP TABLE shop.notes"));
            assertTrue(containsAnywhere(wh, "marginalia"), "the files are kept while the statement runs");
            assertCode(dev.veil.ErrorCode.UNKNOWN_TABLE.code(), s, "SELECT count(*) FROM shop.notes");
            int rows = 1;
            while (open.next()) {
                rows++;
            }
            open.close();
            assertEquals(20_000, rows, "the statement that started before the drop reads the table whole");
            s.executeUpdate("VACUUM");
            assertFalse(containsAnywhere(wh, "marginalia"), "VACUUM deletes them once it has ended");
        }
    }

    @Test
    void anInsertIsAuditedWithoutItsValuesSoThatAnErasureLeavesNoTrace() throws Exception {
        String name = "Quintessa-Fairweather-8888";
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO shop.customers VALUES (8888, '" + name + "', 'q@example.org')");
            assertCode(1, s, "INSERT INTO shop.customers VALUES (8889, 'x', 'y'");
            try (ResultSet rs =
                    s.executeQuery("SELECT statement FROM veil.audit WHERE statement LIKE 'INSERT%' ORDER BY id")) {
                assertTrue(rs.next());
                assertEquals("INSERT INTO \"shop\".\"customers\" VALUES ROW(?, ?, ?)", rs.getString(1));
                assertTrue(rs.next());
                assertEquals("INSERT ... (not recorded: it did not parse)", rs.getString(1));
                assertFalse(rs.next());
            }
            assertEquals(1, scalar(s, "SELECT count(*) FROM shop.customers WHERE id = 8888"));
            s.executeUpdate("ERASE PRIVACY UNIT 8888 OF shop.customers");
        }
        assertFalse(containsAnywhere(wh, name));
    }

    @Test
    void aStatementThatDoesNotParseIsAuditedWithoutItsValue() throws Exception {
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            assertCode(1, s, "ERASE PRIVACY UNIT 7731 OF");
            assertCode(1, s, "EXPORT PRIVACY UNIT 7731 shop.customers TO 'x'");
            try (ResultSet rs = s.executeQuery(
                    "SELECT statement FROM veil.audit WHERE statement LIKE 'ERASE%' OR statement LIKE 'EXPORT%'"
                            + " ORDER BY id")) {
                assertTrue(rs.next());
                assertEquals("ERASE ... (not recorded: it did not parse)", rs.getString(1));
                assertTrue(rs.next());
                assertEquals("EXPORT ... (not recorded: it did not parse)", rs.getString(1));
                assertFalse(rs.next());
            }
        }
    }

    @Test
    void setNullOnEraseNeedsANullableForeignKey() throws Exception {
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            assertCode(
                    25,
                    s,
                    "ALTER TABLE shop.orders SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)"
                            + " ON ERASE SET NULL");
        }
    }

    /** Whether any file under {@code root} holds {@code text}'s UTF-8 bytes. */
    static boolean containsAnywhere(Path root, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                if (indexOf(bytes, needle) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static long scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            long value = rs.getLong(1);
            assertFalse(rs.next());
            return value;
        }
    }

    private static void assertCode(int code, Statement s, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
        assertEquals(code, e.getErrorCode(), sql + ": " + e.getMessage());
        assertNull(null);
    }

    private Connection connect(String user) throws SQLException {
        Properties info = new Properties();
        if (user != null) {
            info.setProperty("user", user);
        }
        return DriverManager.getConnection(EmbeddedDriver.PREFIX + wh, info);
    }
}
