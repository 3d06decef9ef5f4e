package dev.veil.server;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's TLS identity: a keystore file (PKCS12 or JKS) holding its private key and
 * certificate, and the keystore's password.
 */
public record TlsConfig(Path keystore, String password) {
    public TlsConfig {
        requireNonNull(keystore, "keystore is null");
        requireNonNull(password, "password is null");
    }

    /** Reads the password from the first line of {@code passwordFile}, so it never appears on a command line. */
    public static TlsConfig fromFiles(Path keystore, Path passwordFile) {
        requireNonNull(keystore, "keystore is null");
        if (!Files.isRegularFile(keystore)) {
            throw new VeilException(ErrorCode.FILE_NOT_FOUND, "TLS keystore " + keystore + " does not exist");
        }
        return new TlsConfig(keystore, PasswordFile.read(passwordFile, "TLS keystore password"));
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "TlsConfig[keystore=" + keystore + "]";
    }
}
