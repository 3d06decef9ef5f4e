package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The generated TPC-H files of one scale factor in a work directory, generated once and reused by
 * later runs.
 *
 * <p>A marker file is written only after all eight files are complete, so an interrupted
 * generation is redone rather than reused.
 *
 * @param dir the directory holding the files
 * @param files each table's file, by lower-case table name, in {@link TpchSchema#TABLES} order
 * @param reused whether the files were already there
 * @param generationNanos the time spent generating them now (0 if reused)
 */
public record TpchFiles(Path dir, Map<String, Path> files, boolean reused, long generationNanos) {
    private static final String MARKER = "complete";

    public TpchFiles {
        requireNonNull(dir, "dir is null");
        files = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(files, "files is null")));
        if (generationNanos < 0) {
            throw new IllegalArgumentException("generationNanos must not be negative");
        }
    }

    /** The files of scale factor {@code scaleFactor} under {@code workDir}, generating them unless a complete set exists. */
    public static TpchFiles prepare(double scaleFactor, Path workDir) throws IOException {
        requireNonNull(workDir, "workDir is null");
        Path dir = workDir.resolve("tpch-sf" + format(scaleFactor));
        Path marker = dir.resolve(MARKER);
        Map<String, Path> files = new LinkedHashMap<>();
        for (String table : TpchSchema.TABLES) {
            files.put(table, dir.resolve(table + ".tbl"));
        }
        if (Files.exists(marker) && files.values().stream().allMatch(Files::isRegularFile)) {
            return new TpchFiles(dir, files, true, 0);
        }
        Files.deleteIfExists(marker);
        long start = System.nanoTime();
        Map<String, Path> generated = TpchData.generate(scaleFactor, dir);
        long nanos = System.nanoTime() - start;
        Files.writeString(marker, "TPC-H scale factor " + format(scaleFactor) + "\n", StandardCharsets.UTF_8);
        return new TpchFiles(dir, generated, false, nanos);
    }

    /** The scale factor as written in paths and reports: {@code 1}, {@code 0.1}, {@code 0.01}. */
    public static String format(double scaleFactor) {
        return BigDecimal.valueOf(scaleFactor).stripTrailingZeros().toPlainString();
    }

    /** The total size of the files in bytes. */
    public long totalBytes() throws IOException {
        long bytes = 0;
        for (Path file : files.values()) {
            bytes += Files.size(file);
        }
        return bytes;
    }
}
