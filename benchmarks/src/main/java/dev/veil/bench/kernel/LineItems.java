package dev.veil.bench.kernel;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.catalog.VeilType;
import dev.veil.storage.TableWriter;
import dev.veil.storage.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A warehouse in a temporary folder holding {@code bench.lineitem}: the four line-item columns
 * that TPC-H Q6 reads plus the order key, with values drawn (from a fixed seed) from the TPC-H
 * ranges, and {@code bench.orders} with a customer key per order, so that a privacy unit can be
 * set. Written straight through the storage layer, which is faster than generating TPC-H.
 */
final class LineItems implements AutoCloseable {
    static final TableName LINEITEM = new TableName("bench", "lineitem");
    static final TableName ORDERS = new TableName("bench", "orders");
    /** Q6 over the synthetic table: scan, filter on three columns, sum of a product. */
    static final String Q6 = "SELECT SUM(l_extendedprice * l_discount) FROM bench.lineitem "
            + "WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01' "
            + "AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24";

    private static final int ROWS_PER_ORDER = 4;

    private final Path dir;

    private LineItems(Path dir) {
        this.dir = requireNonNull(dir, "dir is null");
    }

    /** Creates the warehouse with {@code rows} line items and closes it again; {@link #close} deletes it. */
    static LineItems create(int rows) throws IOException {
        Path dir = Files.createTempDirectory("veil-jmh");
        try (Warehouse warehouse = Warehouse.create(dir.resolve("wh"))) {
            warehouse.catalog().createSchema("bench", true);
            TableDef lineitem = warehouse
                    .catalog()
                    .createTable(
                            LINEITEM,
                            List.of(
                                    new Column("l_orderkey", ColumnType.of(VeilType.BIGINT), false),
                                    new Column("l_quantity", ColumnType.decimal(15, 2), false),
                                    new Column("l_extendedprice", ColumnType.decimal(15, 2), false),
                                    new Column("l_discount", ColumnType.decimal(15, 2), false),
                                    new Column("l_shipdate", ColumnType.of(VeilType.DATE), false)),
                            false);
            TableDef orders = warehouse
                    .catalog()
                    .createTable(
                            ORDERS,
                            List.of(
                                    new Column("o_orderkey", ColumnType.of(VeilType.BIGINT), false),
                                    new Column("o_custkey", ColumnType.of(VeilType.BIGINT), false),
                                    new Column("o_orderpriority", ColumnType.of(VeilType.VARCHAR), false)),
                            false);
            SplittableRandom random = new SplittableRandom(20240601);
            long firstDay = LocalDate.of(1992, 1, 2).toEpochDay();
            try (TableWriter writer = warehouse.newWriter(lineitem)) {
                for (int i = 0; i < rows; i++) {
                    long quantity = random.nextLong(1, 51);
                    writer.append(new Object[] {
                        (long) (i / ROWS_PER_ORDER),
                        BigDecimal.valueOf(quantity * 100, 2),
                        BigDecimal.valueOf(quantity * random.nextLong(90_000, 210_000), 2),
                        BigDecimal.valueOf(random.nextLong(0, 11), 2),
                        LocalDate.ofEpochDay(firstDay + random.nextLong(0, 2_526))
                    });
                }
                writer.commit();
            }
            try (TableWriter writer = warehouse.newWriter(orders)) {
                String[] priorities = {"1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"};
                for (int i = 0; i < (rows + ROWS_PER_ORDER - 1) / ROWS_PER_ORDER; i++) {
                    writer.append(new Object[] {
                        (long) i,
                        random.nextLong(0, Math.max(1, rows / 40)),
                        priorities[random.nextInt(priorities.length)]
                    });
                }
                writer.commit();
            }
        }
        return new LineItems(dir);
    }

    /** The warehouse folder. */
    Path warehouse() {
        return dir.resolve("wh");
    }

    /** The embedded JDBC URL of the warehouse. */
    String url() {
        return "jdbc:veil:embedded:" + warehouse().toAbsolutePath();
    }

    @Override
    public void close() {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir, e);
        }
    }
}
