package dev.veil.bench.kernel;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Planning and privacy-rewrite time of one join-and-aggregate query, without reading any data:
 * <ul>
 *   <li>{@code planAsAdmin}: {@code EXPLAIN PLAN FOR} as the administrator: parse, validate,
 *       convert, optimize (no policies apply);</li>
 *   <li>{@code explainPrivacyAsAnalyst}: {@code EXPLAIN PRIVACY} as an analyst, with orders'
 *       customer as the privacy unit reached from the line items and a minimum group size: the
 *       same, plus the privacy rewrite.</li>
 * </ul>
 * The difference between the two is what the rewrite costs per statement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.nio=ALL-UNNAMED")
public class PlanBenchmark {
    private static final String QUERY = "SELECT o_orderpriority, COUNT(*), SUM(l_extendedprice * (1 - l_discount)) "
            + "FROM bench.orders JOIN bench.lineitem ON o_orderkey = l_orderkey "
            + "WHERE l_shipdate >= DATE '1994-01-01' AND l_quantity < 24 "
            + "GROUP BY o_orderpriority ORDER BY o_orderpriority";

    private LineItems data;
    private Connection admin;
    private Connection analyst;

    @Setup(Level.Trial)
    public void setUp() throws IOException, SQLException {
        data = LineItems.create(1000);
        admin = DriverManager.getConnection(data.url());
        try (Statement statement = admin.createStatement()) {
            statement.execute("CREATE USER admin PASSWORD 'bench-admin-password' ROLE admin");
            statement.execute("CREATE USER jmh_analyst PASSWORD 'bench-analyst-password'");
            statement.execute("ALTER TABLE bench.orders SET PRIVACY UNIT (o_custkey)");
            statement.execute("ALTER TABLE bench.lineitem SET PRIVACY UNIT VIA (l_orderkey) "
                    + "REFERENCES bench.orders (o_orderkey)");
            statement.execute("ALTER TABLE bench.orders SET MIN GROUP SIZE 10");
            statement.execute("ALTER TABLE bench.lineitem SET MIN GROUP SIZE 10");
        }
        analyst = DriverManager.getConnection(data.url() + ";user=jmh_analyst");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        analyst.close();
        admin.close();
        data.close();
    }

    @Benchmark
    public int planAsAdmin() throws SQLException {
        return lines(admin, "EXPLAIN PLAN FOR " + QUERY);
    }

    @Benchmark
    public int explainPrivacyAsAnalyst() throws SQLException {
        return lines(analyst, "EXPLAIN PRIVACY " + QUERY);
    }

    private static int lines(Connection connection, String sql) throws SQLException {
        int lines = 0;
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                lines += result.getString(1).length();
            }
        }
        return lines;
    }
}
