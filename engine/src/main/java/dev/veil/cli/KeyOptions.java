package dev.veil.cli;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.storage.MasterKey;
import dev.veil.storage.WarehouseKeys;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The master-key option that every command opening a warehouse in-process shares (a picocli
 * mixin): {@code --key-file FILE}, or else the environment ({@code VEIL_KEY_FILE},
 * {@code VEIL_KEY_COMMAND}).
 */
final class KeyOptions {
    @Option(
            names = "--key-file",
            paramLabel = "FILE",
            description = "The master key of an encrypted warehouse (32 bytes as hex or base64). Without it, "
                    + "VEIL_KEY_FILE names the key file, or VEIL_KEY_COMMAND a command that prints the key.")
    Path keyFile;

    /**
     * Makes the key given with {@code --key-file} the one that opening {@code warehouse} in this
     * process uses (the embedded driver and the server open it by its path); without
     * {@code --key-file}, forgets any key an earlier command of this process gave for it, so the
     * environment's applies.
     */
    void register(Path warehouse) {
        if (keyFile == null) {
            if (warehouse != null) {
                WarehouseKeys.forget(warehouse);
            }
            return;
        }
        if (warehouse == null) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "--key-file goes with --warehouse");
        }
        WarehouseKeys.register(warehouse, MasterKey.fromFile(keyFile));
    }

    /** The key for opening a warehouse: {@code --key-file}, else the environment's. */
    WarehouseKeys.Source source() {
        return keyFile != null ? WarehouseKeys.given(MasterKey.fromFile(keyFile)) : WarehouseKeys.fromEnvironment();
    }
}
