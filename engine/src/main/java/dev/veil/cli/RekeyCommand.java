package dev.veil.cli;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.storage.MasterKey;
import dev.veil.storage.Warehouse;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code veil rekey}: rotates the master key of an encrypted warehouse (re-wrapping its data keys,
 * data untouched), and with {@code --data} rewrites every segment and the catalog under a new data key.
 */
@Command(
        name = "rekey",
        mixinStandardHelpOptions = true,
        description = "Rotate the keys of an encrypted warehouse: re-wrap its data keys under a new master key "
                + "(--new-key-file or --to-key-file), and/or rewrite its data under a new data key (--data). "
                + "The warehouse must not be in use.")
final class RekeyCommand implements Callable<Integer> {
    @Option(names = "--warehouse", required = true, paramLabel = "DIR", description = "The warehouse directory.")
    Path warehouse;

    @Mixin
    KeyOptions keys = new KeyOptions();

    @ArgGroup(exclusive = true)
    NewKey newKey;

    static final class NewKey {
        @Option(
                names = "--new-key-file",
                paramLabel = "FILE",
                description = "Write a fresh random master key to FILE (which must not exist; owner-readable "
                        + "only) and re-wrap the data keys under it.")
        Path generate;

        @Option(
                names = "--to-key-file",
                paramLabel = "FILE",
                description = "Re-wrap the data keys under the existing master key in FILE.")
        Path existing;
    }

    @Option(
            names = "--data",
            description = "Also rewrite every segment file and the catalog under a fresh data key, then forget the "
                    + "old data keys.")
    boolean data;

    @Override
    public Integer call() {
        if (newKey == null && !data) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "Say what to rotate: --new-key-file FILE, --to-key-file FILE, and/or --data");
        }
        try (Warehouse wh = Warehouse.open(warehouse, keys.source())) {
            if (!wh.encrypted()) {
                throw new VeilException(
                        ErrorCode.ENCRYPTION_KEY_INVALID,
                        "Warehouse '" + wh.root() + "' is not encrypted; there is no key to rotate");
            }
            if (data) {
                long start = System.nanoTime();
                int files = wh.rekeyData();
                System.out.printf(
                        "Rewrote %d segment files and the catalog under a new data key in %.1f s%n",
                        files, (System.nanoTime() - start) / 1e9);
            }
            if (newKey != null) {
                MasterKey key = newKey.generate != null
                        ? MasterKey.generateTo(newKey.generate)
                        : MasterKey.fromFile(newKey.existing);
                wh.rekey(key);
                System.out.println("Re-wrapped the data keys under the new master key from "
                        + (newKey.generate != null ? newKey.generate : newKey.existing)
                        + "; the old key no longer opens the warehouse");
            }
        }
        return 0;
    }
}
