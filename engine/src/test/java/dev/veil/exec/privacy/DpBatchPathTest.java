package dev.veil.exec.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.exec.runtime.ExecutionOptions;
import dev.veil.session.EmbeddedDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DP aggregate's batch path ({@link DpBatchAggregator}) against its row path
 * ({@link DpAggregator}) through SQL: with the row and group samplers given one seed (a test hook)
 * and an epsilon so large the noise is below the comparison's tolerance, every query must give the
 * same rows on both paths, so the cells, the rows and groups each unit keeps, the clamps, the
 * partition selection and the release are the same; L0 = 2 and Linf = 3 make both samples matter.
 * Queries the batch path cannot run fall back to the rows with the same answer.
 */
class DpBatchPathTest {
    @TempDir
    Path dir;

    private Connection admin;
    private Connection ana;
    private int spelling;

    @BeforeEach
    void create() throws Exception {
        Path warehouse = dir.resolve("wh");
        admin = DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";create=true");
        exec(admin, "CREATE USER admin PASSWORD 'admin-pw-long-secret' ROLE admin");
        exec(admin, "CREATE USER ana PASSWORD 'ana-pw-long-secret'");
        exec(admin, "CREATE SCHEMA s");
        exec(
                admin,
                "CREATE TABLE s.customer (c_custkey BIGINT NOT NULL, c_acctbal DECIMAL(15,2), c_seg VARCHAR, tag INTEGER NOT NULL)");
        exec(
                admin,
                "CREATE TABLE s.orders (o_orderkey BIGINT NOT NULL, o_custkey BIGINT, o_totalprice DECIMAL(15,2), tag INTEGER NOT NULL)");
        exec(
                admin,
                "CREATE TABLE s.lineitem (l_orderkey BIGINT NOT NULL, l_quantity DECIMAL(15,2), "
                        + "l_extendedprice DECIMAL(15,2), l_discount DECIMAL(15,2), l_tax DECIMAL(15,2), "
                        + "l_returnflag VARCHAR, l_linestatus VARCHAR, l_shipdate DATE, l_price DOUBLE, tag INTEGER NOT NULL)");
        insert(
                "customer",
                120,
                i -> (i + 1) + "," + (i % 13 == 0 ? "" : money(i * 7919 % 30000 - 3000)) + ","
                        + (i % 17 == 0 ? "" : String.valueOf("ABCD".charAt(i % 4))) + "," + i % 5);
        // Some orders have no customer, some order keys belong to two customers (the smallest wins).
        insert(
                "orders",
                500,
                i -> (i % 450 + 1) + "," + (i % 41 == 0 ? "" : String.valueOf(i * 31 % 130 + 1)) + ","
                        + money(i * 104729 % 500000) + "," + i % 5);
        // Line keys up to 470: some reach no order.
        insert(
                "lineitem",
                3000,
                i -> (i * 7 % 470 + 1) + "," + (i % 29 == 0 ? "" : money(i % 60)) + ","
                        + money(i * 37 % 110000) + "," + money(i % 12 / 100.0) + "," + money(i % 9 / 100.0) + ","
                        + "ANR".charAt(i % 3) + "," + "FO".charAt(i / 3 % 2) + ",199" + (2 + i % 7) + "-0" + (1 + i % 9)
                        + "-1" + (i % 10) + "," + (i % 23 == 0 ? "" : String.valueOf(i / 7.0)) + "," + i % 5);
        exec(admin, "ALTER TABLE s.customer SET PRIVACY UNIT (c_custkey)");
        exec(admin, "ALTER TABLE s.orders SET PRIVACY UNIT VIA (o_custkey) REFERENCES s.customer (c_custkey)");
        exec(admin, "ALTER TABLE s.lineitem SET PRIVACY UNIT VIA (l_orderkey) REFERENCES s.orders (o_orderkey)");
        bounds("lineitem", "l_quantity", "0, 50");
        bounds("lineitem", "l_extendedprice", "0, 105000");
        bounds("lineitem", "l_discount", "0, 0.1");
        bounds("lineitem", "l_tax", "0, 0.08");
        bounds("lineitem", "l_price", "0, 300");
        bounds("customer", "c_acctbal", "-1000, 10000");
        bounds("orders", "o_totalprice", "0, 400000");
        for (String t : new String[] {"s.customer", "s.orders", "s.lineitem"}) {
            exec(
                    admin,
                    "ALTER TABLE " + t + " SET DIFFERENTIAL PRIVACY (EPSILON 1e20, DELTA 1e-9, "
                            + "MAX GROUPS PER UNIT 2, MAX ROWS PER UNIT PER GROUP 3)");
        }
        exec(admin, "CREATE PRIVACY BUDGET roomy LIMIT (EPSILON 1e30, DELTA 0.5) WINDOW NEVER");
        exec(admin, "ALTER USER ana SET PRIVACY BUDGET roomy");
        ana = DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";user=ana");
    }

    private static String money(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private void bounds(String table, String column, String bounds) throws SQLException {
        exec(
                admin,
                "ALTER TABLE s." + table + " ALTER COLUMN " + column + " SET POLICY AGGREGATE ONLY BOUNDS (" + bounds
                        + ")");
    }

    /** Loads the rows in COPYs of at most 1000 rows each: several segments, so several batches per scan. */
    private void insert(String table, int rows, java.util.function.IntFunction<String> row)
            throws SQLException, java.io.IOException {
        for (int from = 0; from < rows; from += 1000) {
            Path file = Files.createTempFile(dir, table, ".csv");
            StringBuilder csv = new StringBuilder();
            for (int i = from; i < Math.min(rows, from + 1000); i++) {
                csv.append(row.apply(i)).append('\n');
            }
            Files.writeString(file, csv);
            exec(admin, "COPY s." + table + " FROM '" + file + "' WITH (HEADER = FALSE)");
        }
    }

    @AfterEach
    void close() throws SQLException {
        ExecutionOptions.set(ExecutionOptions.current().withColumnar(true));
        DpAggregator.testSeeds = null;
        DpBatchAggregator.testBucketShift = DpBatchAggregator.BUCKET_SHIFT;
        ExecutionOptions.set(ExecutionOptions.current().withThreads(0));
        if (ana != null) {
            ana.close();
        }
        admin.close();
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /**
     * Runs {@code sql} (with {@code %d} where a filter that keeps every row makes each run a new
     * question, never a replay) on both paths with one sampler seed; asserts equal rows and
     * whether the batch path ran.
     */
    private void bothPaths(String sql, boolean batches, long seed) throws SQLException {
        DpAggregator.testSeeds = () -> seed;
        long before = DpBatchAggregator.RUNS.get();
        ExecutionOptions.set(ExecutionOptions.current().withColumnar(true));
        List<List<Object>> onBatches = rows(ana, String.format(Locale.ROOT, sql, -1 - spelling++));
        assertEquals(batches, DpBatchAggregator.RUNS.get() > before, "batch path taken: " + sql);
        ExecutionOptions.set(ExecutionOptions.current().withColumnar(false));
        List<List<Object>> onRows = rows(ana, String.format(Locale.ROOT, sql, -1 - spelling++));
        ExecutionOptions.set(ExecutionOptions.current().withColumnar(true));
        assertFalse(onRows.isEmpty(), sql);
        assertEquals(onRows.size(), onBatches.size(), sql);
        for (int r = 0; r < onRows.size(); r++) {
            List<Object> a = onRows.get(r);
            List<Object> b = onBatches.get(r);
            assertEquals(a.size(), b.size());
            for (int c = 0; c < a.size(); c++) {
                Object x = a.get(c);
                Object y = b.get(c);
                if (x instanceof Number p && y instanceof Number q) {
                    double tolerance = 1e-6 * Math.max(1, Math.abs(p.doubleValue()));
                    assertEquals(p.doubleValue(), q.doubleValue(), tolerance, sql + " row " + r + " column " + c);
                } else {
                    assertEquals(x, y, sql + " row " + r + " column " + c);
                }
            }
        }
    }

    private static final String Q1 = "select l_returnflag, l_linestatus, sum(l_quantity) as sum_qty, "
            + "sum(l_extendedprice) as sum_base_price, sum(l_extendedprice * (1 - l_discount)) as sum_disc_price, "
            + "sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge, avg(l_quantity) as avg_qty, "
            + "avg(l_extendedprice) as avg_price, avg(l_discount) as avg_disc, count(*) as count_order "
            + "from s.lineitem where l_shipdate <= date '1998-12-01' - interval '90' day and tag >= %d "
            + "group by l_returnflag, l_linestatus order by l_returnflag, l_linestatus";

    @Test
    void groupedWithNestedClampsThroughTheUnitLookup() throws SQLException {
        for (long seed : new long[] {1, 20261206, 7}) {
            bothPaths(Q1, true, seed);
        }
        // The samplers decide which rows and groups count: another seed gives other sums.
        DpAggregator.testSeeds = () -> 1;
        List<List<Object>> one = rows(ana, String.format(Locale.ROOT, Q1, -100));
        DpAggregator.testSeeds = () -> 2;
        List<List<Object>> two = rows(ana, String.format(Locale.ROOT, Q1, -101));
        boolean differs = false;
        for (int r = 0; r < one.size(); r++) {
            differs |= Math.abs(((Number) one.get(r).get(3)).doubleValue()
                            - ((Number) two.get(r).get(3)).doubleValue())
                    > 0.5;
        }
        assertTrue(differs, "the seed matters");
    }

    @Test
    void globalThroughTheUnitLookup() throws SQLException {
        bothPaths(
                "select sum(l_extendedprice) as s, count(l_quantity) as n, avg(l_price) as p "
                        + "from s.lineitem where tag >= %d",
                true, 3);
        bothPaths("select count(*) as n, sum(o_totalprice) as t from s.orders where tag >= %d", true, 4);
    }

    @Test
    void globalTotalsFindTheirCellsByUnitValueAndKeepTheSameRows() throws Exception {
        // Counts and AUTO sums of a global aggregate through the unit lookup: a row's cell is its
        // customer's key, no index of cells; units are numbered as they first occur all the same, so
        // with Linf = 3 passed by most units (reservoirs replayed), NULL keys and keys of no order,
        // the same rows count as on the rows and as with the cells found through the unit ids.
        exec(
                admin,
                "ALTER TABLE s.lineitem SET DIFFERENTIAL PRIVACY (EPSILON 1e20, DELTA 1e-9, "
                        + "MAX GROUPS PER UNIT 2, MAX ROWS PER UNIT PER GROUP 3, CONTRIBUTION BOUNDS AUTO)");
        String[] queries = {
            "select sum(l_extendedprice) as s, count(*) as n, count(l_quantity) as m from s.lineitem where tag >= %d",
            "select sum(l_price) as p, sum(l_quantity) as q from s.lineitem where tag >= %d and l_shipdate > date '1994-06-01'",
            "select count(*) as n from s.orders where tag >= %d"
        };
        try {
            for (int q = 0; q < queries.length; q++) {
                for (boolean byIds : new boolean[] {false, true}) {
                    DpBatchAggregator.testNoCellsByUnit = byIds;
                    for (int threads : new int[] {1, 2}) {
                        ExecutionOptions.set(ExecutionOptions.current().withThreads(threads));
                        long totals = DpBatchAggregator.TOTAL_RUNS.get();
                        long byUnit = DpBatchAggregator.BY_UNIT_RUNS.get();
                        long parallel = DpBatchAggregator.PARALLEL_RUNS.get();
                        long batches = DpBatchAggregator.BATCHES.get();
                        bothPaths(queries[q], true, 110 + q);
                        // Two threads scan a global aggregate by unit value, and the cells take the
                        // batches in scan order all the same.
                        boolean twoScanning = threads == 2;
                        assertEquals(
                                twoScanning ? parallel + 1 : parallel,
                                DpBatchAggregator.PARALLEL_RUNS.get(),
                                "scanned on two threads: " + queries[q]);
                        if (twoScanning && q != 2) {
                            assertTrue(DpBatchAggregator.BATCHES.get() - batches >= 3, "several batches");
                        }
                        assertEquals(totals + 1, DpBatchAggregator.TOTAL_RUNS.get(), "running totals: " + queries[q]);
                        assertEquals(
                                byIds || q == 2 ? byUnit : byUnit + 1,
                                DpBatchAggregator.BY_UNIT_RUNS.get(),
                                "cells by unit value: " + queries[q]);
                    }
                }
            }
        } finally {
            DpBatchAggregator.testNoCellsByUnit = false;
        }
    }

    @Test
    void grouped_unitOfTheTableItself() throws SQLException {
        bothPaths(
                "select c_seg, count(*) as n, sum(c_acctbal) as b, count(c_acctbal) as m from s.customer "
                        + "where tag >= %d group by c_seg order by c_seg",
                true, 5);
        bothPaths(
                "select c_seg, count(distinct c_custkey) as u from s.customer "
                        + "where tag >= %d group by c_seg order by c_seg",
                true, 6);
    }

    @Test
    void manyGroupsMoveTheCellsToTheHash() throws SQLException {
        // More than DENSE_GROUPS groups (one per ship date): the cells leave the dense table mid-scan.
        bothPaths(
                "select l_shipdate, count(*) as n, sum(l_quantity) as q from s.lineitem "
                        + "where tag >= %d group by l_shipdate order by l_shipdate",
                true, 8);
    }

    @Test
    void bucketsOfAnySizeKeepTheSameRows() throws SQLException {
        // Buckets of 1, 2 and 8 units: a unit's writes replayed apart from the others', in many
        // buckets, with reservoir replacements (Linf = 3) and group samples (L0 = 2) across them.
        for (int shift : new int[] {0, 1, 3}) {
            DpBatchAggregator.testBucketShift = shift;
            bothPaths(Q1, true, 11 + shift);
            bothPaths(
                    "select sum(l_extendedprice) as s, count(*) as n from s.lineitem where tag >= %d",
                    true, 21 + shift);
            bothPaths(
                    "select c_seg, count(*) as n, sum(c_acctbal) as b from s.customer "
                            + "where tag >= %d group by c_seg order by c_seg",
                    true, 31 + shift);
        }
    }

    @Test
    void cellAndSlotInOneDoubleOrTwoKeepTheSameRows() throws SQLException {
        // Every Linf up to 2^22 packs a write's cell and slot into one double; a larger one (too
        // costly to test through SQL) keeps them apart, as the test switch makes every Linf do here.
        DpBatchAggregator.testUnpacked = true;
        try {
            bothPaths(Q1, true, 41);
            bothPaths("select sum(l_extendedprice) as s, count(*) as n from s.lineitem where tag >= %d", true, 42);
        } finally {
            DpBatchAggregator.testUnpacked = false;
        }
    }

    @Test
    void recycledArenaChunksKeepTheSameRows() throws SQLException {
        // A run's arena chunks go to the next run, stale values and all: each write comes before
        // its read, so a run on recycled chunks keeps the rows a run on fresh ones keeps.
        bothPaths(Q1, true, 51);
        assertTrue(ArenaChunks.keptBytes() > 0, "the chunks of the first run are kept");
        bothPaths(Q1, true, 52);
        bothPaths("select sum(l_extendedprice) as s, count(*) as n from s.lineitem where tag >= %d", true, 53);
        ArenaChunks.testFresh = true;
        try {
            bothPaths(Q1, true, 52);
        } finally {
            ArenaChunks.testFresh = false;
        }
    }

    @Test
    void oneThreadAndTwoKeepTheSameRows() throws SQLException {
        // The scan on a second thread (a pipeline) gives the cells the same batches in the same
        // order: the same caps, samples and contributions as on one thread and on the rows.
        String[] queries = {
            Q1,
            "select sum(l_extendedprice) as s, count(l_quantity) as n, avg(l_price) as p from s.lineitem where tag >= %d",
            "select l_shipdate, count(*) as n, sum(l_quantity) as q from s.lineitem "
                    + "where tag >= %d group by l_shipdate order by l_shipdate"
        };
        for (int shift : new int[] {0, DpBatchAggregator.BUCKET_SHIFT}) {
            DpBatchAggregator.testBucketShift = shift;
            for (int q = 0; q < queries.length; q++) {
                long seed = 40 + q + shift;
                ExecutionOptions.set(ExecutionOptions.current().withThreads(1));
                long splitBefore = DpBatchAggregator.SPLIT_RELEASES.get();
                bothPaths(queries[q], true, seed);
                assertEquals(splitBefore, DpBatchAggregator.SPLIT_RELEASES.get(), "one thread releases alone");
                ExecutionOptions.set(ExecutionOptions.current().withThreads(2));
                long batches = DpBatchAggregator.BATCHES.get();
                long parallel = DpBatchAggregator.PARALLEL_RUNS.get();
                bothPaths(queries[q], true, seed);
                assertTrue(DpBatchAggregator.BATCHES.get() - batches >= 3, "several batches in the pipeline");
                if (q == 0) {
                    // Q1's eight calls: two threads replay and feed four each, the same values in
                    // the same order to each accumulator as on one thread and on the rows.
                    assertEquals(splitBefore + 1, DpBatchAggregator.SPLIT_RELEASES.get(), "calls fed on two threads");
                }
                // Q1 groups by VARCHAR (dictionary codes in order of first occurrence): one thread
                // scans ahead of the cells; the others scan on two, the groups numbered in scan order.
                assertEquals(
                        q == 0 ? parallel : parallel + 1,
                        DpBatchAggregator.PARALLEL_RUNS.get(),
                        "scanned on two threads: " + queries[q]);
            }
        }
    }

    @Test
    void adversarialUnitsKeepTheSameRowsClampsAndGroupsWhereverPartitionSelectionRuns() throws Exception {
        // Unit 1 has a third of the rows, in every group (reservoirs far past Linf = 3, L0 = 2 of
        // 200 groups); other rows reach a customer, none (a key beyond the customers) or have no key;
        // values are NULL, NaN, +-Infinity and past their bounds; 200 groups leave the dense cells and
        // many hold one unit, which partition selection drops. The batch path selects partitions
        // before it feeds the accumulators, or (the test switch) after, as the row path does: the
        // same rows counted, the same clamped sums and the same groups on all three.
        exec(
                admin,
                "CREATE TABLE s.events (e_cust BIGINT, g INTEGER NOT NULL, k INTEGER NOT NULL, v DOUBLE, "
                        + "d DECIMAL(15,2), tag INTEGER NOT NULL)");
        String[] odd = {"", "NaN", "Infinity", "-Infinity", "1e9", "-1e9", "100.5", "-250"};
        insert(
                "events",
                6000,
                i -> (i % 3 == 0 ? "1" : i % 97 == 0 ? "" : String.valueOf(i % 130 + 1)) + "," + i % 200 + ","
                        + i % 3 + ","
                        + (i % 7 == 0 ? odd[i / 7 % odd.length] : String.valueOf((i * 7919 % 400 - 200) / 3.0))
                        + "," + (i % 19 == 0 ? "" : money(i % 70)) + "," + i % 5);
        exec(admin, "ALTER TABLE s.events SET PRIVACY UNIT VIA (e_cust) REFERENCES s.customer (c_custkey)");
        bounds("events", "v", "-100, 100");
        bounds("events", "d", "0, 50");
        exec(
                admin,
                "ALTER TABLE s.events SET DIFFERENTIAL PRIVACY (EPSILON 1e20, DELTA 1e-9, "
                        + "MAX GROUPS PER UNIT 2, MAX ROWS PER UNIT PER GROUP 3, CONTRIBUTION BOUNDS AUTO)");
        String[] queries = {
            "select g, count(*) as n, sum(v) as s, avg(v) as a, count(v) as m, sum(d) as t from s.events "
                    + "where tag >= %d group by g order by g",
            "select k, count(*) as n, sum(v) as s, avg(d) as a from s.events where tag >= %d group by k order by k",
            "select count(*) as n, sum(v) as s, avg(v) as a, sum(d) as t from s.events where tag >= %d"
        };
        try {
            for (int q = 0; q < queries.length; q++) {
                for (boolean last : new boolean[] {false, true}) {
                    DpBatchAggregator.testSelectLast = last;
                    bothPaths(queries[q], true, 60 + q);
                }
            }
            // Groups of one unit are dropped, groups of several kept, on every path.
            DpAggregator.testSeeds = () -> 70;
            int released =
                    rows(ana, String.format(Locale.ROOT, queries[0], -500)).size();
            assertTrue(released > 5 && released < 200, "partition selection dropped some groups: " + released);
        } finally {
            DpBatchAggregator.testSelectLast = false;
        }
    }

    @Test
    void runningTotalsKeepTheSameRowsClampsAndGroupsAsTheRowsAndTheBuckets() throws Exception {
        // Counts and AUTO sums only: the batch path keeps running totals per cell instead of the
        // rows. Unit 1 has a third of the rows in every group, so its cells pass Linf = 3 early and
        // their reservoirs are replayed from the log; other rows reach a customer, none or no key;
        // values are NULL, NaN, +-Infinity and past their bounds; 200 groups, L0 = 2. The same rows,
        // clamped sums and groups as on the rows; with an AVG beside them the buckets run instead.
        exec(
                admin,
                "CREATE TABLE s.events (e_cust BIGINT, g INTEGER NOT NULL, k INTEGER NOT NULL, v DOUBLE, "
                        + "d DECIMAL(15,2), tag INTEGER NOT NULL)");
        String[] odd = {"", "NaN", "Infinity", "-Infinity", "1e9", "-1e9", "100.5", "-250"};
        insert(
                "events",
                6000,
                i -> (i % 3 == 0 ? "1" : i % 97 == 0 ? "" : String.valueOf(i % 130 + 1)) + "," + i % 200 + ","
                        + i % 3 + ","
                        + (i % 7 == 0 ? odd[i / 7 % odd.length] : String.valueOf((i * 7919 % 400 - 200) / 3.0))
                        + "," + (i % 19 == 0 ? "" : money(i % 70)) + "," + i % 5);
        exec(admin, "ALTER TABLE s.events SET PRIVACY UNIT VIA (e_cust) REFERENCES s.customer (c_custkey)");
        bounds("events", "v", "-100, 100");
        bounds("events", "d", "0, 50");
        exec(
                admin,
                "ALTER TABLE s.events SET DIFFERENTIAL PRIVACY (EPSILON 1e20, DELTA 1e-9, "
                        + "MAX GROUPS PER UNIT 2, MAX ROWS PER UNIT PER GROUP 3, CONTRIBUTION BOUNDS AUTO)");
        String[] totals = {
            "select g, count(*) as n, sum(v) as s, count(v) as m, sum(d) as t from s.events "
                    + "where tag >= %d group by g order by g",
            "select k, sum(v) as s, sum(d) as t, count(*) as n from s.events where tag >= %d group by k order by k",
            "select sum(v) as s, count(d) as n, sum(d) as t from s.events where tag >= %d",
            "select k, count(distinct e_cust) as u, count(v) as m from s.events where tag >= %d "
                    + "group by k order by k",
            "select k, count(*) as n from s.events where tag >= %d group by k order by k"
        };
        try {
            for (int q = 0; q < totals.length; q++) {
                for (boolean last : new boolean[] {false, true}) {
                    DpBatchAggregator.testSelectLast = last;
                    for (int threads : new int[] {1, 2}) {
                        ExecutionOptions.set(ExecutionOptions.current().withThreads(threads));
                        long before = DpBatchAggregator.TOTAL_RUNS.get();
                        bothPaths(totals[q], true, 80 + q);
                        assertEquals(before + 1, DpBatchAggregator.TOTAL_RUNS.get(), "running totals: " + totals[q]);
                    }
                }
            }
            long before = DpBatchAggregator.TOTAL_RUNS.get();
            bothPaths(
                    "select k, sum(v) as s, avg(v) as a from s.events where tag >= %d group by k order by k", true, 90);
            assertEquals(before, DpBatchAggregator.TOTAL_RUNS.get(), "an AVG takes the buckets");
        } finally {
            DpBatchAggregator.testSelectLast = false;
        }
        // The samplers decide which rows count: another seed gives other sums where Linf binds.
        DpAggregator.testSeeds = () -> 1;
        List<List<Object>> one = rows(ana, String.format(Locale.ROOT, totals[2], -100));
        DpAggregator.testSeeds = () -> 2;
        List<List<Object>> two = rows(ana, String.format(Locale.ROOT, totals[2], -101));
        assertTrue(
                Math.abs(((Number) one.get(0).get(0)).doubleValue()
                                - ((Number) two.get(0).get(0)).doubleValue())
                        > 0.5,
                "the seed matters");
    }

    @Test
    void runsOfRowsOfOneUnitKeepTheSameRowsAndTotals() throws Exception {
        // Rows in runs of one order key, as line items lie by order (1 to 9 rows a run, Linf = 3, so
        // runs pass Linf from any count: their later rows draw reservoir slots), consecutive runs
        // often of one customer, some of a NULL key or of no order; values NULL, NaN, +-Infinity and
        // past their bounds inside runs; a group that changes inside runs. Running totals take a run
        // of one cell at a time: the same rows, clamped sums and groups as on the rows, on one
        // thread and two, with the cells by unit value and through the unit ids.
        exec(
                admin,
                "CREATE TABLE s.lines (r_order BIGINT, g INTEGER NOT NULL, v DOUBLE, d DECIMAL(15,2), "
                        + "tag INTEGER NOT NULL)");
        int rows = 6000;
        String[] keys = new String[rows];
        int[] runs = new int[rows];
        for (int i = 0, run = 0; i < rows; run++) {
            String key = run % 37 == 5 ? "" : String.valueOf(run / 2 % 480 + 1);
            for (int k = 0; k < 1 + run * 5 % 9 && i < rows; k++, i++) {
                keys[i] = key;
                runs[i] = run;
            }
        }
        String[] odd = {"", "NaN", "Infinity", "-Infinity", "1e9", "-1e9", "100.5", "-250"};
        insert(
                "lines",
                rows,
                i -> keys[i] + "," + (runs[i] % 4 + i % 5 / 4) + ","
                        + (i % 11 == 0 ? odd[i / 11 % odd.length] : String.valueOf((i * 7919 % 400 - 200) / 3.0))
                        + "," + (i % 19 == 0 ? "" : money(i % 70)) + "," + i % 5);
        exec(admin, "ALTER TABLE s.lines SET PRIVACY UNIT VIA (r_order) REFERENCES s.orders (o_orderkey)");
        bounds("lines", "v", "-100, 100");
        bounds("lines", "d", "0, 50");
        exec(
                admin,
                "ALTER TABLE s.lines SET DIFFERENTIAL PRIVACY (EPSILON 1e20, DELTA 1e-9, "
                        + "MAX GROUPS PER UNIT 2, MAX ROWS PER UNIT PER GROUP 3, CONTRIBUTION BOUNDS AUTO)");
        String[] queries = {
            "select sum(v) as s, count(d) as n, sum(d) as t, count(*) as c from s.lines where tag >= %d",
            "select sum(d) as t from s.lines where tag >= %d",
            "select g, count(*) as n, sum(v) as s, count(v) as m, sum(d) as t from s.lines "
                    + "where tag >= %d group by g order by g"
        };
        try {
            for (int q = 0; q < queries.length; q++) {
                for (boolean byIds : new boolean[] {false, true}) {
                    DpBatchAggregator.testNoCellsByUnit = byIds;
                    for (int threads : new int[] {1, 2}) {
                        ExecutionOptions.set(ExecutionOptions.current().withThreads(threads));
                        long totals = DpBatchAggregator.TOTAL_RUNS.get();
                        bothPaths(queries[q], true, 130 + q);
                        assertEquals(totals + 1, DpBatchAggregator.TOTAL_RUNS.get(), "running totals: " + queries[q]);
                    }
                }
            }
        } finally {
            DpBatchAggregator.testNoCellsByUnit = false;
        }
        // The samplers decide which rows count: another seed gives other sums where Linf binds.
        DpAggregator.testSeeds = () -> 1;
        List<List<Object>> one = rows(ana, String.format(Locale.ROOT, queries[1], -100));
        DpAggregator.testSeeds = () -> 2;
        List<List<Object>> two = rows(ana, String.format(Locale.ROOT, queries[1], -101));
        assertTrue(
                Math.abs(((Number) one.get(0).get(0)).doubleValue()
                                - ((Number) two.get(0).get(0)).doubleValue())
                        > 0.5,
                "the seed matters");
    }

    /**
     * Line items with a part key (some NULL, some of no part) and a public part table (some NULL
     * keys and types, a type filter and a size), as TPC-H Q14 joins them.
     */
    private void linesAndParts() throws Exception {
        exec(
                admin,
                "CREATE TABLE s.lines (l_orderkey BIGINT NOT NULL, l_partkey BIGINT, l_price DECIMAL(15,2), "
                        + "l_discount DECIMAL(15,2), tag INTEGER NOT NULL)");
        exec(admin, "CREATE TABLE s.part (p_partkey BIGINT, p_type VARCHAR, p_size INTEGER NOT NULL)");
        insert(
                "lines",
                3000,
                i -> (i * 7 % 470 + 1) + "," + (i % 31 == 0 ? "" : String.valueOf(i * 13 % 230 + 1)) + ","
                        + (i % 37 == 0 ? "" : money(i * 37 % 110000)) + "," + money(i % 11 / 100.0) + "," + i % 5);
        insert(
                "part",
                210,
                i -> (i >= 200 ? "" : String.valueOf(i + 1)) + ","
                        + (i % 17 == 0 ? "" : (i % 3 == 0 ? "PROMO " : "STANDARD ") + "BRASS") + "," + i % 50);
        exec(admin, "ALTER TABLE s.lines SET PRIVACY UNIT VIA (l_orderkey) REFERENCES s.orders (o_orderkey)");
        bounds("lines", "l_price", "0, 105000");
        bounds("lines", "l_discount", "0, 0.1");
        exec(
                admin,
                "ALTER TABLE s.lines SET DIFFERENTIAL PRIVACY (EPSILON 1e20, DELTA 1e-9, "
                        + "MAX GROUPS PER UNIT 2, MAX ROWS PER UNIT PER GROUP 3, CONTRIBUTION BOUNDS AUTO)");
    }

    private static final String Q14 = "select sum(case when p_type like 'PROMO%%' then l_price * (1 - l_discount) "
            + "else 0 end) as promo, sum(l_price * (1 - l_discount)) as revenue, count(*) as n "
            + "from s.lines, s.part where l_partkey = p_partkey and tag >= %d";

    @Test
    void aJoinWithASmallTableReadsTheBatchesAndKeepsTheSameRows() throws Exception {
        // Q14's join: line items probe the parts' keys, the CASE's condition taken once per part.
        // NULL keys on either side and line items of no part join nothing, as on the rows; Linf = 3
        // and L0 = 2 make the samples matter, so the join's rows must come in the rows' order.
        linesAndParts();
        String[] queries = {
            Q14,
            "select tag, sum(case when p_type like 'PROMO%%' then l_price else 0 end) as promo, count(*) as n "
                    + "from s.lines, s.part where l_partkey = p_partkey and tag >= %d group by tag order by tag",
            Q14.replace("tag >= %d", "tag >= %d and p_size < 20"),
            "select count(*) as n, sum(l_price) as s from s.part, s.lines where p_partkey = l_partkey and tag >= %d"
        };
        for (int q = 0; q < queries.length; q++) {
            for (int threads : new int[] {1, 2}) {
                ExecutionOptions.set(ExecutionOptions.current().withThreads(threads));
                long joins = DpBatchAggregator.JOIN_RUNS.get();
                long fallbacks = DpBatchAggregator.JOIN_FALLBACKS.get();
                long parallel = DpBatchAggregator.PARALLEL_RUNS.get();
                bothPaths(queries[q], true, 130 + q);
                assertEquals(joins + 1, DpBatchAggregator.JOIN_RUNS.get(), "joined on the batches: " + queries[q]);
                // On two threads each probes the build side for its own batches.
                assertEquals(
                        threads == 2 ? parallel + 1 : parallel,
                        DpBatchAggregator.PARALLEL_RUNS.get(),
                        "scanned on two threads: " + queries[q]);
                assertEquals(fallbacks, DpBatchAggregator.JOIN_FALLBACKS.get(), queries[q]);
            }
        }
    }

    @Test
    void aJoinWithAnEmptyBuildSideReleasesWhatTheRowsRelease() throws Exception {
        linesAndParts();
        long joins = DpBatchAggregator.JOIN_RUNS.get();
        bothPaths(Q14.replace("tag >= %d", "tag >= %d and p_size < 0"), true, 140);
        assertEquals(joins + 1, DpBatchAggregator.JOIN_RUNS.get());
    }

    @Test
    void aBuildSideWithRepeatedKeysRunsOnTheRows() throws Exception {
        // Two parts share a key: some line items take two join rows, which the rows give in their
        // order; the batch plan sees the repeat when it reads the parts and runs the rows instead.
        linesAndParts();
        exec(admin, "INSERT INTO s.part VALUES (5, 'PROMO COPPER', 3)");
        long fallbacks = DpBatchAggregator.JOIN_FALLBACKS.get();
        bothPaths(Q14, false, 150);
        assertEquals(fallbacks + 1, DpBatchAggregator.JOIN_FALLBACKS.get(), "fell back to the rows");
        // A filter that leaves one of the two: distinct keys again, on the batches.
        long joins = DpBatchAggregator.JOIN_RUNS.get();
        bothPaths(Q14.replace("tag >= %d", "tag >= %d and p_type <> 'PROMO COPPER'"), true, 151);
        assertEquals(fallbacks + 1, DpBatchAggregator.JOIN_FALLBACKS.get(), "no second fallback");
        assertEquals(joins + 1, DpBatchAggregator.JOIN_RUNS.get());
    }

    @Test
    void aBuildSideUnderAPolicyRunsOnTheRows() throws Exception {
        // Whether the build side's keys repeat decides the path at run time: only a table read
        // without any policy may be the build side on the batches, so that decision reads public
        // data alone. A row filter on the parts: the rows, with the same answer.
        linesAndParts();
        exec(admin, "ALTER TABLE s.part SET ROW FILTER (p_size < 45)");
        long joins = DpBatchAggregator.JOIN_RUNS.get();
        bothPaths(Q14, false, 160);
        assertEquals(joins, DpBatchAggregator.JOIN_RUNS.get(), "no join on the batches");
    }

    @Test
    void whatTheBatchesCannotRunFallsBackToTheRows() throws SQLException {
        // A FILTER clause and an expression as group key: the rows path, with the same answers.
        bothPaths(
                "select count(*) filter (where l_quantity > 10) as n, sum(l_quantity) as q from s.lineitem "
                        + "where tag >= %d",
                false, 9);
        bothPaths(
                "select o_custkey is null as orphan, count(*) as n from s.orders where tag >= %d "
                        + "group by o_custkey is null order by 1",
                false, 10);
        assertTrue(ExecutionOptions.current().columnar());
    }
}
