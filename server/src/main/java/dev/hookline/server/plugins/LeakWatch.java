package dev.hookline.server.plugins;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.lang.ref.WeakReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds unloaded plugins that stay in memory. The JVM cannot kill a plugin's threads or take back
 * what it registered elsewhere; what the host can do is notice and say so. Once a plugin's class
 * loader is closed (after its grace period), only a weak reference to it is kept; it is checked a
 * few times, each after a garbage collection is asked for. A loader still there after the last
 * check is reported once at WARN, with the threads that hold it, and listed by
 * {@link PluginHost#leaked()} until it is freed (checked every minute; freed ones are logged at
 * INFO and dropped from the list).
 */
final class LeakWatch {

    private static final Logger log = LoggerFactory.getLogger(PluginHost.class);

    /** Checks before a loader still there counts as leaked: one GC may not collect everything. */
    private static final int CHECKS = 3;
    private static final Duration RECHECK_LEAKED = Duration.ofMinutes(1);

    private final class Watched {
        final WeakReference<HostPluginClassLoader> loader;
        final String id;
        final String version;
        final Path path;
        final Instant unloadedAt;
        int checks;
        volatile LeakedPlugin leaked;

        Watched(HostPluginClassLoader loader, Path path, Instant unloadedAt) {
            this.loader = new WeakReference<>(loader);
            this.id = loader.pluginId();
            this.version = loader.pluginVersion();
            this.path = path;
            this.unloadedAt = unloadedAt;
        }
    }

    private final ScheduledExecutorService timer;
    private final long intervalMillis;
    private final Map<Watched, Boolean> watched = new ConcurrentHashMap<>();

    /**
     * @param timer    runs the checks
     * @param interval the time between two checks of a freshly closed loader
     */
    LeakWatch(ScheduledExecutorService timer, Duration interval) {
        this.timer = timer;
        this.intervalMillis = Math.max(1, interval.toMillis());
    }

    /** Starts watching a loader that has just been closed; the watch holds it only weakly. */
    void watch(HostPluginClassLoader loader, Path path, Instant unloadedAt) {
        Watched w = new Watched(loader, path, unloadedAt);
        watched.put(w, Boolean.TRUE);
        schedule(w, intervalMillis);
    }

    /** @return the plugins found leaked and not freed since, oldest first */
    List<LeakedPlugin> leaked() {
        List<LeakedPlugin> result = new ArrayList<>();
        for (Watched w : watched.keySet()) {
            LeakedPlugin leaked = w.leaked;
            if (leaked != null) {
                result.add(leaked);
            }
        }
        result.sort((a, b) -> a.unloadedAt().compareTo(b.unloadedAt()));
        return result;
    }

    private void schedule(Watched w, long delayMillis) {
        try {
            timer.schedule(() -> check(w), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            watched.remove(w); // the host is closing
        }
    }

    private void check(Watched w) {
        boolean reported = w.leaked != null;
        if (!reported) {
            System.gc(); // a hint; with -XX:+DisableExplicitGC a later check or recheck sees the loader freed
        }
        HostPluginClassLoader loader = w.loader.get();
        if (loader == null) {
            watched.remove(w);
            if (reported) {
                log.info("Plugin '{}' {} unloaded at {} is no longer in memory", w.id, w.version, w.unloadedAt);
            }
            return;
        }
        if (reported) {
            schedule(w, RECHECK_LEAKED.toMillis());
            return;
        }
        if (++w.checks < CHECKS) {
            schedule(w, intervalMillis);
            return;
        }
        List<String> threads = threadsHolding(loader);
        loader = null; // the check must not be what holds it
        w.leaked = new LeakedPlugin(w.id, w.version, w.path, w.unloadedAt, threads);
        log.warn("Plugin '{}' {} ({}) was unloaded at {} but is still in memory: {}. Its classes cannot be freed "
                        + "until {}; restart the server to reclaim the memory", w.id, w.version, w.path.getFileName(),
                w.unloadedAt, threads.isEmpty() ? "no thread of its own was found, something else holds its class loader"
                        : "thread(s) " + threads + " still run its code",
                threads.isEmpty() ? "what holds it lets go" : "these threads end");
        schedule(w, RECHECK_LEAKED.toMillis());
    }

    /** The live threads that belong to the loader: its code on their stack, their class, or their context loader. */
    private static List<String> threadsHolding(HostPluginClassLoader loader) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread thread = e.getKey();
            if (thread.getContextClassLoader() == loader || thread.getClass().getClassLoader() == loader
                    || runsCodeOf(e.getValue(), loader)) {
                names.add(thread.getName());
            }
        }
        names.sort(null);
        return names;
    }

    private static boolean runsCodeOf(StackTraceElement[] frames, HostPluginClassLoader loader) {
        for (StackTraceElement frame : frames) {
            // Frames of the JDK and the host are not the plugin's; only ask the loader about the rest.
            if (frame.getClassLoaderName() == null && frame.getModuleName() == null
                    && loader.defines(frame.getClassName())) {
                return true;
            }
        }
        return false;
    }
}
