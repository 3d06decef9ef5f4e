package dev.veil.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden plans of the privacy rewrite, in the manner of Calcite's {@code RelOptRulesTest}: for each
 * rewrite rule, one query, the logical plan before the rewrite (the query as an admin, whom no
 * policy governs) and after it (the same query as an analyst, with the rewrite log, the ε split
 * and the rewritten plan), compared with a file under {@code src/test/resources/plans/}. A change
 * to the rewrite shows up as a diff of those files, which the reviewer reads.
 *
 * <p>Both plans come from {@code EXPLAIN PRIVACY} through the embedded driver, so the test sees
 * exactly what the engine runs. To accept changed plans, run with {@code -Dveil.plans.update=true}
 * from the {@code engine} module and review the diff.
 */
class GoldenPlanTest {
    private static final Path GOLDEN = Path.of("src", "test", "resources", "plans");
    private static final boolean UPDATE = Boolean.getBoolean("veil.plans.update");

    /** The policies of every case: one set, so that the cases also show how policies combine. */
    private static final List<String> POLICIES = List.of(
            "ALTER TABLE shop.customer SET PRIVACY UNIT (c_id)",
            "ALTER TABLE shop.customer SET MIN GROUP SIZE 3",
            "ALTER TABLE shop.customer ALTER COLUMN email SET POLICY HIDDEN",
            "ALTER TABLE shop.customer ALTER COLUMN phone SET POLICY MASKED USING SHOW_LAST(2)",
            "ALTER TABLE shop.customer ALTER COLUMN birth SET POLICY MASKED USING YEAR",
            "ALTER TABLE shop.customer ALTER COLUMN score SET POLICY AGGREGATE ONLY BOUNDS (0, 10)",
            "ALTER TABLE shop.customer ALTER COLUMN zip SET POLICY JOIN ONLY",
            "ALTER TABLE shop.customer ALTER COLUMN segment SET DOMAIN IN ('A', 'B')",
            "ALTER TABLE shop.customer SET ROW FILTER (segment <> 'X') FOR ROLE eu",
            "ALTER TABLE shop.orders SET PRIVACY UNIT VIA (o_cust) REFERENCES shop.customer (c_id)",
            "ALTER TABLE shop.orders SET DIFFERENTIAL PRIVACY (EPSILON 1, DELTA 1e-6, MAX GROUPS PER UNIT 2, "
                    + "MAX ROWS PER UNIT PER GROUP 3)",
            "ALTER TABLE shop.orders ALTER COLUMN amount SET POLICY AGGREGATE ONLY BOUNDS (0, 200)",
            "ALTER TABLE shop.orders ALTER COLUMN status SET DOMAIN IN ('open', 'done')",
            "ALTER TABLE shop.lineitem SET PRIVACY UNIT VIA (l_order) REFERENCES shop.orders (o_id)",
            "ALTER TABLE shop.lineitem SET MIN GROUP SIZE 2 REMAINDER");

    private static Path dir;
    private static Shop shop;

