package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The master key of an encrypted warehouse: 256 random bits that wrap the warehouse's data keys
 * (see {@link Keyring}). It is never stored in the warehouse: it comes from a key file
 * ({@code --key-file}, {@code VEIL_KEY_FILE}) or from a command that prints it
 * ({@code VEIL_KEY_COMMAND}, for a KMS or vault), as 64 hex digits or base64, surrounding white
 * space ignored. Problems obtaining it are ENCRYPTION_KEY_INVALID.
 */
public final class MasterKey {
    /** The environment variable naming a key file. */
    public static final String KEY_FILE_VARIABLE = "VEIL_KEY_FILE";
    /** The environment variable holding a command (run by {@code sh -c}) that prints the key. */
    public static final String KEY_COMMAND_VARIABLE = "VEIL_KEY_COMMAND";

    static final int BYTES = 32;
    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    private final byte[] key;

    private MasterKey(byte[] key) {
        if (key.length != BYTES) {
            throw new IllegalArgumentException("a master key has " + BYTES + " bytes");
        }
        this.key = key.clone();
    }

    /** A key from its raw bytes (32 of them). */
    public static MasterKey of(byte[] key) {
        return new MasterKey(requireNonNull(key, "key is null"));
    }

    /** A fresh random key from {@link SecureRandom}. */
    public static MasterKey random() {
        byte[] key = new byte[BYTES];
        new SecureRandom().nextBytes(key);
        return new MasterKey(key);
    }

    /** The key in {@code file}. */
    public static MasterKey fromFile(Path file) {
        requireNonNull(file, "file is null");
        byte[] text;
        try {
            text = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.ENCRYPTION_KEY_INVALID, "Cannot read the key file " + file + ": " + e.getMessage(), e);
        }
        return parse(new String(text, StandardCharsets.US_ASCII), "the key file " + file);
    }

    /** The key that {@code command} (run by {@code sh -c}) prints on its standard output. */
    public static MasterKey fromCommand(String command) {
        requireNonNull(command, "command is null");
        try {
            Process process = new ProcessBuilder(List.of("sh", "-c", command))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectInput(ProcessBuilder.Redirect.INHERIT)
                    .start();
            byte[] out;
            try (InputStream in = process.getInputStream()) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                in.transferTo(buffer);
                out = buffer.toByteArray();
            }
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new VeilException(
                        ErrorCode.ENCRYPTION_KEY_INVALID, "The key command (" + KEY_COMMAND_VARIABLE + ") timed out");
            }
            if (process.exitValue() != 0) {
                throw new VeilException(
                        ErrorCode.ENCRYPTION_KEY_INVALID,
                        "The key command (" + KEY_COMMAND_VARIABLE + ") failed with exit code " + process.exitValue());
            }
            return parse(new String(out, StandardCharsets.US_ASCII), "the output of the key command");
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.ENCRYPTION_KEY_INVALID, "Cannot run the key command: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VeilException(ErrorCode.ENCRYPTION_KEY_INVALID, "Interrupted while running the key command", e);
        }
    }

    /**
     * The key named by the environment: {@value #KEY_FILE_VARIABLE} or {@value #KEY_COMMAND_VARIABLE}
     * (not both); empty if neither is set.
     */
    public static Optional<MasterKey> fromEnvironment(Map<String, String> environment) {
        String file = blankToNull(environment.get(KEY_FILE_VARIABLE));
        String command = blankToNull(environment.get(KEY_COMMAND_VARIABLE));
        if (file != null && command != null) {
            throw new VeilException(
                    ErrorCode.ENCRYPTION_KEY_INVALID,
                    "Both " + KEY_FILE_VARIABLE + " and " + KEY_COMMAND_VARIABLE + " are set; set one");
        }
        if (file != null) {
            return Optional.of(fromFile(Path.of(file)));
        }
        return command == null ? Optional.empty() : Optional.of(fromCommand(command));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /**
     * Writes a fresh random key to {@code file} (which must not exist), readable and writable by its
     * owner only (POSIX 600), forced to disk; returns it.
     */
    public static MasterKey generateTo(Path file) {
        requireNonNull(file, "file is null");
        MasterKey key = random();
        key.writeTo(file);
        return key;
    }

    /**
     * Writes this key to {@code file} (which must not exist), readable and writable by its owner
     * only (POSIX 600), forced to disk. The file appears whole or not at all: the key is written to
     * a temporary file beside it, forced, and then linked to its name (which fails if the name was
     * taken meanwhile), so a process killed part way never leaves an empty or partial key file that
     * a later {@code veil rekey} or {@code veil init} would take for a key.
     */
    public void writeTo(Path file) {
        requireNonNull(file, "file is null");
        byte[] text = (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
        Path target = file.toAbsolutePath();
        Path parent = target.getParent();
        if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw exists(file);
        }
        Path temporary = parent.resolve("." + target.getFileName() + ".partial-"
                + Long.toHexString(
                        java.util.concurrent.ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel channel =
                    FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                try {
                    Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // Not a POSIX file system: the directory's permissions protect the key.
                }
                channel.write(ByteBuffer.wrap(text));
                channel.force(true);
            }
            try {
                Files.createLink(target, temporary);
                Files.delete(temporary);
            } catch (UnsupportedOperationException e) {
                // No hard links here: a rename, after the check above (another writer could race it).
                Files.move(temporary, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            SegmentFiles.forceDirectory(parent);
        } catch (FileAlreadyExistsException e) {
            throw exists(file);
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.ENCRYPTION_KEY_INVALID, "Cannot write the key file " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                // Best effort: a leftover holds the key with owner-only permissions.
            }
        }
    }

    private static VeilException exists(Path file) {
        return new VeilException(
                ErrorCode.ALREADY_EXISTS, "The key file " + file + " exists already; a new key is not written over it");
    }

    static MasterKey parse(String text, String where) {
        String t = text.strip();
        byte[] key = null;
        if (t.length() == 2 * BYTES) {
            try {
                key = HexFormat.of().parseHex(t);
            } catch (IllegalArgumentException e) {
                key = null;
            }
        }
        if (key == null) {
            try {
                key = Base64.getDecoder().decode(t);
            } catch (IllegalArgumentException e) {
                key = null;
            }
        }
        if (key == null || key.length != BYTES) {
            throw new VeilException(
                    ErrorCode.ENCRYPTION_KEY_INVALID,
                    "No key in " + where + ": it must hold " + BYTES + " bytes as 64 hex digits or base64 (make one "
                            + "with: veil init --encrypt --new-key-file F, or openssl rand -base64 32)");
        }
        return new MasterKey(key);
    }

    /** A copy of the key's bytes. */
    byte[] bytes() {
        return key.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MasterKey other && java.security.MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "MasterKey[hidden]";
    }
}
