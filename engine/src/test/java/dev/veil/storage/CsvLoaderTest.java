package dev.veil.storage;

import static dev.veil.storage.WarehouseTest.allColumns;
import static dev.veil.storage.WarehouseTest.createTable;
import static dev.veil.storage.WarehouseTest.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.VeilType;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvLoaderTest {
    @TempDir
    Path dir;

    @Test
    void everyTypeLoadsFromText() throws IOException {
        Path file = write("""
                b,i,l,d,m,big,s,day,ts
                true, 42 ,-9223372036854775808,1.5e-3,12345678.905,-1234567890123456789012345678.01234567891,"héllo, ""wörld""\",2024-02-29,2024-02-29 23:59:59.9999
                f,,7,-0,0.004,1e3,,1969-12-31,1970-01-01
                ,-2147483648,0,NaN,-.5,0,"",0001-01-01,1969-12-31T23:59:59.001
                """);
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef table = createTable(wh, "t", WarehouseTest.ALL_TYPES);
            LoadResult result =
                    CsvLoader.load(wh, table, file, CsvOptions.defaults().withHeader(true), LoadProgress.NONE);
            assertEquals(3, result.rows());
            assertEquals(Files.size(file), result.bytes());
            assertEquals(1, result.version().version());
            List<Object[]> rows = readAll(wh, table, allColumns(table));
            assertArrayEquals(
                    new Object[] {
                        true,
                        42,
                        Long.MIN_VALUE,
                        1.5e-3,
                        new BigDecimal("12345678.91"),
                        new BigDecimal("-1234567890123456789012345678.0123456789"),
                        "héllo, \"wörld\"",
                        (int) LocalDate.of(2024, 2, 29).toEpochDay(),
                        LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_000_000)
                                .toInstant(ZoneOffset.UTC)
                                .toEpochMilli()
                    },
                    rows.get(0));
            assertArrayEquals(
                    new Object[] {
                        false, null, 7L, -0.0, new BigDecimal("0.00"), new BigDecimal("1000.0000000000"), null, -1, 0L
                    },
                    rows.get(1));
            assertArrayEquals(
                    new Object[] {
                        null,
                        Integer.MIN_VALUE,
                        0L,
                        Double.NaN,
                        new BigDecimal("-0.50"),
                        new BigDecimal("0E-10"),
                        "",
                        (int) LocalDate.of(1, 1, 1).toEpochDay(),
                        -999L
                    },
                    rows.get(2));
        }
    }

    @Test
    void decimalsRoundHalfUpAndFitTheirPrecision() throws IOException {
        Path file = write("0.005\n-0.005\n999.994\n-999.995\n");
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef table = createTable(wh, "t", List.of(new Column("m", ColumnType.decimal(6, 2), true)));
            CsvLoader.load(wh, table, file, CsvOptions.defaults(), LoadProgress.NONE);
            assertEquals(
                    List.of(
                            new BigDecimal("0.01"),
                            new BigDecimal("-0.01"),
                            new BigDecimal("999.99"),
                            new BigDecimal("-1000.00")),
                    readAll(wh, table, new int[] {0}).stream().map(r -> r[0]).toList());
            Path tooBig = write("1.5\n12345.5\n");
            VeilException e = assertThrows(
                    VeilException.class,
                    () -> CsvLoader.load(wh, table, tooBig, CsvOptions.defaults(), LoadProgress.NONE));
            assertEquals(
                    tooBig + ":2: column 'm' (1st): expected DECIMAL(6,2), got a number with 5 digits before the point",
                    e.getMessage());
        }
    }

    @Test
    void badValueFailsWholeLoadWithLineNumberAndLeavesTableUnchanged() throws IOException {
        Path file = dir.resolve("orders.csv");
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("id,amount,note\n");
            for (int i = 1; i <= 60_000; i++) {
                // Line i + 1 holds record i; the record on line 50,001 has a bad amount.
                String amount = i == 50_000 ? "12.3x4" : (i % 1000) + ".25";
                out.write(i + "," + amount + ",\"note " + i + "\"\n");
            }
        }
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            wh.setSegmentLayout(4096, 2);
            TableDef table = createTable(
                    wh,
                    "orders",
                    List.of(
                            new Column("id", ColumnType.of(VeilType.BIGINT), false),
                            new Column("amount", ColumnType.decimal(12, 2), true),
                            new Column("note", ColumnType.of(VeilType.VARCHAR), true)));
            try (TableWriter writer = wh.newWriter(table)) {
                writer.append(new Object[] {0L, BigDecimal.ONE, "before"});
                writer.commit();
            }
            List<Path> filesBefore = dataFiles();
            VeilException e = assertThrows(
                    VeilException.class,
                    () -> CsvLoader.load(wh, table, file, CsvOptions.defaults().withHeader(true), LoadProgress.NONE));
            assertEquals(ErrorCode.BAD_INPUT_FILE, e.errorCode());
            assertEquals(
                    file + ":50001: column 'amount' (2nd): expected DECIMAL(12,2), got a value that is not a number",
                    e.getMessage());
            assertFalse(e.getMessage().contains("12.3x4"));
            assertEquals(1, wh.catalog().currentVersion(table.id()).version());
            assertEquals(1, wh.catalog().currentVersion(table.id()).rowCount());
            assertEquals(filesBefore, dataFiles());
        }
    }

    @Test
    void lineNumbersCountLineBreaksInsideQuotes() throws IOException {
        Path file = write("1,\"two\nlines\"\n2,\"three\r\nlines\r\nhere\"\nthree,x\n");
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef table = createTable(
                    wh,
                    "t",
                    List.of(
                            new Column("n", ColumnType.of(VeilType.INTEGER), true),
                            new Column("s", ColumnType.of(VeilType.VARCHAR), true)));
            VeilException e = assertThrows(
                    VeilException.class,
                    () -> CsvLoader.load(wh, table, file, CsvOptions.defaults(), LoadProgress.NONE));
            assertEquals(
                    file + ":6: column 'n' (1st): expected INTEGER, got a value that is not a number", e.getMessage());
        }
    }

    @Test
    void wrongFieldCountFailsNamingTheLine() throws IOException {
        Path file = write("1,a\n2,b\n3,c,extra\n");
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef table = createTable(
                    wh,
                    "t",
                    List.of(
                            new Column("n", ColumnType.of(VeilType.INTEGER), true),
                            new Column("s", ColumnType.of(VeilType.VARCHAR), true)));
            VeilException e = assertThrows(
                    VeilException.class,
                    () -> CsvLoader.load(wh, table, file, CsvOptions.defaults(), LoadProgress.NONE));
            assertEquals(ErrorCode.BAD_INPUT_FILE, e.errorCode());
            assertEquals(file + ":3: expected 2 fields, found 3", e.getMessage());
            assertEquals(0, wh.catalog().currentVersion(table.id()).rowCount());
        }
    }

    @Test
    void trailingDelimiterAndBlankLinesAreAccepted() throws IOException {
        Path file = write("1|a|\n\n2|b|\n");
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef table = createTable(
                    wh,
                    "t",
                    List.of(
                            new Column("n", ColumnType.of(VeilType.INTEGER), true),
                            new Column("s", ColumnType.of(VeilType.VARCHAR), true)));
            LoadResult result =
                    CsvLoader.load(wh, table, file, CsvOptions.defaults().withDelimiter('|'), LoadProgress.NONE);
            assertEquals(2, result.rows());
        }
    }

    @Test
    void nullHandlingDistinguishesQuotedEmptyText() throws IOException {
        Path file = write("a,,\"\",\\N,\"\\N\"\n");
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            List<Column> columns = new ArrayList<>();
            for (String name : List.of("c1", "c2", "c3", "c4", "c5")) {
                columns.add(new Column(name, ColumnType.of(VeilType.VARCHAR), true));
            }
            TableDef table = createTable(wh, "t", columns);
            CsvLoader.load(wh, table, file, CsvOptions.defaults().withNullString("\\N"), LoadProgress.NONE);
            assertArrayEquals(
                    new Object[] {"a", "", "", null, "\\N"},
                    readAll(wh, table, allColumns(table)).get(0));
        }
        Path numbers = write("1,,\"\"\n");
        try (Warehouse wh = Warehouse.create(dir.resolve("wh2"))) {
            List<Column> columns = new ArrayList<>();
            for (String name : List.of("c1", "c2", "c3")) {
                columns.add(new Column(name, ColumnType.of(VeilType.INTEGER), true));
            }
            TableDef table = createTable(wh, "t", columns);
            CsvLoader.load(wh, table, numbers, CsvOptions.defaults(), LoadProgress.NONE);
            assertArrayEquals(
                    new Object[] {1, null, null},
                    readAll(wh, table, allColumns(table)).get(0));
        }
    }

    @Test
    void nullInNotNullColumnFailsTheLoad() throws IOException {
        Path file = write("1\n\n3\n");
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef table = createTable(wh, "t", List.of(new Column("n", ColumnType.of(VeilType.INTEGER), false)));
            VeilException e = assertThrows(
                    VeilException.class,
                    () -> CsvLoader.load(wh, table, file, CsvOptions.defaults(), LoadProgress.NONE));
            assertEquals(ErrorCode.NOT_NULL_VIOLATION, e.errorCode());
            assertEquals(file + ":2: column 'n' (1st) is NOT NULL, got an empty or NULL value", e.getMessage());
        }
    }

    @Test
    void invalidUtf8IsRejected() throws IOException {
        Path file = dir.resolve("bad.csv");
        Files.write(file, new byte[] {'o', 'k', '\n', 'b', (byte) 0xC3, '\n'});
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef table = createTable(wh, "t", List.of(new Column("s", ColumnType.of(VeilType.VARCHAR), true)));
            VeilException e = assertThrows(
                    VeilException.class,
                    () -> CsvLoader.load(wh, table, file, CsvOptions.defaults(), LoadProgress.NONE));
            assertEquals(
                    file + ":2: column 's' (1st): expected VARCHAR, got text that is not valid UTF-8", e.getMessage());
        }
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("missing.csv");
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef table = createTable(wh, "t", List.of(new Column("s", ColumnType.of(VeilType.VARCHAR), true)));
            VeilException e = assertThrows(
                    VeilException.class,
                    () -> CsvLoader.load(wh, table, missing, CsvOptions.defaults(), LoadProgress.NONE));
            assertEquals(ErrorCode.FILE_NOT_FOUND, e.errorCode());
            assertEquals("File '" + missing + "' not found", e.getMessage());
            e = assertThrows(VeilException.class, () -> CsvLoader.inferColumns(missing, CsvOptions.defaults()));
            assertEquals(ErrorCode.FILE_NOT_FOUND, e.errorCode());
        }
    }

    @Test
    void progressIsReportedAndEndsAtTheWholeFile() throws IOException {
        Path file = dir.resolve("big.csv");
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (int i = 0; i < 100_000; i++) {
                out.write(i + "\n");
            }
        }
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef table = createTable(wh, "t", List.of(new Column("n", ColumnType.of(VeilType.INTEGER), true)));
            List<long[]> calls = new ArrayList<>();
            CsvLoader.load(
                    wh,
                    table,
                    file,
                    CsvOptions.defaults(),
                    (rows, bytes, total) -> calls.add(new long[] {rows, bytes, total}));
            assertTrue(!calls.isEmpty());
            long[] last = calls.get(calls.size() - 1);
            assertArrayEquals(new long[] {100_000, Files.size(file), Files.size(file)}, last);
        }
    }

    @Test
    void inferredColumnsLoadTheirOwnFile() throws IOException {
        Path file = write("id|price|day|name|\n1|12.50|2024-01-01|a|\n2|7|2024-01-02|\"b|c\"|\n");
        CsvOptions options = CsvOptions.defaults().withHeader(true).withDelimiter('|');
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef table = createTable(wh, "t", CsvLoader.inferColumns(file, options));
            CsvLoader.load(wh, table, file, options, LoadProgress.NONE);
            List<Object[]> rows = readAll(wh, table, allColumns(table));
            assertArrayEquals(
                    new Object[] {
                        2L,
                        new BigDecimal("7.00"),
                        (int) LocalDate.of(2024, 1, 2).toEpochDay(),
                        "b|c"
                    },
                    rows.get(1));
        }
    }

    private List<Path> dataFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("wh").resolve("data"))) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private Path write(String csv) throws IOException {
        Path file = Files.createTempFile(dir, "t", ".csv");
        Files.writeString(file, csv);
        return file;
    }
}
