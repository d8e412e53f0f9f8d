package dev.hookline.faults.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The built archive as an operator gets it, unpacked into a folder of the test's own, so that each
 * test has its own {@code plugins/}, {@code data/} and {@code server.log}.
 */
public final class Distribution {

    private Distribution() {
    }

    /**
     * @param into an empty folder
     * @return the Hookline home inside it (the folder holding {@code bin/hookline})
     */
    public static Path unpack(Path into) throws IOException, InterruptedException {
        String archive = System.getProperty("hookline.archive");
        if (archive == null || !Files.isRegularFile(Path.of(archive))) {
            throw new IllegalStateException("No distribution archive at " + archive
                    + ": build it first (the reactor builds distribution before faults).");
        }
        Process tar = new ProcessBuilder("tar", "-xzf", archive).directory(into.toFile()).inheritIO().start();
        if (!tar.waitFor(60, TimeUnit.SECONDS) || tar.exitValue() != 0) {
            tar.destroyForcibly();
            throw new IllegalStateException("tar -xzf " + archive + " failed");
        }
        try (var entries = Files.list(into)) {
            Path home = entries.filter(Files::isDirectory).findFirst()
                    .orElseThrow(() -> new IllegalStateException(archive + " holds no directory"));
            if (!Files.isExecutable(home.resolve("bin/hookline"))) {
                throw new IllegalStateException(home + " has no executable bin/hookline");
            }
            return home;
        }
    }
}
