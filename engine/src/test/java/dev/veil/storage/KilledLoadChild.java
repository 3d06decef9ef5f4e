package dev.veil.storage;

import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import java.nio.file.Path;

/**
 * A separate JVM that loads a CSV file into {@code s.t} and, once it has written some segments,
 * reports "loading" and waits to be killed ({@link KilledLoadTest}).
 */
public final class KilledLoadChild {
    private KilledLoadChild() {}

    public static void main(String[] args) throws Exception {
        try (Warehouse wh = Warehouse.open(Path.of(args[0]))) {
            wh.setSegmentLayout(1000, 2);
            TableDef table = wh.catalog().requireTable(new TableName("s", "t"));
            CsvLoader.load(wh, table, Path.of(args[1]), CsvOptions.defaults(), (rows, bytes, total) -> {
                System.out.println("loading " + rows);
                System.out.flush();
                try {
                    Thread.sleep(120_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            System.out.println("done");
        }
    }
}
