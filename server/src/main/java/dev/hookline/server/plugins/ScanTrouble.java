package dev.hookline.server.plugins;

import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder watcher's I/O failures: counted, logged at WARN when they start, then at most once a
 * minute while they go on (out of descriptors, a scan fails every few milliseconds; the log must not
 * add to the trouble), and once at INFO when a look at the folder works again. Written by the
 * watcher thread only; the counter can be read from any thread.
 */
final class ScanTrouble {

    private static final Logger log = LoggerFactory.getLogger(PluginWatcher.class);
    private static final long REPEAT_NANOS = Duration.ofMinutes(1).toNanos();

    private final String folder;
    private volatile long failures;
    private long failuresSinceLogged;
    private long lastLogged;
    private boolean failing;

    ScanTrouble(String folder) {
        this.folder = folder;
    }

    /** A look at the folder or at one of its files failed; nothing was decided from it. */
    void failed(String what, IOException e) {
        failures++;
        failuresSinceLogged++;
        long now = System.nanoTime();
        if (!failing || now - lastLogged >= REPEAT_NANOS) {
            log.warn("Cannot {} ({}); nothing is loaded, reloaded or unloaded because of it, it is tried again{}",
                    what, PluginFolder.describe(e), failing ? " (" + failuresSinceLogged + " failure(s) in " + folder
                    + " since the last report)" : "");
            failuresSinceLogged = 0;
            lastLogged = now;
        }
        failing = true;
    }

    /** A whole scan worked, with no I/O error anywhere in it. */
    void recovered() {
        if (failing) {
            log.info("The plugins folder {} can be read again ({} failed look(s) in all); scanning as usual", folder,
                    failures);
            failing = false;
            failuresSinceLogged = 0;
        }
    }

    /** @return how many looks at the folder or its files failed since the watcher started */
    long failures() {
        return failures;
    }
}