    static Stream<Arguments> cases() {
        return Stream.of(
                // ScanStep and ColumnPolicyExpressions: masks, clamps and hidden columns sit on the scan.
                golden(
                        "scan_masks",
                        "alice",
                        "SELECT birth, phone, COUNT(*) AS n, SUM(score) AS s "
                                + "FROM shop.customer GROUP BY birth, phone"),
                // ScanStep: a row filter is a Filter directly on the scan, below the user's own filter.
                golden(
                        "scan_row_filter",
                        "bob",
                        "SELECT city, COUNT(*) AS n FROM shop.customer " + "WHERE city <> 'Rome' GROUP BY city"),
                // AggregateStep and BoundaryRewrite: MIN GROUP SIZE k SUPPRESS at the boundary.
                golden(
                        "min_group_size_suppress",
                        "alice",
                        "SELECT city, SUM(score) AS s FROM shop.customer GROUP BY city"),
                // BoundaryRewrite: REMAINDER folds small groups into one NULL-keyed row.
                golden(
                        "min_group_size_remainder",
                        "alice",
                        "SELECT qty, COUNT(*) AS n FROM shop.lineitem GROUP BY qty"),
                // BoundaryRewrite: grouping sets are thresholded per grouping set.
                golden(
                        "min_group_size_rollup",
                        "alice",
                        "SELECT city, segment, COUNT(*) AS n FROM shop.customer " + "GROUP BY ROLLUP (city, segment)"),
                // AggregateStep: an aggregate grouped by the unit is a per-unit step; the next one up is the boundary.
                golden(
                        "per_unit_step",
                        "alice",
                        "SELECT city, AVG(n) AS avg_orders FROM (SELECT c_id, city, COUNT(*) AS n "
                                + "FROM shop.customer GROUP BY c_id, city) GROUP BY city"),
                // UnitStep and UnitResolver: a foreign-key path becomes a unit lookup.
                golden("unit_lookup_path", "alice", "SELECT qty, SUM(price) AS p FROM shop.lineitem GROUP BY qty"),
                // JoinStep: protected joined with protected on the unit, and with a public table anywhere.
                golden(
                        "join_on_unit",
                        "alice",
                        "SELECT k.country, COUNT(*) AS n FROM shop.customer c "
                                + "JOIN shop.cities k ON c.city = k.city GROUP BY k.country"),
                // JoinOnlyKeys: a JOIN ONLY column matched with a governed key feeds a semi-join.
                golden(
                        "join_only_semi_join",
                        "alice",
                        "SELECT city, COUNT(*) AS n FROM shop.customer c WHERE zip IN "
                                + "(SELECT zip FROM shop.customer d WHERE d.segment = 'A') GROUP BY city"),
                // SortStep, FilterStep, ProjectStep: post-processing above the boundary is free.
                golden(
                        "post_processing",
                        "alice",
                        "SELECT city, n * 2 AS twice FROM (SELECT city, COUNT(*) AS n "
                                + "FROM shop.customer GROUP BY city) WHERE n > 3 ORDER BY twice DESC LIMIT 2"),
                // SafeExpressions: an expression that could fail on a row is evaluated null-on-error.
                golden(
                        "total_evaluation",
                        "alice",
                        "SELECT COUNT(*) AS n FROM shop.customer "
                                + "WHERE CHAR_LENGTH(SUBSTRING(name, 1, CAST(score AS INTEGER))) > 1"),
                // SetOpStep: each branch of a UNION ALL has its own boundary.
                golden(
                        "set_operation",
                        "alice",
                        "SELECT city, COUNT(*) AS n FROM shop.customer GROUP BY city "
                                + "UNION ALL SELECT status, COUNT(*) FROM shop.orders GROUP BY status"),
                // DpBoundary and DpBudget: DP COUNT, SUM and AVG with partition selection and the ε split.
                golden(
                        "dp_aggregates",
                        "alice",
                        "SELECT o_date, COUNT(*) AS n, SUM(amount) AS total, AVG(amount) AS mean "
                                + "FROM shop.orders GROUP BY o_date"),
                // PublicDomains: DP groups keyed by a public domain need no partition selection.
                golden("dp_public_domain", "alice", "SELECT status, COUNT(*) AS n FROM shop.orders GROUP BY status"),
                // DpBoundary: a global DP aggregate (no group keys) and its released order.
                golden("dp_global", "alice", "SELECT COUNT(*) AS n, SUM(amount) AS total FROM shop.orders"),
                // DpBoundary over a join with a public table and a filter below the boundary.
                golden(
                        "dp_join_public",
                        "alice",
                        "SELECT c.country, COUNT(*) AS n FROM shop.orders o "
                                + "JOIN shop.customer u ON o.o_cust = u.c_id JOIN shop.cities c ON u.city = c.city "
                                + "WHERE o.status = 'open' GROUP BY c.country"));
    }

    private static Arguments golden(String name, String user, String query) {
        return Arguments.of(name, user, query);
    }

    @BeforeAll
    static void createShop() throws Exception {
        dir = Files.createTempDirectory("veil-golden");
        shop = Shop.create(dir);
        try (Statement s = shop.admin.createStatement()) {
            for (String policy : POLICIES) {
                s.execute(policy);
            }
        }
    }

    @AfterAll
    static void closeShop() throws Exception {
        shop.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rewrite(String name, String user, String query) throws Exception {
        String actual = render(user, query);
        Path file = GOLDEN.resolve(name + ".txt");
        if (UPDATE) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return;
        }
        if (!Files.exists(file)) {
            fail("No golden plan " + file + "; run with -Dveil.plans.update=true and review it. Actual:\n" + actual);
        }
        assertEquals(
                Files.readString(file, StandardCharsets.UTF_8),
                actual,
                "The rewrite of '" + name
                        + "' changed; if intended, run with -Dveil.plans.update=true and review the diff");
    }

    /** Every case has a golden file and every golden file a case: a removed case leaves no stale plan. */
    @org.junit.jupiter.api.Test
    void noStaleGoldenFiles() throws IOException {
        List<String> names = cases().map(a -> a.get()[0] + ".txt").toList();
        try (Stream<Path> files = Files.list(GOLDEN)) {
            for (Path f : files.toList()) {
                assertTrue(names.contains(f.getFileName().toString()), "golden plan without a case: " + f);
            }
        }
    }

    private static String render(String user, String query) throws SQLException {
        StringBuilder out = new StringBuilder();
        out.append("-- query (as ").append(user).append(")\n").append(query).append("\n\n");
        out.append("-- before the rewrite (as admin: no policy governs)\n");
        List<String> admin = explain(shop.admin, query);
        for (String line : admin.subList(admin.indexOf("Rewritten plan:") + 1, admin.size())) {
            out.append(line.startsWith("  ") ? line.substring(2) : line).append('\n');
        }
        out.append("\n-- after the rewrite (EXPLAIN PRIVACY as ").append(user).append(")\n");
        for (String line : explain(shop.connect(user), query)) {
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** The lines of {@code EXPLAIN PRIVACY query}, which end with the rewritten plan. */
    private static List<String> explain(Connection c, String query) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("EXPLAIN PRIVACY " + query)) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        assertTrue(lines.contains("Rewritten plan:"), "EXPLAIN PRIVACY prints the rewritten plan");
        return lines;
    }
}
