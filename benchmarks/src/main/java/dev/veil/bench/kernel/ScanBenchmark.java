package dev.veil.bench.kernel;

import dev.veil.catalog.TableDef;
import dev.veil.session.Engine;
import dev.veil.storage.BatchScan;
import dev.veil.storage.Warehouse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scan, filter and aggregate over Arrow batches, on a Q6-shaped query over {@code rows} line items:
 * <ul>
 *   <li>{@code arrowKernel}: the storage layer's batch scan of the four columns with the filter and
 *       sum written by hand over the vectors' buffers: what reading the segments costs, and a bound
 *       on what Veil's operators can reach;</li>
 *   <li>{@code q6Embedded}: the same query through Veil's embedded JDBC driver (parse, plan,
 *       rewrite, execute, read the result), as a user runs it;</li>
 *   <li>{@code sumEmbedded}: a full-scan {@code SUM} of one decimal column the same way;</li>
 *   <li>{@code sumBigintEmbedded}: a full-scan {@code SUM} of one BIGINT column (a checked long sum).</li>
 * </ul>
 * Both embedded queries run as one {@code ArrowAggregateScan} (the engine's vectorized scan, filter
 * and aggregate), so the gap between {@code q6Embedded} and {@code arrowKernel} is that operator's
 * overhead (selection vectors, overflow checks, two threads) plus planning and JDBC.
 * Time per query; divide {@code rows} by it for rows per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.nio=ALL-UNNAMED")
public class ScanBenchmark {
    @Param("1000000")
    int rows;

    private LineItems data;
    private Engine engine;
    private Warehouse warehouse;
    private TableDef lineitem;
    private Connection connection;
    private int from;
    private int to;

    @Setup(Level.Trial)
    public void setUp() throws IOException, SQLException {
        data = LineItems.create(rows);
        connection = DriverManager.getConnection(data.url());
        // The storage scans share the engine (and so the open warehouse) of the embedded connection.
        engine = Engine.acquire(data.warehouse());
        warehouse = engine.warehouse();
        lineitem = warehouse.catalog().requireTable(LineItems.LINEITEM);
        from = (int) LocalDate.of(1994, 1, 1).toEpochDay();
        to = (int) LocalDate.of(1995, 1, 1).toEpochDay();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        engine.release();
        connection.close();
        data.close();
    }

    /** Q6's filter and sum by hand over the Arrow buffers of each batch; decimals are read as their unscaled longs. */
    @Benchmark
    public long arrowKernel() {
        long sum = 0;
        try (BatchScan scan =
                warehouse.scan(lineitem, warehouse.catalog().currentVersion(lineitem.id()), new int[] {1, 2, 3, 4})) {
            VectorSchemaRoot batch;
            while ((batch = scan.next()) != null) {
                DecimalVector quantity = (DecimalVector) batch.getVector(0);
                DecimalVector price = (DecimalVector) batch.getVector(1);
                DecimalVector discount = (DecimalVector) batch.getVector(2);
                DateDayVector shipdate = (DateDayVector) batch.getVector(3);
                ArrowBuf quantities = quantity.getDataBuffer();
                ArrowBuf prices = price.getDataBuffer();
                ArrowBuf discounts = discount.getDataBuffer();
                int count = batch.getRowCount();
                for (int i = 0; i < count; i++) {
                    int day = shipdate.get(i);
                    long off = (long) i * DecimalVector.TYPE_WIDTH;
                    long d = discounts.getLong(off);
                    if (day >= from && day < to && d >= 5 && d <= 7 && quantities.getLong(off) < 2400) {
                        sum += prices.getLong(off) * d;
                    }
                }
            }
        }
        return sum;
    }

    @Benchmark
    public Object q6Embedded() throws SQLException {
        return single(LineItems.Q6);
    }

    @Benchmark
    public Object sumEmbedded() throws SQLException {
        return single("SELECT SUM(l_extendedprice) FROM bench.lineitem");
    }

    @Benchmark
    public Object sumBigintEmbedded() throws SQLException {
        return single("SELECT SUM(l_orderkey) FROM bench.lineitem");
    }

    private Object single(String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getObject(1);
        }
    }
}
