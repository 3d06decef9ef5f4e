package dev.veil.cli;

import dev.veil.session.Version;
import picocli.CommandLine;

/** Supplies {@code veil --version}. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"veil " + Version.VERSION};
    }
}
