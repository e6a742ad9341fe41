package dev.cctask.cli;

import dev.cctask.Version;
import picocli.CommandLine;

/** {@code --version}: {@code run-task <version>}. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"run-task " + Version.get()};
    }
}
