package dev.veil.bench.parquet;

import dev.veil.bench.tpch.TpchFiles;
import dev.veil.bench.tpch.TpchLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code veil bench parquet}: Parquet in and out against DuckDB, both in this JVM on the same
 * file. DuckDB writes TPC-H's line items as one Parquet file; then, for each engine, the median of
 * {@code --runs} runs of loading it into a new table (Veil: {@code COPY t FROM 'file.parquet'} into
 * an embedded warehouse; DuckDB: {@code CREATE TABLE t AS SELECT * FROM read_parquet('file')} in
 * an in-memory database) and of writing the table back out as Parquet ({@code COPY ... TO}).
 */
@Command(
        name = "parquet",
        mixinStandardHelpOptions = true,
        description = "Measure Parquet loads and writes of TPC-H line items, Veil against DuckDB.")
public final class ParquetBenchmark implements Callable<Integer> {
    @Option(names = "--sf", defaultValue = "1", description = "TPC-H scale factor (default ${DEFAULT-VALUE}).")
    double scaleFactor;

    @Option(names = "--runs", defaultValue = "3", description = "Runs per measurement (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(
            names = "--work-dir",
            defaultValue = "benchmarks/target/bench-work",
            description = "Where the generated data and warehouses go (default ${DEFAULT-VALUE}).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        TpchFiles files = TpchFiles.prepare(scaleFactor, workDir);
        Path run = Files.createTempDirectory(Files.createDirectories(workDir), "parquet-");
        Path parquet = run.resolve("lineitem.parquet");
        long rows;
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = duck.createStatement()) {
            TpchLoader.createTables(duck, "tpch");
            TpchLoader.copy(
                    duck,
                    TpchLoader.Dialect.DUCKDB,
                    "tpch",
                    "lineitem",
                    files.files().get("lineitem"));
            s.execute("COPY tpch.lineitem TO '" + parquet + "' (FORMAT PARQUET)");
            rows = count(s, "SELECT COUNT(*) FROM tpch.lineitem");
        }
        long bytes = Files.size(parquet);
        double[] duckLoad = new double[runs];
        double[] duckWrite = new double[runs];
        for (int i = 0; i < runs; i++) {
            try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                    Statement s = duck.createStatement()) {
                long t0 = System.nanoTime();
                s.execute("CREATE TABLE li AS SELECT * FROM read_parquet('" + parquet + "')");
                duckLoad[i] = (System.nanoTime() - t0) / 1e9;
                check(rows, count(s, "SELECT COUNT(*) FROM li"), "DuckDB");
                Path out = run.resolve("duck-" + i + ".parquet");
                t0 = System.nanoTime();
                s.execute("COPY li TO '" + out + "' (FORMAT PARQUET)");
                duckWrite[i] = (System.nanoTime() - t0) / 1e9;
            }
        }
        double[] veilLoad = new double[runs];
        double[] veilWrite = new double[runs];
        try (Connection veil = DriverManager.getConnection("jdbc:veil:embedded:" + run.resolve("wh") + ";create=true");
                Statement s = veil.createStatement()) {
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                s.execute("COPY li" + i + " FROM '" + parquet + "'");
                veilLoad[i] = (System.nanoTime() - t0) / 1e9;
                check(rows, count(s, "SELECT COUNT(*) FROM li" + i), "Veil");
                Path out = run.resolve("veil-" + i + ".parquet");
                t0 = System.nanoTime();
                s.execute("COPY li" + i + " TO '" + out + "'");
                veilWrite[i] = (System.nanoTime() - t0) / 1e9;
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                Locale.ROOT,
                "Parquet, TPC-H SF %s line items: %,d rows, %.1f MB file; median of %d runs, one JVM, %d cores",
                TpchFiles.format(scaleFactor),
                rows,
                bytes / 1e6,
                runs,
                Runtime.getRuntime().availableProcessors()));
        lines.add("");
        lines.add("| operation | DuckDB s | Veil s | Veil rows/s | Veil / DuckDB |");
        lines.add("|---|---:|---:|---:|---:|");
        lines.add(row("load (COPY FROM / read_parquet)", median(duckLoad), median(veilLoad), rows));
        lines.add(row("write (COPY TO Parquet)", median(duckWrite), median(veilWrite), rows));
        String report = String.join("\n", lines) + "\n";
        System.out.print(report);
        Files.writeString(run.resolve("parquet-report.md"), report);
        return 0;
    }

    private static String row(String what, double duck, double veil, long rows) {
        return String.format(
                Locale.ROOT, "| %s | %.2f | %.2f | %,.0f | %.1f× |", what, duck, veil, rows / veil, veil / duck);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void check(long expected, long actual, String engine) {
        if (expected != actual) {
            throw new IllegalStateException(engine + " loaded " + actual + " rows, expected " + expected);
        }
    }
}
