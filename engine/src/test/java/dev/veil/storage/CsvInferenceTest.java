package dev.veil.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.VeilType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvInferenceTest {
    @TempDir
    Path dir;

    @Test
    void eachColumnGetsATypeHoldingAllItsValuesWithHeadroom() throws IOException {
        Path file = write("""
                flag,small,large,price,ratio,day,at,code,name,empty,huge,mixed
                true,1,3000000000,12.50,1.5e3,2024-02-29,2024-02-29 10:00:00,007,alice,,123456789012345678901234,2024-01-01
                FALSE,-2,4,7,2.25,1999-12-31,2024-03-01T00:00:00.123,12,bob,,1,2024-01-01 12:00:00
                ,,,-0.125,-3,,2024-03-02,,,,,
                """);
        assertEquals(
                List.of(
                        column("flag", ColumnType.of(VeilType.BOOLEAN)),
                        column("small", ColumnType.of(VeilType.BIGINT)),
                        column("large", ColumnType.of(VeilType.BIGINT)),
                        column("price", ColumnType.decimal(18, 3)),
                        column("ratio", ColumnType.of(VeilType.DOUBLE)),
                        column("day", ColumnType.of(VeilType.DATE)),
                        column("at", ColumnType.of(VeilType.TIMESTAMP)),
                        column("code", ColumnType.of(VeilType.VARCHAR)),
                        column("name", ColumnType.of(VeilType.VARCHAR)),
                        column("empty", ColumnType.of(VeilType.VARCHAR)),
                        column("huge", ColumnType.decimal(38, 0)),
                        column("mixed", ColumnType.of(VeilType.TIMESTAMP))),
                CsvLoader.inferColumns(file, CsvOptions.defaults().withHeader(true)));
    }

    @Test
    void tooWideDecimalsAndExponentsBecomeDouble() throws IOException {
        Path file = write("1.5,1" + "0".repeat(30) + ".12345678901\n2,1E5\n");
        assertEquals(
                List.of(
                        column("column1", ColumnType.decimal(18, 1)),
                        column("column2", ColumnType.of(VeilType.DOUBLE))),
                CsvLoader.inferColumns(file, CsvOptions.defaults()));
        Path wide = write("1" + "0".repeat(30) + ".12345678901\n");
        assertEquals(
                List.of(column("column1", ColumnType.of(VeilType.DOUBLE))),
                CsvLoader.inferColumns(wide, CsvOptions.defaults()));
    }

    @Test
    void numbersGetHeadroomSoThatTheNextLoadWithLargerValuesFits() throws IOException {
        Path file = write("price,qty,wide\n9.99,3,12345678901234567.8\n12.5,40,1.25\n");
        assertEquals(
                List.of(
                        column("price", ColumnType.decimal(18, 2)),
                        column("qty", ColumnType.of(VeilType.BIGINT)),
                        column("wide", ColumnType.decimal(38, 2))),
                CsvLoader.inferColumns(file, CsvOptions.defaults().withHeader(true)));
    }

    @Test
    void headerNamesBecomeIdentifiers() throws IOException {
        Path file = write("Order ID,order id,2nd,,Prix (€),\"a,b\"\n1,2,3,4,5,6\n");
        assertEquals(
                List.of("order_id", "order_id_2", "_2nd", "column4", "prix____", "a_b"),
                CsvLoader.inferColumns(file, CsvOptions.defaults().withHeader(true)).stream()
                        .map(Column::name)
                        .toList());
    }

    @Test
    void trailingDelimiterColumnIsDropped() throws IOException {
        Path file = write("1|a|2024-01-01|\n2|b|2024-01-02|\n");
        assertEquals(
                List.of(
                        column("column1", ColumnType.of(VeilType.BIGINT)),
                        column("column2", ColumnType.of(VeilType.VARCHAR)),
                        column("column3", ColumnType.of(VeilType.DATE))),
                CsvLoader.inferColumns(file, CsvOptions.defaults().withDelimiter('|')));
    }

    @Test
    void nullMarkerIsIgnoredForTypes() throws IOException {
        Path file = write("x\n\\N\n5\n");
        assertEquals(
                List.of(column("x", ColumnType.of(VeilType.BIGINT))),
                CsvLoader.inferColumns(
                        file, CsvOptions.defaults().withHeader(true).withNullString("\\N")));
    }

    @Test
    void impossibleDatesAreText() throws IOException {
        Path file = write("2023-02-29\n2023-01-01\n");
        assertEquals(
                List.of(column("column1", ColumnType.of(VeilType.VARCHAR))),
                CsvLoader.inferColumns(file, CsvOptions.defaults()));
    }

    @Test
    void inconsistentRecordFailsNamingItsLine() throws IOException {
        Path file = write("a,b\n1,2\n3\n");
        VeilException e = assertThrows(
                VeilException.class,
                () -> CsvLoader.inferColumns(file, CsvOptions.defaults().withHeader(true)));
        assertEquals(ErrorCode.BAD_INPUT_FILE, e.errorCode());
        assertEquals(file + ":3: expected 2 fields, found 1", e.getMessage());
    }

    @Test
    void emptyFileHasNothingToInfer() throws IOException {
        Path file = write("");
        VeilException e = assertThrows(VeilException.class, () -> CsvLoader.inferColumns(file, CsvOptions.defaults()));
        assertEquals(ErrorCode.BAD_INPUT_FILE, e.errorCode());
    }

    private static Column column(String name, ColumnType type) {
        return new Column(name, type, true);
    }

    private Path write(String csv) throws IOException {
        Path file = Files.createTempFile(dir, "t", ".csv");
        Files.writeString(file, csv);
        return file;
    }
}
