package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The file formats that {@code COPY ... FROM} and {@code veil load} read. */
public enum InputFormat {
    CSV,
    ARROW,
    PARQUET;

    /** The format named in a {@code FORMAT} option ({@code csv}, {@code arrow} or {@code parquet}). */
    public static InputFormat named(String name) {
        requireNonNull(name, "name is null");
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "csv" -> CSV;
            case "arrow", "ipc", "feather" -> ARROW;
            case "parquet" -> PARQUET;
            default ->
                throw new VeilException(
                        ErrorCode.INVALID_ARGUMENT,
                        "Unknown file format '" + name + "'; use 'csv', 'arrow' or 'parquet'");
        };
    }

    /**
     * The format a path's name suggests: {@code .arrow}, {@code .feather} and {@code .ipc} are
     * Arrow IPC files, {@code .parquet}, {@code .parq} and {@code .pq} (and a folder) Parquet, any
     * other name CSV.
     */
    public static InputFormat guess(Path path) {
        requireNonNull(path, "path is null");
        if (Files.isDirectory(path)) {
            return PARQUET;
        }
        String n =
                path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".arrow") || n.endsWith(".feather") || n.endsWith(".ipc")) {
            return ARROW;
        }
        if (n.endsWith(".parquet") || n.endsWith(".parq") || n.endsWith(".pq")) {
            return PARQUET;
        }
        return CSV;
    }
}
