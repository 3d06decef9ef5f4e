package dev.veil.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
    @TempDir
    Path dir;

    /** A record as read: its line and its fields, a quoted field marked with a leading '"'. */
    private record Rec(long line, List<String> fields) {}

    @Test
    void quotedFieldsHoldDelimitersQuotesAndLineBreaks() throws IOException {
        String csv = "a,\"b,c\",\"say \"\"hi\"\"\"\r\n" + "\"multi\nline\",,\"\"\n" + "x\"y,z\n" + "last,no,newline";
        assertEquals(
                List.of(
                        new Rec(1, List.of("a", "\"b,c", "\"say \"hi\"")),
                        new Rec(2, List.of("\"multi\nline", "", "\"")),
                        new Rec(4, List.of("x\"y", "z")),
                        new Rec(5, List.of("last", "no", "newline"))),
                read(csv, CsvOptions.defaults(), 1 << 16));
    }

    @Test
    void everyLineEndingIsAccepted() throws IOException {
        assertEquals(
                List.of(
                        new Rec(1, List.of("a", "b")),
                        new Rec(2, List.of("c", "d")),
                        new Rec(3, List.of("e", "f")),
                        new Rec(4, List.of("g", "h"))),
                read("a,b\r\nc,d\ne,f\rg,h\r\n", CsvOptions.defaults(), 1 << 16));
    }

    @Test
    void byteOrderMarkIsSkipped() throws IOException {
        assertEquals(List.of(new Rec(1, List.of("a", "b"))), read("\uFEFFa,b\n", CsvOptions.defaults(), 1 << 16));
    }

    @Test
    void trailingDelimiterYieldsAnEmptyLastField() throws IOException {
        assertEquals(
                List.of(new Rec(1, List.of("1", "2", "")), new Rec(2, List.of("3", "4", ""))),
                read("1|2|\n3|4|", CsvOptions.defaults().withDelimiter('|'), 1 << 16));
    }

    @Test
    void blankLinesAreSkippedOnlyWhenAsked() throws IOException {
        Path file = write("a,b\n\nc,d\n");
        try (CsvReader reader = reader(file, CsvOptions.defaults(), 1 << 16)) {
            reader.skipBlankLines(true);
            List<Long> lines = new ArrayList<>();
            while (reader.next()) {
                lines.add(reader.line());
            }
            assertEquals(List.of(1L, 3L), lines);
        }
        assertEquals(
                List.of(new Rec(1, List.of("x")), new Rec(2, List.of("")), new Rec(3, List.of("y"))),
                read("x\n\ny\n", CsvOptions.defaults(), 1 << 16));
    }

    @Test
    void recordsAreTheSameWhateverTheBufferSize() throws IOException {
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            csv.append(i)
                    .append(",\"q")
                    .append(i % 7 == 0 ? "\"\"" : "")
                    .append(i % 5 == 0 ? "\r\n" : ",")
                    .append("x\"")
                    .append(',')
                    .append(i % 3 == 0 ? "" : "tail")
                    .append(i % 2 == 0 ? "\r\n" : "\n");
        }
        List<Rec> expected = read(csv.toString(), CsvOptions.defaults(), 1 << 16);
        assertEquals(200, expected.size());
        for (int size = 1; size <= 40; size++) {
            assertEquals(expected, read(csv.toString(), CsvOptions.defaults(), size), "buffer of " + size + " bytes");
        }
    }

    @Test
    void unclosedQuoteIsReportedWithItsLine() throws IOException {
        Path file = write("a,b\nc,\"open\nstill open\n");
        VeilException e = assertThrows(VeilException.class, () -> drain(file));
        assertEquals(ErrorCode.BAD_INPUT_FILE, e.errorCode());
        assertEquals(file + ":2: a quoted field (the 2nd) is never closed", e.getMessage());
    }

    @Test
    void textAfterClosingQuoteIsAnError() throws IOException {
        Path file = write("a,b\n\"x\"y,z\n");
        VeilException e = assertThrows(VeilException.class, () -> drain(file));
        assertEquals(file + ":2: unexpected text after the closing quote of the 1st field", e.getMessage());
    }

    @Test
    void overlongRecordFailsInsteadOfFillingMemory() throws IOException {
        Path file = write("\"" + "x".repeat(5000));
        try (CsvReader reader = new CsvReader(
                FileChannel.open(file, StandardOpenOption.READ), file.toString(), CsvOptions.defaults(), 64, 1024)) {
            VeilException e = assertThrows(VeilException.class, reader::next);
            assertEquals(ErrorCode.BAD_INPUT_FILE, e.errorCode());
        }
    }

    private void drain(Path file) throws IOException {
        try (CsvReader reader = reader(file, CsvOptions.defaults(), 1 << 16)) {
            while (reader.next()) {
                // read on
            }
        }
    }

    private List<Rec> read(String csv, CsvOptions options, int bufferSize) throws IOException {
        Path file = write(csv);
        List<Rec> records = new ArrayList<>();
        try (CsvReader reader = reader(file, options, bufferSize)) {
            while (reader.next()) {
                List<String> fields = new ArrayList<>();
                for (int i = 0; i < reader.fieldCount(); i++) {
                    String text = new String(
                            reader.buffer(), reader.start(i), reader.end(i) - reader.start(i), StandardCharsets.UTF_8);
                    fields.add(reader.quoted(i) ? "\"" + text : text);
                }
                records.add(new Rec(reader.line(), fields));
            }
        }
        return records;
    }

    private CsvReader reader(Path file, CsvOptions options, int bufferSize) throws IOException {
        return new CsvReader(
                FileChannel.open(file, StandardOpenOption.READ),
                file.toString(),
                options,
                bufferSize,
                CsvReader.MAX_RECORD_BYTES);
    }

    private Path write(String csv) throws IOException {
        Path file = Files.createTempFile(dir, "t", ".csv");
        Files.writeString(file, csv, StandardCharsets.UTF_8);
        return file;
    }
}
