package dev.veil.bench.tpch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TpchDataTest {
    @TempDir
    static Path dir;

    static Map<String, Path> files;

    @BeforeAll
    static void generate() throws IOException {
        // In three parts per big table, so the test checks that the parts add up to the whole.
        files = TpchData.generate(0.01, dir.resolve("sf001"), 3);
    }

    @Test
    void writesEightTablesWithTheSpecificationRowCounts() throws IOException {
        Map<String, Long> expected = Map.of(
                "region",
                5L,
                "nation",
                25L,
                "part",
                2_000L,
                "supplier",
                100L,
                "partsupp",
                8_000L,
                "customer",
                1_500L,
                "orders",
                15_000L,
                "lineitem",
                60_175L);
        assertEquals(TpchSchema.TABLES, List.copyOf(files.keySet()));
        for (String table : TpchSchema.TABLES) {
            Path file = files.get(table);
            assertEquals(table + ".tbl", file.getFileName().toString());
            try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
                assertEquals(expected.get(table), lines.count(), table);
            }
        }
    }

    @Test
    void everyLineHasOneFieldPerDdlColumnAndNoTrailingDelimiter() throws IOException {
        for (String table : TpchSchema.TABLES) {
            int columns = TpchTable.getTable(table).getColumns().size();
            assertEquals(columns, TpchSchema.createTable("tpch", table).split(" NOT NULL").length - 1, table);
            for (String line : Files.readAllLines(files.get(table), StandardCharsets.UTF_8)) {
                assertFalse(line.endsWith("|"), table + ": " + line);
                assertEquals(columns, line.split("\\|", -1).length, table + ": " + line);
            }
        }
    }

    @Test
    void linesMatchDbgenExceptTrailingDelimiterAndTwoDigitQuantities() throws IOException {
        for (String table : TpchSchema.TABLES) {
            Iterator<String> written =
                    Files.readAllLines(files.get(table), StandardCharsets.UTF_8).iterator();
            for (TpchEntity row : TpchTable.getTable(table).createGenerator(0.01, 1, 1)) {
                String dbgen = row.toLine().substring(0, row.toLine().length() - 1);
                if (table.equals("lineitem")) {
                    // dbgen writes l_quantity (the fifth field) as a whole number.
                    dbgen = dbgen.replaceFirst("^((?:[^|]*\\|){4}[0-9]+)\\|", "$1.00|");
                }
                assertEquals(dbgen, written.next(), table);
            }
            assertFalse(written.hasNext(), table);
        }
    }

    @Test
    void firstLineItemIsPlainText() throws IOException {
        assertEquals(
                "1|1552|93|1|17.00|24710.35|0.04|0.02|N|O|1996-03-13|1996-02-12|1996-03-22"
                        + "|DELIVER IN PERSON|TRUCK|egular courts above the",
                Files.readAllLines(files.get("lineitem"), StandardCharsets.UTF_8)
                        .get(0));
    }

    @Test
    void negativeBalancesKeepTheirSignAndTwoDigits() throws IOException {
        StringWriter out = new StringWriter();
        TpchData.write(TpchTable.CUSTOMER, 0.01, out);
        boolean negative = out.toString()
                .lines()
                .map(line -> line.split("\\|")[5])
                .anyMatch(balance -> balance.matches("-[0-9]+\\.[0-9]{2}"));
        assertEquals(true, negative);
    }

    @Test
    void rejectsNonPositiveScaleFactor() {
        assertThrows(IllegalArgumentException.class, () -> TpchData.generate(0, dir.resolve("zero")));
        assertThrows(IllegalArgumentException.class, () -> TpchData.generate(Double.NaN, dir.resolve("nan")));
    }
}
