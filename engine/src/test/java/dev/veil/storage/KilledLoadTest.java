package dev.veil.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.SegmentInfo;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.catalog.VeilType;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A load killed with SIGKILL half way leaves the table as it was, and the next open removes its files. */
class KilledLoadTest {
    @TempDir
    Path dir;

    @Test
    void loadKilledHalfWayLeavesTableUnchangedAndOrphansAreRemoved() throws Exception {
        Path warehouse = dir.resolve("wh");
        Path csv = dir.resolve("big.csv");
        try (BufferedWriter out = Files.newBufferedWriter(csv)) {
            for (int i = 0; i < 2_000_000; i++) {
                out.write(i + ",name" + (i % 1000) + "\n");
            }
        }
        Set<String> committed;
        try (Warehouse wh = Warehouse.create(warehouse)) {
            TableDef table = WarehouseTest.createTable(
                    wh,
                    "t",
                    List.of(
                            new Column("id", ColumnType.of(VeilType.BIGINT), false),
                            new Column("name", ColumnType.of(VeilType.VARCHAR), true)));
            try (TableWriter writer = wh.newWriter(table)) {
                writer.append(new Object[] {-1L, "before"});
                writer.commit();
            }
            committed = wh.catalog().currentVersion(table.id()).segments().stream()
                    .map(SegmentInfo::path)
                    .collect(Collectors.toSet());
        }

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(
                        java.toString(),
                        "--add-opens=java.base/java.nio=ALL-UNNAMED",
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        KilledLoadChild.class.getName(),
                        warehouse.toString(),
                        csv.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("loading") && !line.equals("done"));
            assertTrue(line != null && line.startsWith("loading"), "the child should be mid-load, said: " + line);
            assertTrue(segmentFiles(warehouse).size() > committed.size(), "the child has written segments");
        } finally {
            child.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no finally blocks
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, child.exitValue()); // 128 + SIGKILL

        try (Warehouse wh = Warehouse.open(warehouse)) {
            TableDef table = wh.catalog().requireTable(new TableName("s", "t"));
            assertEquals(1, wh.catalog().currentVersion(table.id()).version());
            assertEquals(1, wh.catalog().currentVersion(table.id()).rowCount());
            assertEquals(committed, segmentFiles(warehouse));
            assertEquals(1, WarehouseTest.readAll(wh, table, new int[] {0, 1}).size());
        }
        assertFalse(segmentFiles(warehouse).isEmpty());
    }

    private static Set<String> segmentFiles(Path warehouse) throws IOException {
        try (Stream<Path> files = Files.walk(warehouse.resolve("data"))) {
            return files.filter(Files::isRegularFile)
                    .map(f -> warehouse.relativize(f).toString().replace('\\', '/'))
                    .collect(Collectors.toSet());
        }
    }
}
