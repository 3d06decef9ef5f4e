package dev.veil.server;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a secret from a file: its first line, without the line break. Secrets come from files
 * so that they never appear on a command line (where {@code ps} shows them) or in shell history.
 */
public final class PasswordFile {
    private PasswordFile() {}

    /** The first line of {@code file}; {@code what} names the secret in error messages. */
    public static String read(Path file, String what) {
        requireNonNull(file, "file is null");
        requireNonNull(what, "what is null");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new VeilException(ErrorCode.FILE_NOT_FOUND, "Cannot read the " + what + " file " + file, e);
        }
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "The " + what + " file " + file + " is empty");
        }
        return line;
    }
}
