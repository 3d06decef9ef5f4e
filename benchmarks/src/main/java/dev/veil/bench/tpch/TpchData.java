package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The TPC-H data generator: writes the eight tables as {@code <table>.tbl} files.
 *
 * <p>Lines are {@code |}-delimited with no header and no trailing delimiter (unlike dbgen and
 * {@code TpchEntity.toLine()}, which end every line with {@code |}). Dates are written as
 * {@code yyyy-MM-dd}, money, discounts, taxes and quantities as plain decimals with exactly two
 * fraction digits. Column order is the specification's, the same as {@link TpchSchema#ddl}.
 */
public final class TpchData {
    private static final LocalDate FIRST_CACHED_DATE = LocalDate.of(1992, 1, 1);
    private static final String[] DATE_TEXT = cacheDates(FIRST_CACHED_DATE, LocalDate.of(2000, 1, 1));

    private TpchData() {}

    /**
     * Generates all eight tables at the given scale factor into {@code dir} (created if missing).
     *
     * @return the written file of each table, by lower-case table name, in {@link TpchSchema#TABLES} order
     */
    public static Map<String, Path> generate(double scaleFactor, Path dir) throws IOException {
        return generate(scaleFactor, dir, Runtime.getRuntime().availableProcessors());
    }

    /** {@link #generate(double, Path)} on {@code threads} threads, the big tables in as many parts. */
    static Map<String, Path> generate(double scaleFactor, Path dir, int threads) throws IOException {
        checkScaleFactor(scaleFactor);
        requireNonNull(dir, "dir is null");
        Files.createDirectories(dir);
        // The big tables are generated in parts, one per core; the generator's parts, written one
        // after the other, are the whole table, so the files are the same as a single pass writes.
        List<Part> parts = new ArrayList<>();
        for (String table : TpchSchema.TABLES) {
            int count = BIG_TABLES.contains(table) ? Math.max(1, threads) : 1;
            for (int part = 1; part <= count; part++) {
                parts.add(
                        new Part(table, part, count, dir.resolve(table + ".tbl" + (count == 1 ? "" : ".part" + part))));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Part part : parts) {
                futures.add(pool.submit(() -> {
                    try (Writer out = Files.newBufferedWriter(part.file(), StandardCharsets.UTF_8)) {
                        write(TpchTable.getTable(part.table()), scaleFactor, part.part(), part.count(), out);
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("TPC-H generation was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("TPC-H generation failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        Map<String, Path> files = new LinkedHashMap<>();
        for (String table : TpchSchema.TABLES) {
            Path file = dir.resolve(table + ".tbl");
            List<Part> pieces =
                    parts.stream().filter(part -> part.table().equals(table)).toList();
            if (pieces.size() > 1) {
                try (FileChannel target = FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE)) {
                    for (Part piece : pieces) {
                        try (FileChannel source = FileChannel.open(piece.file(), StandardOpenOption.READ)) {
                            long size = source.size();
                            long done = 0;
                            while (done < size) {
                                done += source.transferTo(done, size - done, target);
                            }
                        }
                        Files.delete(piece.file());
                    }
                }
            }
            files.put(table, file);
        }
        return Collections.unmodifiableMap(files);
    }

    /** Tables generated in parts, one per core. */
    private static final Set<String> BIG_TABLES = Set.of("lineitem", "orders", "partsupp", "part", "customer");

    /** Part {@code part} of {@code count} of a table, written to {@code file}. */
    private record Part(String table, int part, int count, Path file) {}

    /** Writes one table at the given scale factor to {@code out}, one line per row. */
    public static <E extends TpchEntity> void write(TpchTable<E> table, double scaleFactor, Writer out)
            throws IOException {
        write(table, scaleFactor, 1, 1, out);
    }

    /** Writes part {@code part} (1-based) of {@code count} of one table to {@code out}, one line per row. */
    static <E extends TpchEntity> void write(TpchTable<E> table, double scaleFactor, int part, int count, Writer out)
            throws IOException {
        requireNonNull(table, "table is null");
        checkScaleFactor(scaleFactor);
        requireNonNull(out, "out is null");
        Writer buffered = out instanceof BufferedWriter ? out : new BufferedWriter(out);
        StringBuilder line = new StringBuilder(256);
        for (E row : table.createGenerator(scaleFactor, part, count)) {
            line.setLength(0);
            for (TpchColumn<E> column : table.getColumns()) {
                if (line.length() > 0) {
                    line.append('|');
                }
                appendValue(line, column, row);
            }
            line.append('\n');
            buffered.append(line);
        }
        buffered.flush();
    }

    private static <E extends TpchEntity> void appendValue(StringBuilder line, TpchColumn<E> column, E row) {
        switch (column.getType().getBase()) {
            case IDENTIFIER:
                line.append(column.getIdentifier(row));
                break;
            case INTEGER:
                line.append(column.getInteger(row));
                break;
            case DATE:
                line.append(formatDate(column.getDate(row)));
                break;
            case DOUBLE:
                // The generator keeps these values as whole cents; the double is cents / 100.
                appendCents(line, Math.round(column.getDouble(row) * 100));
                break;
            case VARCHAR:
                line.append(column.getString(row));
                break;
            default:
                throw new IllegalStateException("Unknown TPC-H column type of " + column.getColumnName());
        }
    }

    private static void appendCents(StringBuilder line, long cents) {
        if (cents < 0) {
            line.append('-');
            cents = -cents;
        }
        long fraction = cents % 100;
        line.append(cents / 100).append('.');
        if (fraction < 10) {
            line.append('0');
        }
        line.append(fraction);
    }

    private static String formatDate(int epochDay) {
        int index = epochDay - (int) FIRST_CACHED_DATE.toEpochDay();
        if (index >= 0 && index < DATE_TEXT.length) {
            return DATE_TEXT[index];
        }
        return LocalDate.ofEpochDay(epochDay).toString();
    }

    private static String[] cacheDates(LocalDate first, LocalDate end) {
        String[] texts = new String[(int) (end.toEpochDay() - first.toEpochDay())];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = first.plusDays(i).toString();
        }
        return texts;
    }

    private static void checkScaleFactor(double scaleFactor) {
        if (!(scaleFactor > 0) || Double.isInfinite(scaleFactor)) {
            throw new IllegalArgumentException("scaleFactor must be a positive number: " + scaleFactor);
        }
    }
}
