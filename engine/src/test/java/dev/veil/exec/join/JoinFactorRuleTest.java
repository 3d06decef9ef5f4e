package dev.veil.exec.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.session.EmbeddedWarehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An OR in an inner join's condition that restricts a column of one input in every branch (TPC-H
 * Q7's two nations, as the privacy rewrite leaves it: in the join, not in a filter) gives that
 * input's scan the OR of those restrictions, and the rows stay those of the query as written.
 */
class JoinFactorRuleTest {
    @TempDir
    Path dir;

    private EmbeddedWarehouse warehouse;
    private Statement statement;

    @BeforeEach
    void open() throws Exception {
        warehouse = EmbeddedWarehouse.create(dir);
        statement = warehouse.statement();
        statement.execute("CREATE SCHEMA s");
        statement.execute("CREATE TABLE s.sales (sale_id BIGINT NOT NULL, store_id BIGINT NOT NULL, "
                + "amount DECIMAL(12,2) NOT NULL)");
        statement.execute("CREATE TABLE s.store (store_id BIGINT NOT NULL, region_id BIGINT NOT NULL, name VARCHAR)");
        statement.execute("CREATE TABLE s.region (region_id BIGINT NOT NULL, name VARCHAR NOT NULL)");
        load("sales", 5_000, i -> i + "," + (i % 500) + "," + (i % 97) + ".25");
        load("store", 500, i -> i + "," + (i % 25) + ",store " + (i % 7));
        load("region", 25, i -> i + ",region " + i);
    }

    private interface Line {
        String of(int i);
    }

    private void load(String table, int rows, Line line) throws IOException, SQLException {
        warehouse.load("s", table, EmbeddedWarehouse.lines(rows, line::of), "HEADER = FALSE");
    }

    @AfterEach
    void close() throws Exception {
        warehouse.close();
    }

    private List<String> lines(String sql) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return lines;
    }

    private static final String OR =
            "((r.name = 'region 3' AND d.name = 'store 1') " + "OR (r.name = 'region 4' AND d.name = 'store 2'))";

    @Test
    void anOrInAJoinConditionRestrictsTheScansOfItsColumns() throws SQLException {
        String joined = "SELECT COUNT(*), SUM(f.amount) FROM s.sales f JOIN s.store d ON f.store_id = d.store_id "
                + "JOIN s.region r ON d.region_id = r.region_id AND " + OR;
        String written = "SELECT COUNT(*), SUM(f.amount) FROM s.sales f, s.store d, s.region r "
                + "WHERE f.store_id = d.store_id AND d.region_id = r.region_id AND " + OR;
        List<String> plan = lines("EXPLAIN PLAN FOR " + joined);
        String text = String.join("\n", plan);
        String region = plan.stream()
                .filter(l -> l.contains("[[s, region]]"))
                .findFirst()
                .orElseThrow();
        String store = plan.stream()
                .filter(l -> l.contains("[[s, store]]"))
                .findFirst()
                .orElseThrow();
        assertTrue(region.contains("filter=") && region.contains("region 3") && region.contains("region 4"), text);
        assertTrue(store.contains("filter=") && store.contains("store 1") && store.contains("store 2"), text);
        List<String> rows = lines(joined.replace(
                "COUNT(*), SUM(f.amount)", "CAST(COUNT(*) AS VARCHAR) || '/' || " + "CAST(SUM(f.amount) AS VARCHAR)"));
        List<String> expected = lines(written.replace(
                "COUNT(*), SUM(f.amount)", "CAST(COUNT(*) AS VARCHAR) || '/' || " + "CAST(SUM(f.amount) AS VARCHAR)"));
        assertEquals(expected, rows);
        assertFalse(rows.get(0).startsWith("0/"), "the OR keeps some rows: " + rows);
    }
}
