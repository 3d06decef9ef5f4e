package dev.veil.storage;

import static dev.veil.storage.WarehouseTest.allColumns;
import static dev.veil.storage.WarehouseTest.createTable;
import static dev.veil.storage.WarehouseTest.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.VeilType;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet files written by another engine (DuckDB) load with their types; Veil's own files read back in DuckDB. */
class ParquetFileLoaderTest {
    @TempDir
    Path dir;

    private void duckdb(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private Path foreign() throws SQLException {
        Path file = dir.resolve("foreign.parquet");
        duckdb("COPY (SELECT * FROM (VALUES"
                + " (1::TINYINT, 40000::USMALLINT, 5000000000::BIGINT, 1.5::FLOAT, -12.345::DECIMAL(10,3), 'ünï',"
                + "  DATE '2022-01-08', TIMESTAMP '2022-01-08 00:00:01.234567', true, 3000000000::UINTEGER),"
                + " (NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL))"
                + " t(Tiny, u16, big, f32, amount, label, day, ts, ok, u32)) TO '" + file + "' (FORMAT PARQUET)");
        return file;
    }

    @Test
    void foreignParquetTypesMapToVeilTypes() throws Exception {
        Path file = foreign();
        assertEquals(
                List.of(
                        new Column("tiny", ColumnType.of(VeilType.INTEGER), true),
                        new Column("u16", ColumnType.of(VeilType.INTEGER), true),
                        new Column("big", ColumnType.of(VeilType.BIGINT), true),
                        new Column("f32", ColumnType.of(VeilType.DOUBLE), true),
                        new Column("amount", ColumnType.decimal(10, 3), true),
                        new Column("label", ColumnType.of(VeilType.VARCHAR), true),
                        new Column("day", ColumnType.of(VeilType.DATE), true),
                        new Column("ts", ColumnType.of(VeilType.TIMESTAMP), true),
                        new Column("ok", ColumnType.of(VeilType.BOOLEAN), true),
                        new Column("u32", ColumnType.of(VeilType.BIGINT), true)),
                ParquetFileLoader.inferColumns(List.of(file)));
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef table = createTable(wh, "t", ParquetFileLoader.inferColumns(List.of(file)));
            LoadResult result = ParquetFileLoader.load(wh, table, List.of(file), LoadProgress.NONE);
            assertEquals(2, result.rows());
            List<Object[]> rows = readAll(wh, table, allColumns(table));
            assertArrayEquals(
                    new Object[] {
                        1,
                        40000,
                        5_000_000_000L,
                        1.5,
                        new BigDecimal("-12.345"),
                        "ünï",
                        19_000,
                        19_000 * 86_400_000L + 1_234L,
                        true,
                        3_000_000_000L
                    },
                    rows.get(0));
            assertArrayEquals(new Object[] {null, null, 0L, null, null, null, null, null, null, null}, rows.get(1));
        }
    }

    @Test
    void aFolderOrPatternLoadsEveryFileInOneVersion() throws Exception {
        Path folder = dir.resolve("lake");
        duckdb("COPY (SELECT i AS id, i % 3 AS part FROM range(1000) t(i)) TO '" + folder
                + "' (FORMAT PARQUET, PARTITION_BY (part))");
        List<Path> files = InputFiles.resolve(folder.toString(), ".parquet");
        assertEquals(3, files.size());
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef table = createTable(wh, "t", ParquetFileLoader.inferColumns(files));
            assertEquals(1, table.columns().size(), "partition columns live in folder names, not in the files");
            assertEquals(
                    1000,
                    ParquetFileLoader.load(wh, table, files, LoadProgress.NONE).rows());
            long sum = 0;
            for (Object[] row : readAll(wh, table, allColumns(table))) {
                sum += (Long) row[0];
            }
            assertEquals(999L * 1000 / 2, sum);
        }
        List<Path> pattern =
                InputFiles.resolve(folder.resolve("part=1").resolve("*.parquet").toString(), ".parquet");
        assertEquals(1, pattern.size());
    }

    @Test
    void nestedTypesAndDamagedFilesFailClearly() throws Exception {
        Path nested = dir.resolve("nested.parquet");
        duckdb("COPY (SELECT 1 AS id, [1, 2] AS list) TO '" + nested + "' (FORMAT PARQUET)");
        VeilException e = assertThrows(VeilException.class, () -> ParquetFileLoader.inferColumns(List.of(nested)));
        assertEquals(ErrorCode.NOT_SUPPORTED, e.errorCode());
        assertTrue(e.getMessage().contains("field 'list'"), e.getMessage());

        Path damaged = dir.resolve("damaged.parquet");
        byte[] good = Files.readAllBytes(foreign());
        Files.write(damaged, java.util.Arrays.copyOf(good, good.length / 2));
        e = assertThrows(VeilException.class, () -> ParquetFileLoader.inferColumns(List.of(damaged)));
        assertEquals(ErrorCode.BAD_INPUT_FILE, e.errorCode());
        assertTrue(e.getMessage().contains("not a readable Parquet file"), e.getMessage());
    }

    @Test
    void writtenFilesReadBackInDuckDb() throws IOException, SQLException {
        List<Column> columns = List.of(
                new Column("id", ColumnType.of(VeilType.BIGINT), false),
                new Column("name", ColumnType.of(VeilType.VARCHAR), true),
                new Column("price", ColumnType.decimal(12, 2), true),
                new Column("day", ColumnType.of(VeilType.DATE), true),
                new Column("at", ColumnType.of(VeilType.TIMESTAMP), true));
        List<Object[]> rows = new ArrayList<>();
        for (long i = 0; i < 20_000; i++) {
            rows.add(new Object[] {i, i % 7 == 0 ? null : "n" + i, BigDecimal.valueOf(i, 2), (int) (i % 365), i * 1000L
            });
        }
        Path work = Files.createDirectory(dir.resolve("work"));
        Path out = dir.resolve("out.parquet");
        try (BufferAllocator allocator = new RootAllocator()) {
            Iterator<Object[]> it = rows.iterator();
            assertEquals(20_000, ParquetFileWriter.write(allocator, columns, it, work, out));
            assertEquals(0, allocator.getAllocatedMemory());
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement();
                var r = s.executeQuery(
                        "SELECT count(*), count(name), sum(price), max(day), max(\"at\") FROM '" + out + "'")) {
            r.next();
            assertEquals(20_000, r.getLong(1));
            assertEquals(20_000 - 2858, r.getLong(2));
            assertEquals(new BigDecimal("1999900.00"), r.getBigDecimal(3));
            assertEquals("1970-12-31", r.getString(4));
            assertEquals("1970-01-01 05:33:19.0", r.getString(5));
        }
    }
}
