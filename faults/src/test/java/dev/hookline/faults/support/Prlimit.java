package dev.hookline.faults.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** util-linux's {@code prlimit}, which runs a command under other resource limits (here: descriptors). */
public final class Prlimit {

    private Prlimit() {
    }

    /** @return the prlimit executable on the PATH, or null when there is none */
    public static Path find() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "prlimit");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** The message of a test skipped for want of prlimit. */
    public static final String MISSING = "prlimit (util-linux) is not on the PATH: the descriptor-exhaustion fault "
            + "test needs it to run the server under a low descriptor limit. Install util-linux to run it.";
}
