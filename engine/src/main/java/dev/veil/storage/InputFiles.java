package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files that a load reads from a path as written: the file itself, every file of a folder
 * (recursively, for Parquet data sets written as {@code folder/part-0.parquet} or partitioned
 * {@code folder/year=2024/...}), or the files of one folder whose names match a glob in the last
 * part of the path ({@code data/orders-*.parquet}). The list is sorted by path, so a load reads
 * the files in the same order every time.
 */
public final class InputFiles {
    /** More files than this is almost certainly a mistake (a glob over the wrong folder). */
    static final int MAX_FILES = 100_000;

    private InputFiles() {}

    /** The files of {@code written}; a folder yields the files whose names end with {@code folderSuffix}. */
    public static List<Path> resolve(String written, String folderSuffix) {
        requireNonNull(written, "written is null");
        requireNonNull(folderSuffix, "folderSuffix is null");
        Path path;
        try {
            if (isGlob(written)) {
                Path glob = Path.of(written).toAbsolutePath();
                Path folder = glob.getParent();
                String pattern = glob.getFileName().toString();
                if (folder == null || isGlob(folder.toString())) {
                    throw new VeilException(
                            ErrorCode.INVALID_ARGUMENT,
                            "'" + written + "': a pattern may only be in the file name, not in a folder's");
                }
                return matching(written, folder, FileSystems.getDefault().getPathMatcher("glob:" + pattern));
            }
            path = Path.of(written).toAbsolutePath();
        } catch (IllegalArgumentException e) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT, "'" + written + "' is not a valid path: " + e.getMessage());
        }
        if (Files.isDirectory(path)) {
            try (Stream<Path> files = Files.walk(path)) {
                List<Path> found = files.filter(Files::isRegularFile)
                        .filter(f -> f.getFileName().toString().endsWith(folderSuffix))
                        .sorted()
                        .limit(MAX_FILES + 1)
                        .toList();
                return checked(written, found);
            } catch (IOException e) {
                throw new VeilException(
                        ErrorCode.BAD_INPUT_FILE, "Cannot list folder '" + path + "': " + e.getMessage(), e);
            }
        }
        if (!Files.isRegularFile(path)) {
            throw new VeilException(ErrorCode.FILE_NOT_FOUND, "File '" + path + "' does not exist or is not a file");
        }
        return List.of(path);
    }

    private static List<Path> matching(String written, Path folder, PathMatcher matcher) {
        if (!Files.isDirectory(folder)) {
            throw new VeilException(ErrorCode.FILE_NOT_FOUND, "Folder '" + folder + "' does not exist");
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> found = files.filter(Files::isRegularFile)
                    .filter(f -> matcher.matches(f.getFileName()))
                    .sorted()
                    .limit(MAX_FILES + 1)
                    .toList();
            return checked(written, found);
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.BAD_INPUT_FILE, "Cannot list folder '" + folder + "': " + e.getMessage(), e);
        }
    }

    private static List<Path> checked(String written, List<Path> found) {
        if (found.isEmpty()) {
            throw new VeilException(ErrorCode.FILE_NOT_FOUND, "No files match '" + written + "'");
        }
        if (found.size() > MAX_FILES) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT, "'" + written + "' matches more than " + MAX_FILES + " files");
        }
        return found;
    }

    private static boolean isGlob(String text) {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0 || text.indexOf('[') >= 0 || text.indexOf('{') >= 0;
    }
}
