package dev.hookline.server.plugins;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.pf4j.PluginDependency;
import org.pf4j.PluginDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the plugins folder of a running {@link PluginHost}: a plugin file ({@code .jar} or
 * {@code .zip}) added is loaded, one replaced is reloaded, one removed is unloaded. The host logs
 * each change (INFO) and each file it cannot use (ERROR, also in {@link PluginHost#problems()}).
 *
 * <p>File-system events are only hints. The watcher lists the folder when an event arrives and
 * also every {@code rescan} interval (to catch events the platform lost or never sends: a
 * {@code WatchService} overflow, network file systems, polling implementations), and compares
 * each file's size and modification time with what it last loaded:
 * <ul>
 *   <li>A new or changed file is used once its size and modification time have not moved for
 *       {@code settle} and it opens as a zip (a copy in progress fires many events and is not a
 *       valid zip until its last bytes are written). A file that stays unreadable as a zip for
 *       longer ({@code 4 × settle}, at least 2 s) is handed to the host, which reports why.</li>
 *   <li>It is then staged (copied to the host's private folder, {@link PluginStaging}) and
 *       hashed. Same bytes as the loaded version (a {@code touch}): nothing happens.</li>
 *   <li>Its {@code Plugin-Id} decides: not loaded → {@link PluginHost#load}; loaded from this
 *       file, or from a file that has just been removed (greeter-1.0.jar replaced by
 *       greeter-2.0.jar) → {@link PluginHost#reload}; loaded from another file still present →
 *       reported as a clash and skipped (it takes over if that other file is removed).</li>
 *   <li>A file gone for {@code settle} is unloaded, unless a new file with its id is still settling
 *       (then the two become one reload; at most {@code 2 × rescan} is waited for it).</li>
 *   <li>A plugin that failed because a dependency was missing is retried when the dependency loads.</li>
 *   <li>An I/O error is never taken for a removal or a broken file ({@link PluginFolder}): a scan
 *       whose listing fails is abandoned, a file is only gone when a listing that worked misses it
 *       and its own stat says so, and a copy or read that fails for the environment (out of
 *       descriptors, say) is retried later. Failures are counted ({@link #failedScans()}) and
 *       logged without flooding ({@link ScanTrouble}).</li>
 * </ul>
 * All the work runs on one platform daemon thread; {@link #close()} stops it.
 */
public final class PluginWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PluginWatcher.class);

    /** Default quiet period before a new or changed file is used. */
    public static final Duration SETTLE = Duration.ofMillis(500);
    /** Default interval of the full rescan that catches lost events. */
    public static final Duration RESCAN = Duration.ofSeconds(5);

    private enum State { LOADED, FAILED, CLASH }

    /** What the watcher last did with a file. */
    private static final class Known {
        long size;
        long mtime;
        String hash;
        String id;
        List<String> dependsOn = List.of();
        State state;

        Known(long size, long mtime, String hash, String id, State state) {
            this.size = size;
            this.mtime = mtime;
            this.hash = hash;
            this.id = id;
            this.state = state;
        }
    }

    /** A new or changed file waiting to settle. */
    private record Pending(long size, long mtime, long since, boolean forced) {
    }

    private record Signature(long size, long mtime) {
    }

    private final PluginHost host;
    private final Path dir;
    private final long settleNanos;
    private final long brokenAfterNanos;
    private final long rescanNanos;
    private final WatchService watchService;
    private final Thread thread;
    private volatile boolean running = true;

    // Confined to the watcher thread.
    private final Map<Path, Known> known = new TreeMap<>();
    private final Map<Path, Pending> pending = new TreeMap<>();
    private final Map<Path, Long> missingSince = new TreeMap<>();
    private final Set<Path> suspects = new HashSet<>();
    private final ScanTrouble trouble;
    private volatile long scans;

    private PluginWatcher(PluginHost host, Duration settle, Duration rescan) throws IOException {
        this.host = host;
        this.dir = host.pluginsDir();
        this.settleNanos = settle.toNanos();
        this.brokenAfterNanos = Math.max(4 * settleNanos, Duration.ofSeconds(2).toNanos());
        this.rescanNanos = rescan.toNanos();
        this.trouble = new ScanTrouble(dir.toString());
        this.watchService = dir.getFileSystem().newWatchService();
        dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        rememberBoot();
        this.thread = Thread.ofPlatform().daemon().name("hookline-plugin-watcher").unstarted(this::run);
    }

    /** Starts watching with the default timings ({@link #SETTLE}, {@link #RESCAN}). */
    public static PluginWatcher start(PluginHost host) {
        return start(host, SETTLE, RESCAN);
    }

    /**
     * Starts watching the host's plugins folder. Call after {@link PluginHost#start()}.
     *
     * @throws IllegalStateException when the folder cannot be watched
     */
    public static PluginWatcher start(PluginHost host, Duration settle, Duration rescan) {
        try {
            PluginWatcher watcher = new PluginWatcher(host, settle, rescan);
            watcher.thread.start();
            log.info("Watching {} for plugin changes", watcher.dir);
            return watcher;
        } catch (IOException e) {
            throw new IllegalStateException("cannot watch the plugins folder " + host.pluginsDir() + ": " + e, e);
        }
    }

    /** @return how many times the folder was compared so far (for tests and diagnostics) */
    public long scans() {
        return scans;
    }

    /**
     * @return how many looks at the folder or at a plugin file failed with an I/O error (out of
     *         descriptors, for instance); each was abandoned and retried, nothing was unloaded for it
     */
    public long failedScans() {
        return trouble.failures();
    }

    /**
     * Stops watching; waits for a change in progress to finish, at most 30 s, and not at all when
     * plugin code called {@code System.exit} in it (the thread never comes back then).
     */
    @Override
    public void close() {
        running = false;
        try {
            watchService.close();
        } catch (IOException e) {
            log.debug("Closing the watch service: {}", e.toString());
        }
        if (Thread.currentThread() != thread && !ExitAware.join(thread, Duration.ofSeconds(30))) {
            log.warn("The plugin folder watcher did not stop: it is held by {}", ExitAware.describe(thread));
        }
    }

    // ---- the loop -------------------------------------------------------------------------------

    private void rememberBoot() {
        Map<Path, String> problemIds = new LinkedHashMap<>();
        host.problems().forEach(p -> {
            if (p.pluginId() != null) {
                problemIds.put(p.path(), p.pluginId());
            }
        });
        host.bootStaged().forEach((source, staged) -> {
            String id = host.loadedFrom(source);
            Known k = new Known(staged.size(), staged.mtime(), staged.sha256(), id != null ? id : problemIds.get(source),
                    id != null ? State.LOADED : State.FAILED);
            if (id == null) {
                try {
                    k.dependsOn = requiredDependencies(host.descriptorOf(source));
                } catch (RuntimeException e) {
                    // not a valid plugin: nothing to wait for
                }
            }
            known.put(source, k);
        });
    }

    private void run() {
        long nextRescan = System.nanoTime() + rescanNanos;
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(20), settleNanos / 5);
        boolean scanNow = true; // files may have arrived between the host's start and now
        while (running) {
            try {
                if (scanNow) {
                    scan();
                    scanNow = false;
                }
                long now = System.nanoTime();
                boolean busy = !pending.isEmpty() || !missingSince.isEmpty();
                long wait = busy ? tick : Math.max(0, nextRescan - now);
                WatchKey key = watchService.poll(wait, TimeUnit.NANOSECONDS);
                while (key != null) {
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                            log.debug("File-system events were lost in {}; rescanning", dir);
                        } else if (event.context() instanceof Path name && !name.toString().startsWith(".")) {
                            suspects.add(dir.resolve(name));
                        }
                    }
                    if (!key.reset()) {
                        log.error("The plugins folder {} can no longer be watched (removed?); hot loading stops", dir);
                        running = false;
                        return;
                    }
                    scanNow = true;
                    key = watchService.poll();
                }
                if (System.nanoTime() - nextRescan >= 0) {
                    nextRescan = System.nanoTime() + rescanNanos;
                    scanNow = true;
                }
                scanNow |= busy;
            } catch (ClosedWatchServiceException | InterruptedException e) {
                return;
            } catch (RuntimeException | LinkageError e) {
                if (!running || host.isClosed()) {
                    return;
                }
                log.error("The plugin folder watcher failed; it carries on", e);
                sleepQuietly(tick);
            }
        }
    }

    private static void sleepQuietly(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Compares the folder with what is loaded and acts on what has settled. A scan whose listing
     * fails is abandoned: an I/O error says nothing about which files are there, so nothing is
     * unloaded (or loaded) because of it.
     */
    private void scan() {
        scans++;
        long now = System.nanoTime();
        long failuresBefore = trouble.failures();
        Map<Path, Signature> present = new TreeMap<>();
        try {
            PluginFolder.list(dir).forEach((file, attrs) ->
                    present.put(file, new Signature(attrs.size(), attrs.lastModifiedTime().toMillis())));
        } catch (IOException e) {
            trouble.failed("list the plugins folder " + dir, e);
            return;
        }
        pending.keySet().retainAll(present.keySet());
        suspects.retainAll(present.keySet());

        List<Path> ready = new ArrayList<>();
        present.forEach((file, sig) -> {
            Known k = known.get(file);
            Pending p = pending.get(file);
            boolean forced = (suspects.remove(file) && k != null) || (p != null && p.forced());
            boolean differs = k == null || k.size != sig.size() || k.mtime != sig.mtime();
            if (!differs && !forced) {
                pending.remove(file);
                return;
            }
            if (p == null || p.size() != sig.size() || p.mtime() != sig.mtime()) {
                pending.put(file, new Pending(sig.size(), sig.mtime(), now, forced));
                return;
            }
            long stable = now - p.since();
            if (stable < settleNanos) {
                return;
            }
            Boolean zip = opensAsZip(file);
            if (zip == null) {
                pending.put(file, new Pending(sig.size(), sig.mtime(), now, p.forced())); // settle again later
                return;
            }
            if (!zip && stable < brokenAfterNanos) {
                return; // probably still being written; if it stays this way, the host says why
            }
            ready.add(file);
        });

        for (Path file : known.keySet()) {
            if (!present.containsKey(file)) {
                missingSince.putIfAbsent(file, now);
            }
        }
        missingSince.keySet().removeIf(present::containsKey);

        for (Path file : ready) {
            Pending p = pending.get(file);
            if (p != null) {
                use(file, p);
            }
        }

        List<Path> removed = new ArrayList<>();
        missingSince.forEach((file, since) -> {
            long gone = now - since;
            if (gone >= settleNanos && (pending.isEmpty() || gone >= 2 * rescanNanos)) {
                removed.add(file);
            }
        });
        for (Path file : removed) {
            remove(file);
        }
        if (trouble.failures() == failuresBefore) {
            trouble.recovered(); // only a scan with no I/O error at all ends a run of them
        }
    }

    /** @return whether the file opens as a zip, or {@code null} when an I/O error (not its bytes) says nothing */
    private Boolean opensAsZip(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.size() >= 0;
        } catch (IOException e) {
            if (PluginFolder.isEnvironmental(e, file)) {
                trouble.failed("open " + file, e);
                return null;
            }
            return false;
        }
    }

    /** A new or changed file has settled: stage it and load, reload or report it. */
    private void use(Path file, Pending p) {
        PluginStaging.Staged staged;
        try {
            staged = host.stage(file);
        } catch (IOException | java.io.UncheckedIOException e) {
            if (PluginFolder.isEnvironmental(e, file)) {
                trouble.failed("copy " + file + " for loading", e instanceof IOException io ? io
                        : ((java.io.UncheckedIOException) e).getCause());
            } else {
                log.debug("Cannot copy {} yet: {}", file, e.toString());
            }
            pending.remove(file); // the next scan looks again; what is loaded stays
            return;
        }
        if (staged.size() != p.size() || staged.mtime() != p.mtime()) {
            host.discard(staged); // it changed while being copied: let it settle again
            pending.put(file, new Pending(staged.size(), staged.mtime(), System.nanoTime(), p.forced()));
            return;
        }
        pending.remove(file);
        Known k = known.get(file);
        if (k != null && staged.sha256().equals(k.hash)) {
            host.discard(staged); // same bytes, new timestamp
            k.size = staged.size();
            k.mtime = staged.mtime();
            return;
        }
        PluginDescriptor descriptor;
        try {
            descriptor = host.descriptorOf(staged);
        } catch (RuntimeException e) {
            if (PluginFolder.isEnvironmental(e, file)) {
                // Not a verdict on the plugin: keep what runs, do not remember these bytes, look again later.
                host.discard(staged);
                trouble.failed("read the plugin descriptor of " + file, ioCause(e));
                return;
            }
            descriptor = null;
        }
        if (descriptor == null) {
            String running = host.loadedFrom(file);
            try {
                if (running != null) {
                    host.reloadStaged(running, staged); // refused; the running version stays and the reason is reported
                } else {
                    host.loadStaged(staged); // fails and reports why
                }
            } catch (PluginLoadException e) {
                // reported by the host
            }
            remember(file, staged, running, running != null && running.equals(host.loadedFrom(file))
                    ? State.LOADED : State.FAILED, List.of());
            return;
        }
        String id = descriptor.getPluginId();
        List<String> dependsOn = requiredDependencies(descriptor);
        String previous = host.loadedFrom(file);
        if (previous != null && !previous.equals(id)) {
            host.unload(previous); // the file now holds another plugin
            markUnloaded();
        }
        LoadedPlugin owner = loadedPlugin(id);
        if (owner == null) {
            apply(file, staged, id, dependsOn, false);
        } else if (owner.path().equals(file)) {
            apply(file, staged, id, dependsOn, true);
        } else if (missingSince.containsKey(owner.path()) || PluginFolder.isGone(owner.path())) {
            log.debug("{} replaces {} (plugin '{}')", file.getFileName(), owner.path().getFileName(), id);
            forget(owner.path());
            apply(file, staged, id, dependsOn, true);
        } else {
            host.discard(staged);
            host.reportProblem(file, id, "the plugin id '" + id + "' is already loaded from " + owner.path().getFileName()
                    + "; remove one of the two files");
            remember(file, staged, id, State.CLASH, dependsOn);
        }
    }

    private void apply(Path file, PluginStaging.Staged staged, String id, List<String> dependsOn, boolean reload) {
        try {
            if (reload) {
                host.reloadStaged(id, staged);
            } else {
                host.loadStaged(staged);
            }
            remember(file, staged, id, State.LOADED, dependsOn);
            markUnloaded();
            retryDependents(id);
        } catch (PluginLoadException e) {
            if (PluginFolder.isEnvironmental(e, file)) {
                // An I/O error, not the plugin: these bytes are not remembered, so the next scans try again.
                trouble.failed((reload ? "reload " : "load ") + file, ioCause(e));
            } else {
                remember(file, staged, id, State.FAILED, dependsOn);
            }
            markUnloaded();
        }
    }

    /** @return the I/O error among the causes (there is one when {@link PluginFolder#isEnvironmental} said so) */
    private static IOException ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return new IOException(e.toString(), e);
    }

    private void remember(Path file, PluginStaging.Staged staged, String id, State state, List<String> dependsOn) {
        Known k = new Known(staged.size(), staged.mtime(), staged.sha256(), id, state);
        k.dependsOn = dependsOn;
        known.put(file, k);
    }

    /** A file has been gone long enough: unload its plugin, or hand its id to a file that waited for it. */
    private void remove(Path file) {
        // Listings say a file is missing; only the file itself can confirm it is gone.
        try {
            BasicFileAttributes attrs = PluginFolder.attributesIfPresent(file);
            if (attrs != null && attrs.isRegularFile()) {
                missingSince.remove(file); // it is there after all
                return;
            }
        } catch (IOException e) {
            trouble.failed("check whether " + file + " was removed", e);
            return; // ask again at the next scan
        }
        Known k = known.get(file);
        forget(file);
        String id = host.loadedFrom(file);
        if (id == null) {
            return;
        }
        for (Map.Entry<Path, Known> e : known.entrySet()) {
            Known waiting = e.getValue();
            if (id.equals(waiting.id) && waiting.state != State.LOADED && Files.exists(e.getKey())) {
                try {
                    PluginStaging.Staged staged = host.stage(e.getKey());
                    log.debug("{} removed; {} takes over plugin '{}'", file.getFileName(), e.getKey().getFileName(), id);
                    apply(e.getKey(), staged, id, waiting.dependsOn, true);
                    return;
                } catch (IOException ex) {
                    log.debug("Cannot copy {}: {}", e.getKey(), ex.toString());
                }
            }
        }
        log.debug("{} removed (plugin '{}'{})", file.getFileName(), id, k == null ? "" : ", " + k.state);
        host.unload(id);
        markUnloaded();
    }

    private void forget(Path file) {
        known.remove(file);
        missingSince.remove(file);
        pending.remove(file);
        host.forgetProblem(file);
    }

    /** Plugins the host unloaded on its own (dependents of an unloaded or failed plugin). */
    private void markUnloaded() {
        known.forEach((file, k) -> {
            if (k.state == State.LOADED && host.loadedFrom(file) == null) {
                k.state = State.FAILED;
            }
        });
    }

    /** Retries the files that failed and depend on a plugin that has just loaded. */
    private void retryDependents(String id) {
        List<Path> retry = new ArrayList<>();
        known.forEach((file, k) -> {
            if (k.state == State.FAILED && k.dependsOn.contains(id) && Files.exists(file)) {
                retry.add(file);
            }
        });
        for (Path file : retry) {
            Known k = known.get(file);
            if (k == null || k.state != State.FAILED || host.loadedFrom(file) != null) {
                continue;
            }
            try {
                PluginStaging.Staged staged = host.stage(file);
                log.debug("Retrying {}: plugin '{}' it depends on is loaded", file.getFileName(), id);
                apply(file, staged, k.id, k.dependsOn, false);
            } catch (IOException e) {
                log.debug("Cannot copy {}: {}", file, e.toString());
            }
        }
    }

    private LoadedPlugin loadedPlugin(String id) {
        for (LoadedPlugin plugin : host.plugins()) {
            if (plugin.id().equals(id)) {
                return plugin;
            }
        }
        return null;
    }

    private static List<String> requiredDependencies(PluginDescriptor descriptor) {
        List<String> ids = new ArrayList<>();
        for (PluginDependency dependency : descriptor.getDependencies()) {
            if (!dependency.isOptional()) {
                ids.add(dependency.getPluginId());
            }
        }
        return List.copyOf(ids);
    }
}
