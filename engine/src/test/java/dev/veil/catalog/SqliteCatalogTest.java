package dev.veil.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteCatalogTest {
    private static final List<Column> COLUMNS = List.of(
            new Column("id", ColumnType.of(VeilType.BIGINT), false),
            new Column("price", ColumnType.decimal(12, 2), true),
            new Column("name", ColumnType.of(VeilType.VARCHAR), true),
            new Column("day", ColumnType.of(VeilType.DATE), true));

    @TempDir
    Path dir;

    private SqliteCatalog open() {
        return SqliteCatalog.open(dir.resolve(SqliteCatalog.FILE_NAME));
    }

    @Test
    void tableDefinitionSurvivesReopen() {
        TableDef created;
        try (SqliteCatalog catalog = open()) {
            catalog.createSchema("tpch", false);
            created = catalog.createTable(new TableName("tpch", "lineitem"), COLUMNS, false);
        }
        try (SqliteCatalog catalog = open()) {
            assertEquals(List.of("tpch"), catalog.schemas());
            TableDef read = catalog.requireTable(new TableName("tpch", "lineitem"));
            assertEquals(created, read);
            assertEquals(COLUMNS, read.columns());
            assertEquals(
                    ColumnType.decimal(12, 2),
                    read.column("price").orElseThrow().type());
            assertEquals(0, catalog.currentVersion(read.id()).version());
            assertEquals(List.of(read), catalog.tables("tpch"));
            assertEquals(CatalogMigrations.latestVersion(), catalog.schemaVersion());
        }
    }

    @Test
    void catalogRunsInWalModeWithFullSync() {
        try (SqliteCatalog catalog = open()) {
            String mode = catalog.read(c -> {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            int sync = catalog.read(c -> {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertEquals("wal", mode);
            assertEquals(2, sync); // FULL
        }
    }

    @Test
    void unknownTableSuggestsNearestName() {
        try (SqliteCatalog catalog = open()) {
            catalog.createSchema("tpch", false);
            catalog.createTable(new TableName("tpch", "lineitem"), COLUMNS, false);
            catalog.createTable(new TableName("tpch", "orders"), COLUMNS, false);
            assertError(
                    ErrorCode.UNKNOWN_TABLE,
                    "Table 'tpch.lineitm' not found; did you mean 'tpch.lineitem'?",
                    () -> catalog.requireTable(new TableName("tpch", "lineitm")));
            assertError(
                    ErrorCode.UNKNOWN_TABLE,
                    "Table 'tpch.nation' not found",
                    () -> catalog.dropTable(new TableName("tpch", "nation"), false));
            assertError(
                    ErrorCode.UNKNOWN_SCHEMA,
                    "Schema 'tcph' not found; did you mean 'tpch'?",
                    () -> catalog.tables("tcph"));
            assertError(
                    ErrorCode.UNKNOWN_SCHEMA,
                    "Schema 'tcph' not found; did you mean 'tpch'?",
                    () -> catalog.createTable(new TableName("tcph", "x"), COLUMNS, false));
            assertTrue(catalog.table(new TableName("tpch", "lineitm")).isEmpty());
        }
    }

    @Test
    void duplicatesFailWithAlreadyExistsUnlessIfNotExists() {
        try (SqliteCatalog catalog = open()) {
            catalog.createSchema("s", false);
            assertError(ErrorCode.ALREADY_EXISTS, "Schema 's' already exists", () -> catalog.createSchema("s", false));
            catalog.createSchema("s", true);
            TableName t = new TableName("s", "t");
            TableDef first = catalog.createTable(t, COLUMNS, false);
            assertError(
                    ErrorCode.ALREADY_EXISTS,
                    "Table 's.t' already exists",
                    () -> catalog.createTable(t, COLUMNS, false));
            assertEquals(first, catalog.createTable(t, List.of(COLUMNS.get(0)), true));
            assertError(
                    ErrorCode.ALREADY_EXISTS,
                    "Column 'id' is defined more than once in table 's.u'",
                    () -> catalog.createTable(new TableName("s", "u"), List.of(COLUMNS.get(0), COLUMNS.get(0)), false));
        }
    }

    @Test
    void dropSchemaRequiresItEmpty() {
        try (SqliteCatalog catalog = open()) {
            catalog.createSchema("s", false);
            catalog.createTable(new TableName("s", "a"), COLUMNS, false);
            catalog.createTable(new TableName("s", "b"), COLUMNS, false);
            assertError(
                    ErrorCode.NOT_EMPTY,
                    "Schema 's' is not empty: it holds 2 tables (a, b); drop them first",
                    () -> catalog.dropSchema("s", false));
            catalog.dropTable(new TableName("s", "a"), false);
            catalog.dropTable(new TableName("s", "b"), false);
            catalog.dropTable(new TableName("s", "b"), true);
            catalog.dropSchema("s", false);
            assertFalse(catalog.schemaExists("s"));
            catalog.dropSchema("s", true);
            assertError(ErrorCode.UNKNOWN_SCHEMA, "Schema 's' not found", () -> catalog.dropSchema("s", false));
        }
    }

    @Test
    void tableIdsAreNeverReused() {
        try (SqliteCatalog catalog = open()) {
            catalog.createSchema("s", false);
            TableName t = new TableName("s", "t");
            long first = catalog.createTable(t, COLUMNS, false).id();
            catalog.dropTable(t, false);
            long second = catalog.createTable(t, COLUMNS, false).id();
            assertTrue(second > first);
            assertError(
                    ErrorCode.UNKNOWN_TABLE,
                    "Table with id " + first + " not found; it was dropped",
                    () -> catalog.currentVersion(first));
        }
    }

    @Test
    void commitVersionReplacesSegmentListAndTracksReferences() {
        try (SqliteCatalog catalog = open()) {
            catalog.createSchema("s", false);
            long id =
                    catalog.createTable(new TableName("s", "t"), COLUMNS, false).id();
            SegmentInfo a = new SegmentInfo("data/s/t/a.arrow", 10, 100);
            SegmentInfo b = new SegmentInfo("data/s/t/b.arrow", 20, 200);
            SegmentInfo c = new SegmentInfo("data/s/t/c.arrow", 5, 50);
            TableVersion v1 = catalog.appendSegments(id, List.of(a, b));
            assertEquals(1, v1.version());
            assertEquals(30, v1.rowCount());
            TableVersion v2 = catalog.commitVersion(id, 1, List.of(c, a));
            assertEquals(new TableVersion(id, 2, List.of(c, a)), catalog.currentVersion(id));
            assertEquals(v2, catalog.currentVersion(id));
            assertEquals(Set.of("data/s/t/a.arrow", "data/s/t/c.arrow"), catalog.referencedSegments());
            catalog.dropTable(new TableName("s", "t"), false);
            assertEquals(Set.of(), catalog.referencedSegments());
        }
    }

    @Test
    void staleBaseVersionConflictsAndChangesNothing() {
        try (SqliteCatalog catalog = open()) {
            catalog.createSchema("s", false);
            long id =
                    catalog.createTable(new TableName("s", "t"), COLUMNS, false).id();
            SegmentInfo a = new SegmentInfo("data/s/t/a.arrow", 10, 100);
            SegmentInfo b = new SegmentInfo("data/s/t/b.arrow", 20, 200);
            catalog.commitVersion(id, 0, List.of(a));
            VeilException e = assertThrows(VeilException.class, () -> catalog.commitVersion(id, 0, List.of(b)));
            assertEquals(ErrorCode.WRITE_CONFLICT, e.errorCode());
            assertEquals(
                    "Table 's.t' was changed by a concurrent statement (now at version 1, this statement"
                            + " started from version 0); retry the statement",
                    e.getMessage());
            assertEquals(new TableVersion(id, 1, List.of(a)), catalog.currentVersion(id));
        }
    }

    @Test
    void concurrentCommitsFromTheSameBaseExactlyOneWins() throws Exception {
        try (SqliteCatalog catalog = open()) {
            catalog.createSchema("s", false);
            long id =
                    catalog.createTable(new TableName("s", "t"), COLUMNS, false).id();
            int writers = 8;
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> results = new java.util.ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    SegmentInfo segment = new SegmentInfo("data/s/t/w" + i + ".arrow", 1, 1);
                    results.add(pool.submit(() -> {
                        start.await();
                        try {
                            catalog.commitVersion(id, 0, List.of(segment));
                            return true;
                        } catch (VeilException e) {
                            assertEquals(ErrorCode.WRITE_CONFLICT, e.errorCode());
                            return false;
                        }
                    }));
                }
                start.countDown();
                int winners = 0;
                for (Future<Boolean> r : results) {
                    winners += r.get(30, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(1, winners);
                assertEquals(1, catalog.currentVersion(id).version());
                assertEquals(1, catalog.currentVersion(id).segments().size());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void concurrentAppendsAllLand() throws Exception {
        try (SqliteCatalog catalog = open()) {
            catalog.createSchema("s", false);
            long id =
                    catalog.createTable(new TableName("s", "t"), COLUMNS, false).id();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<TableVersion>> results = new java.util.ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    SegmentInfo segment = new SegmentInfo("data/s/t/p" + i + ".arrow", 1, 1);
                    results.add(pool.submit(() -> catalog.appendSegments(id, List.of(segment))));
                }
                for (Future<TableVersion> r : results) {
                    r.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(20, catalog.currentVersion(id).version());
            assertEquals(20, catalog.currentVersion(id).rowCount());
        }
    }

    @Test
    void failedTransactionLeavesNoTrace() {
        try (SqliteCatalog catalog = open()) {
            assertThrows(
                    IllegalStateException.class,
                    () -> catalog.write(c -> {
                        try (Statement s = c.createStatement()) {
                            s.execute("INSERT INTO schemas (name, created_at) VALUES ('ghost', 0)");
                        }
                        throw new IllegalStateException("boom");
                    }));
            assertFalse(catalog.schemaExists("ghost"));
            catalog.createSchema("real", false);
            assertTrue(catalog.schemaExists("real"));
        }
    }

    @Test
    void nestedCallsJoinTheOuterTransaction() {
        try (SqliteCatalog catalog = open()) {
            assertThrows(
                    IllegalStateException.class,
                    () -> catalog.write(c -> {
                        catalog.createSchema("inner", false);
                        assertTrue(catalog.schemaExists("inner"));
                        throw new IllegalStateException("boom");
                    }));
            assertFalse(catalog.schemaExists("inner"));
        }
    }

    @Test
    void nameSuggestionsIgnoreUnrelatedNames() {
        assertEquals(
                "orders",
                NameSuggestions.nearest("order", List.of("orders", "customer")).orElseThrow());
        assertTrue(
                NameSuggestions.nearest("nation", List.of("orders", "customer")).isEmpty());
        assertEquals(
                "LineItem",
                NameSuggestions.nearest("lineitem", List.of("LineItem")).orElseThrow());
        assertEquals(3, NameSuggestions.distance("kitten", "sitting"));
    }

    private static void assertError(ErrorCode code, String message, Executable action) {
        VeilException e = assertThrows(VeilException.class, action::execute);
        assertEquals(code, e.errorCode());
        assertEquals(message, e.getMessage());
    }

    /**
     * Log writes from many threads commit in groups: each returns only once its row is committed
     * (a second connection to the file sees it), a write that fails is undone alone and fails only
     * its caller, a log write may call read and write (they join its transaction), and the rows of
     * all the others are there.
     */
    @Test
    void logWritesCommitInGroupsAndFailAlone() throws Exception {
        Path file = dir.resolve(SqliteCatalog.FILE_NAME);
        try (SqliteCatalog catalog = open();
                java.sql.Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file)) {
            catalog.write(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE log_test (thread INTEGER, n INTEGER)");
                }
                return null;
            });
            int threads = 12;
            int writes = 40;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger unseen = new java.util.concurrent.atomic.AtomicInteger();
            try {
                List<Future<?>> futures = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int n = 0; n < writes; n++) {
                            int number = n;
                            boolean fails = number % 7 == 3;
                            try {
                                long before = catalog.writeLog(c -> {
                                    try (Statement s = c.createStatement()) {
                                        s.execute("INSERT INTO log_test VALUES (" + thread + ", " + number + ")");
                                    }
                                    if (fails) {
                                        throw new VeilException(
                                                ErrorCode.BUDGET_EXHAUSTED, "no " + thread + "/" + number);
                                    }
                                    // Nested calls join the group's transaction.
                                    return catalog.read(c2 -> count(c2, "SELECT COUNT(*) FROM log_test"));
                                });
                                assertTrue(before >= 1);
                                // One statement at a time on the other connection: concurrent statements on one
                                // SQLite connection share its read transaction, an older snapshot.
                                synchronized (other) {
                                    if (count(
                                                    other,
                                                    "SELECT COUNT(*) FROM log_test WHERE thread = " + thread
                                                            + " AND n = " + number)
                                            != 1) {
                                        unseen.incrementAndGet();
                                    }
                                }
                            } catch (VeilException e) {
                                assertTrue(fails, e.getMessage());
                                assertEquals(ErrorCode.BUDGET_EXHAUSTED, e.errorCode());
                                assertEquals("no " + thread + "/" + number, e.getMessage());
                                failed.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : futures) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            int failing = 0;
            for (int n = 0; n < writes; n++) {
                failing += n % 7 == 3 ? 1 : 0;
            }
            assertEquals(threads * failing, failed.get());
            assertEquals(0, unseen.get(), "a returned log write is committed");
            assertEquals((long) threads * (writes - failing), count(other, "SELECT COUNT(*) FROM log_test"));
            assertEquals(0, count(other, "SELECT COUNT(*) FROM log_test WHERE n % 7 = 3"));
            // Twelve threads that wait for an fsync each: some commits carry several writes.
            assertTrue(
                    catalog.logTransactions() < (long) threads * writes, "transactions: " + catalog.logTransactions());
        }
    }

    /**
     * An unsynced log write is read at once; a synced commit that writes covers it (no separate
     * sync); a synced commit that writes nothing syncs it separately; and one left alone is synced
     * in the background soon after.
     */
    @Test
    void unsyncedLogWritesAreSyncedByTheNextSyncedCommitOrSoonAfter() throws Exception {
        try (SqliteCatalog catalog = open()) {
            catalog.write(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE log_test (n INTEGER)");
                }
                return null;
            });
            SqliteCatalog.SqlWork<Long> counted = c -> count(c, "SELECT COUNT(*) FROM log_test");
            catalog.writeLogUnsynced(c -> insert(c, 1));
            assertEquals(1L, catalog.read(counted));
            long syncs = catalog.separateSyncs();
            catalog.writeLog(c -> insert(c, 2));
            assertEquals(syncs, catalog.separateSyncs(), "a synced commit that writes syncs the earlier ones");
            catalog.writeLogUnsynced(c -> insert(c, 3));
            catalog.writeLog(counted);
            // Either the background sync or this one synced it: one separate sync.
            assertEquals(syncs + 1, catalog.separateSyncs(), "a synced commit that writes nothing syncs separately");
            catalog.writeLogUnsynced(c -> insert(c, 4));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (catalog.separateSyncs() == syncs + 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(
                    syncs + 2, catalog.separateSyncs(), "an unsynced commit left alone is synced in the background");
            assertEquals(4L, catalog.read(counted));
        }
        try (SqliteCatalog catalog = open()) {
            assertEquals(4L, (long) catalog.read(c -> count(c, "SELECT COUNT(*) FROM log_test")));
        }
    }

    private static Void insert(java.sql.Connection c, int n) throws java.sql.SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO log_test VALUES (" + n + ")");
        }
        return null;
    }

    private static long count(java.sql.Connection c, String sql) throws java.sql.SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** An action that may throw. */
    private interface Executable {
        void execute() throws Throwable;
    }
}
