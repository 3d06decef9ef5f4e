package dev.veil.exec.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.exec.runtime.ExecutionErrors;
import dev.veil.session.EmbeddedDriver;
import dev.veil.storage.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.runtime.SqlFunctions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Integer overflow above the privacy boundary is NUMERIC_OUT_OF_RANGE on every path that sums or
 * computes integers: the row path's aggregates and window sums ({@link CheckedSums}); and a division by zero is DIVISION_BY_ZERO however often the
 * JVM has seen one. The vectorized sums are in {@link VectorAggregateTest}.
 */
class IntegerOverflowTest {
    @TempDir
    Path dir;

    private Connection connection;
    private Statement statement;

    @BeforeEach
    void open() throws Exception {
        Path wh = dir.resolve("wh");
        try (Warehouse w = Warehouse.create(wh)) {
            w.catalog().createSchema("public", true);
        }
        connection = DriverManager.getConnection(EmbeddedDriver.PREFIX + wh);
        statement = connection.createStatement();
        statement.execute("CREATE SCHEMA s");
        statement.execute("CREATE TABLE s.t (k VARCHAR, m BIGINT, i INTEGER)");
        statement.execute("INSERT INTO s.t VALUES ('a', 9223372036854775807, 2147483647), "
                + "('a', 9223372036854775807, 2147483647), ('a', -9223372036854775807, -2147483647), "
                + "('b', -9223372036854775808, 1), ('b', NULL, NULL)");
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    private List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int c = 1; c <= columns; c++) {
                    row.append(c > 1 ? "|" : "").append(rs.getString(c));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    private void assertFails(ErrorCode code, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> rows(sql), sql);
        assertTrue(e.getMessage().contains(code.name()), sql + ": " + e.getMessage());
    }

    @Test
    void rowPathSumsAreExactAndFailWhenTheTotalDoesNotFit() throws SQLException {
        // FILTER keeps the row path (Calcite's generated aggregate code).
        assertEquals(
                List.of("a|9223372036854775807|2147483647", "b|-9223372036854775808|1"),
                rows("SELECT k, SUM(m) FILTER (WHERE k IS NOT NULL), SUM(i) FILTER (WHERE k IS NOT NULL) "
                        + "FROM s.t GROUP BY k ORDER BY k"));
        assertFails(ErrorCode.NUMERIC_OUT_OF_RANGE, "SELECT SUM(m) FILTER (WHERE m > 0) FROM s.t");
        assertFails(ErrorCode.NUMERIC_OUT_OF_RANGE, "SELECT k, AVG(m) FILTER (WHERE m > 0) FROM s.t GROUP BY k");
        assertFails(
                ErrorCode.NUMERIC_OUT_OF_RANGE,
                "SELECT SUM(DISTINCT m) FROM (SELECT m FROM s.t UNION ALL "
                        + "SELECT m - 1 FROM s.t WHERE m > 0) AS u WHERE m > 0");
        assertFails(
                ErrorCode.NUMERIC_OUT_OF_RANGE,
                "SELECT SUM(m) FROM (SELECT m FROM s.t WHERE m > 0 UNION ALL SELECT m FROM s.t WHERE m > 0) AS u");
        // An ordered aggregate (sorted input) sums the same way.
        assertFails(
                ErrorCode.NUMERIC_OUT_OF_RANGE,
                "SELECT k, SUM(m), LISTAGG(k) WITHIN GROUP (ORDER BY m) FROM s.t " + "WHERE m > 0 GROUP BY k");
    }

    @Test
    void windowSumsFailWhenARunningTotalDoesNotFit() throws SQLException {
        assertFails(ErrorCode.NUMERIC_OUT_OF_RANGE, "SELECT k, SUM(m) OVER (PARTITION BY k ORDER BY m DESC) FROM s.t");
        assertFails(ErrorCode.NUMERIC_OUT_OF_RANGE, "SELECT k, SUM(m) OVER () FROM s.t WHERE m > 0");
        assertFails(ErrorCode.NUMERIC_OUT_OF_RANGE, "SELECT k, AVG(m) OVER (PARTITION BY k) FROM s.t WHERE m > 0");
        assertEquals(
                List.of("a|9223372036854775807", "a|9223372036854775807", "a|9223372036854775807"),
                rows("SELECT k, SUM(m) OVER (PARTITION BY k) FROM s.t WHERE k = 'a'"));
        assertEquals(
                List.of("-2147483647", "0", "2147483647"),
                rows("SELECT SUM(i) OVER (ORDER BY i ROWS BETWEEN "
                        + "UNBOUNDED PRECEDING AND CURRENT ROW) FROM s.t WHERE k = 'a' ORDER BY 1"));
    }

    @Test
    void theCarryOfALongSumIsExactWhateverTheOrder() {
        long[] values = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, 5, -3};
        long sum = 0;
        long carries = 0;
        for (long v : values) {
            carries += CheckedSums.carry(sum, v);
            sum += v;
        }
        assertEquals(0, carries);
        assertEquals(0, CheckedSums.total(sum, carries));
        assertEquals(1, CheckedSums.carry(Long.MAX_VALUE, 1));
        assertEquals(-1, CheckedSums.carry(Long.MIN_VALUE, -1));
        assertEquals(0, CheckedSums.carry(Long.MIN_VALUE, Long.MAX_VALUE));
        assertThrows(ArithmeticException.class, () -> CheckedSums.total(5, 1));
    }

    /**
     * The root cause of {@code SELECT 1/0} failing with NUMERIC_OUT_OF_RANGE in the full test
     * suite: once compiled code has thrown the JVM's own division-by-zero many times (the
     * fuzzers divide by zero on thousands of protected rows, where it becomes NULL), HotSpot
     * throws a preallocated ArithmeticException without a message from there on
     * (OmitStackTraceInFastThrow). Calcite's {@code checkedDivide} is shared by every statement,
     * so the error code of a later statement depended on what ran before it.
     */
    @Test
    void divisionByZeroStaysDivisionByZeroAfterTheJvmDropsItsMessage() throws SQLException {
        boolean messageDropped = false;
        for (int i = 0; i < 1_000_000 && !messageDropped; i++) {
            try {
                SqlFunctions.checkedDivide(1, zero(i));
            } catch (ArithmeticException e) {
                messageDropped = e.getMessage() == null;
            }
        }
        for (int i = 0; i < 200_000; i++) {
            try {
                SqlFunctions.checkedDivide(1L, (long) zero(i));
            } catch (ArithmeticException e) {
                // warms the long form the same way
            }
        }
        // The JVM in use drops the message (HotSpot does by default); the statements below would
        // have been NUMERIC_OUT_OF_RANGE.
        assertTrue(messageDropped, "the JVM never dropped the message of a division by zero");
        assertEquals(
                ErrorCode.DIVISION_BY_ZERO,
                ExecutionErrors.translate(new ArithmeticException()).errorCode());
        for (String sql : List.of(
                "SELECT 1/0",
                "SELECT 1 + 1 / (2 - 2)",
                "SELECT i / (i - i) FROM s.t",
                "SELECT m / 0 FROM s.t",
                "SELECT MOD(i, 0) FROM s.t")) {
            assertFails(ErrorCode.DIVISION_BY_ZERO, sql);
        }
        assertFails(ErrorCode.NUMERIC_OUT_OF_RANGE, "SELECT m / -1 FROM s.t WHERE k = 'b'");
    }

    private static int zero(int i) {
        return i & 0;
    }
}
