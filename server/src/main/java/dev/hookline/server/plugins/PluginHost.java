package dev.hookline.server.plugins;

import dev.hookline.api.ServerHooks;
import dev.hookline.api.cluster.ClusterEngine;
import dev.hookline.server.Version;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.hooks.HookSource;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDependency;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads plugin jars (and zips) from a folder with PF4J, and installs the hooks each one lists in
 * {@code META-INF/services/dev.hookline.api.ServerHooks} into the {@link HookEngine}.
 *
 * <ul>
 *   <li>Every plugin is loaded from a private copy ({@link PluginStaging}), never from the file the
 *       operator put in the folder: rewriting or deleting that file cannot disturb a class loader
 *       that is still open. {@link LoadedPlugin#path()} and {@link PluginProblem#path()} name the
 *       operator's file. A copy is deleted once its class loader is finally closed.</li>
 *   <li>A plugin that cannot be loaded or started is reported with its reason and skipped; the
 *       others load.</li>
 *   <li>Plugins start in dependency order and stop one by one in reverse.</li>
 *   <li>Single plugins can be loaded, unloaded and reloaded while the server runs; each change
 *       swaps the engine's chains atomically. On a reload the old version keeps serving until the
 *       new one is installed, and its class loader stays open for a grace period so chains that
 *       started on the old snapshot can finish.</li>
 *   <li>Plugin code is not trusted to return: {@link #close()} never waits for ever for a load in
 *       progress or a {@code stop()}, even one that called {@code System.exit} ({@link ExitAware}).</li>
 *   <li>An unloaded plugin still in memory after its grace period is reported ({@link #leaked()}).</li>
 * </ul>
 */
public final class PluginHost implements AutoCloseable {

    /** Where a plugin lists its hook classes. */
    public static final String SERVICES_FILE = ServicesFile.PATH;

    /** Ids used by hooks that do not come from plugin jars. */
    static final Set<String> RESERVED_IDS = Set.of(ClasspathHooks.SOURCE_ID, "app");

    private static final Logger log = LoggerFactory.getLogger(PluginHost.class);

    /** How long {@link #close()} waits for a load, reload or unload in progress (plugin code may hang in it). */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    /** How long {@link #close()} waits for the plugins' {@code stop()} methods, all together. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final Path pluginsDir;
    private final HookEngine engine;
    private final Duration closeGrace;
    private final HostPluginManager manager;
    private final ScheduledExecutorService closer;
    private final Map<HostPluginClassLoader, Instant> closing = new ConcurrentHashMap<>(); // -> unloaded at
    private final LeakWatch leaks;
    private final Map<String, LoadedPlugin> plugins = new LinkedHashMap<>(); // in start order
    /** Plugins that must not be unloaded or replaced while the server runs, with why. */
    private final Map<String, String> pinned = new java.util.concurrent.ConcurrentHashMap<>();
    /** Cluster engines offered by started plugins, by plugin id, in start order. */
    private final Map<String, ClusterEngine> clusterEngines = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<Path, PluginProblem> problems = new LinkedHashMap<>();
    private final StopDeferral stops = new StopDeferral();
    private final PluginStaging staging;
    private final Map<Path, PluginStaging.Staged> bootStaged = new LinkedHashMap<>(); // by source
    /*
     * Guards everything above. Not a monitor: plugin code runs while it is held (constructors,
     * start(), stop()), and if that code calls System.exit, the thread never lets go of it. close()
     * then must not wait for ever (see ExitAware).
     */
    private final ExitAware.Lock lock = new ExitAware.Lock();
    // What readers see, published at each unlock: reading them never waits for plugin code.
    private volatile List<LoadedPlugin> pluginsView = List.of();
    private volatile List<PluginProblem> problemsView = List.of();
    private volatile boolean closed;

    /** How long an unloaded plugin's class loader stays open by default. */
    public static final Duration CLOSE_GRACE = Duration.ofSeconds(30);

    /** A host whose old class loaders close {@link #CLOSE_GRACE} after a reload or unload. */
    public PluginHost(Path pluginsDir, HookEngine engine) {
        this(pluginsDir, engine, CLOSE_GRACE);
    }

    /**
     * @param pluginsDir where plugin jars and zips are; created if missing
     * @param engine     where their hooks go
     * @param closeGrace how long an unloaded plugin's class loader stays open for chains still running its code
     */
    public PluginHost(Path pluginsDir, HookEngine engine, Duration closeGrace) {
        this.pluginsDir = pluginsDir.toAbsolutePath().normalize();
        this.engine = engine;
        this.closeGrace = closeGrace;
        this.closer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("hookline-plugin-closer").factory());
        this.manager = new HostPluginManager(this.pluginsDir, Version.release(), this::closeLater, stops);
        this.staging = new PluginStaging(this.pluginsDir);
        // Checked after the grace, then again as often (1 s to 30 s apart): see LeakWatch.
        this.leaks = new LeakWatch(closer, closeGrace.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                : closeGrace.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : closeGrace);
    }

    /** @return the plugins folder */
    public Path pluginsDir() {
        return pluginsDir;
    }

    // ---- start-up -------------------------------------------------------------------------------

    /**
     * Loads every plugin in the folder (each {@code .jar} and {@code .zip} file whose name does
     * not start with a dot, from a staged copy), resolves dependencies and starts them in
     * dependency order.
     *
     * @return the plugins that were skipped, with their reasons (also logged)
     */
    public List<PluginProblem> start() {
        lock.lock();
        try {
            try {
                Files.createDirectories(pluginsDir);
            } catch (IOException e) {
                throw new IllegalStateException("cannot create the plugins folder " + pluginsDir + ": " + e.getMessage(), e);
            }
            Set<Path> found;
            try {
                found = PluginFolder.list(pluginsDir).keySet();
            } catch (IOException e) {
                // Starting with no plugins would start without the storage they give: refuse instead.
                throw new IllegalStateException("cannot list the plugins folder " + pluginsDir + ": "
                        + PluginFolder.describe(e), e);
            }
            for (Path path : found) {
                PluginStaging.Staged staged;
                try {
                    staged = staging.stage(path);
                } catch (IOException | RuntimeException e) {
                    report(new PluginProblem(path, null, "cannot be copied for loading: " + reasonOf(e)), e);
                    continue;
                }
                bootStaged.put(staged.source(), staged);
                try {
                    manager.loadOne(staged.copy());
                } catch (RuntimeException e) {
                    report(new PluginProblem(path, null, reasonOf(e)), e);
                    staging.discard(staged.copy());
                }
            }
            resolveAndReportUnresolved();
            for (PluginWrapper wrapper : List.copyOf(manager.getResolvedPlugins())) {
                if (!plugins.containsKey(wrapper.getPluginId())) {
                    try {
                        startAndInstall(wrapper, null);
                    } catch (PluginLoadException e) {
                        // reported by startAndInstall; the others go on
                    }
                }
            }
            log.info("{} plugin(s) running from {}, {} skipped", plugins.size(), pluginsDir, problems.size());
            return List.copyOf(problems.values()); // problems() is published at unlock, after this
        } finally {
            unlock();
        }
    }

    // ---- run-time changes -----------------------------------------------------------------------

    /**
     * Loads, starts and installs one plugin (from a staged copy of {@code path}).
     *
     * @throws PluginLoadException with the reason when it cannot; nothing else changes then
     */
    public LoadedPlugin load(Path path) {
        lock.lock();
        try {
            checkOpen();
            return loadStaged(stageOrReport(path, null, ""));
        } finally {
            unlock();
        }
    }

    /** Loads a plugin from a copy already staged (by the folder watcher). */
    LoadedPlugin loadStaged(PluginStaging.Staged staged) {
        lock.lock();
        try {
            checkOpen();
            PluginWrapper wrapper;
            try {
                wrapper = manager.loadOne(staged.copy());
            } catch (RuntimeException e) {
                PluginLoadException failure = report(new PluginProblem(staged.source(), null, reasonOf(e)), e);
                staging.discard(staged.copy());
                throw failure;
            }
            String id = wrapper.getPluginId();
            resolveAndReportUnresolved();
            if (manager.getPlugin(id) == null) {
                throw new PluginLoadException(problems.get(staged.source()), null);
            }
            return startAndInstall(wrapper, null);
        } finally {
            unlock();
        }
    }

    /**
     * Stops and unloads a plugin (and the plugins that depend on it), removing their hooks.
     *
     * @return whether it was loaded
     */
    public boolean unload(String id) {
        lock.lock();
        try {
            checkOpen();
            if (manager.getPlugin(id) == null) {
                return false;
            }
            if (pinned.containsKey(id)) {
                PluginWrapper wrapper = manager.getPlugin(id);
                report(new PluginProblem(staging.sourceOf(wrapper.getPluginPath()), id, "not unloaded: "
                        + pinned.get(id) + "; it keeps running until the server restarts"), null);
                return false;
            }
            List<String> dependents = dependentsOf(id);
            for (String dependent : dependents) {
                engine.uninstall(dependent);
            }
            engine.uninstall(id);
            PluginWrapper wrapper = manager.getPlugin(id);
            String version = wrapper.getDescriptor().getVersion();
            Path source = staging.sourceOf(wrapper.getPluginPath());
            manager.unloadPlugin(id);
            for (String dependent : dependents) {
                LoadedPlugin gone = plugins.remove(dependent);
                log.info("Plugin '{}' {} unloaded ({}): it depends on '{}'", dependent, gone == null ? "?" : gone.version(),
                        gone == null ? "?" : gone.path().getFileName(), id);
            }
            plugins.remove(id);
            log.info("Plugin '{}' {} unloaded ({})", id, version, source.getFileName());
            return true;
        } finally {
            unlock();
        }
    }

    /**
     * Replaces a running plugin with the one at {@code path} (often the same file, rewritten).
     * The old version serves until the new one is installed; the swap is atomic. If the new file
     * is not a valid plugin with the same id, the old version keeps running. If the new version
     * fails to start, the plugin is unloaded and the failure reported.
     *
     * @throws PluginLoadException with the reason when the new version cannot be used
     */
    public LoadedPlugin reload(String id, Path path) {
        lock.lock();
        try {
            checkOpen();
            return reloadStaged(id, stageOrReport(path, manager.getPlugin(id) == null ? null : id,
                    manager.getPlugin(id) == null ? "" : "not reloaded, the running version stays: "));
        } finally {
            unlock();
        }
    }

    /** Reloads a plugin from a copy already staged (by the folder watcher). */
    LoadedPlugin reloadStaged(String id, PluginStaging.Staged staged) {
        lock.lock();
        try {
            checkOpen();
            Path file = staged.copy();
            Path source = staged.source();
            PluginWrapper old = manager.getPlugin(id);
            if (old == null) {
                return loadStaged(staged);
            }
            if (pinned.containsKey(id)) {
                staging.discard(file);
                throw report(new PluginProblem(source, id, "not reloaded, the running version stays: "
                        + pinned.get(id) + "; the new version is used at the next start"), null);
            }
            PluginDescriptor next;
            try {
                next = manager.descriptorOf(file);
            } catch (RuntimeException e) {
                PluginLoadException failure = report(new PluginProblem(source, id, "not reloaded, the running version stays: "
                        + reasonOf(e)), e);
                staging.discard(file);
                throw failure;
            }
            if (!id.equals(next.getPluginId())) {
                staging.discard(file);
                throw report(new PluginProblem(source, next.getPluginId(), "not reloaded: it is plugin '" + next.getPluginId()
                        + "', not '" + id + "'"), null);
            }
            Map<String, Path> dependents = new LinkedHashMap<>();
            for (String dependent : dependentsOf(id)) {
                dependents.put(dependent, manager.getPlugin(dependent).getPluginPath());
            }
            // Unload the old version from PF4J (it cannot hold two plugins with one id), but leave its
            // hooks installed and its stop() held back: it keeps serving, on a class loader whose
            // close is deferred, until install() below swaps in the new hooks. Only then does it stop.
            stops.begin();
            LoadedPlugin reloaded;
            try {
                manager.unloadPlugin(id);
                PluginWrapper wrapper;
                try {
                    wrapper = manager.loadOne(file);
                } catch (RuntimeException e) {
                    PluginLoadException failure = report(new PluginProblem(source, id, reasonOf(e)), e);
                    staging.discard(file);
                    throw failure;
                }
                resolveAndReportUnresolved();
                if (manager.getPlugin(id) == null) {
                    throw new PluginLoadException(problems.get(source), null);
                }
                reloaded = startAndInstall(wrapper, "reloaded (was " + old.getDescriptor().getVersion() + ")");
            } catch (RuntimeException e) {
                engine.uninstall(id);
                plugins.remove(id);
                dependents.keySet().forEach(d -> {
                    engine.uninstall(d);
                    plugins.remove(d);
                });
                runDeferredStops();
                throw e instanceof PluginLoadException p ? p : report(new PluginProblem(source, id, reasonOf(e)), e);
            }
            dependents.forEach((dependent, dependentPath) -> {
                try {
                    // Its old class loader still reads the old copy until the grace period ends.
                    Path fresh = staging.restage(dependentPath);
                    try {
                        manager.loadOne(fresh);
                    } catch (RuntimeException e) {
                        staging.discard(fresh);
                        throw e;
                    }
                    resolveAndReportUnresolved();
                    startAndInstall(manager.getPlugin(dependent), "restarted after '" + id + "' was reloaded");
                } catch (IOException | RuntimeException e) {
                    engine.uninstall(dependent);
                    plugins.remove(dependent);
                    report(new PluginProblem(dependentPath, dependent, "not restarted after '" + id + "' was reloaded: "
                            + reasonOf(e)), e);
                }
            });
            runDeferredStops();
            return reloaded;
        } finally {
            unlock();
        }
    }

    // ---- state ----------------------------------------------------------------------------------

    /** @return the plugins running, in start order */
    public List<LoadedPlugin> plugins() {
        return pluginsView;
    }

    /**
     * @return the plugins unloaded (or replaced by a reload) that are still in memory after their
     *         grace period and a garbage collection, with the threads that hold them; oldest first
     */
    public List<LeakedPlugin> leaked() {
        return leaks.leaked();
    }

    /** @return the plugins skipped at start or on a later load, with their reasons */
    public List<PluginProblem> problems() {
        return problemsView;
    }

    // ---- for the folder watcher -----------------------------------------------------------------

    /** Copies a plugin file into the staging folder; the caller loads or discards the copy. */
    PluginStaging.Staged stage(Path source) throws IOException {
        return staging.stage(source);
    }

    /** Deletes a staged copy that will not be loaded. */
    void discard(PluginStaging.Staged staged) {
        staging.discard(staged.copy());
    }

    /** @return the descriptor of a staged copy; throws with the reason when it is not a valid plugin */
    PluginDescriptor descriptorOf(PluginStaging.Staged staged) {
        lock.lock();
        try {
            return manager.descriptorOf(staged.copy());
        } finally {
            unlock();
        }
    }

    /** @return the descriptor of a plugin file; throws with the reason when it is not a valid plugin */
    PluginDescriptor descriptorOf(Path file) {
        lock.lock();
        try {
            return manager.descriptorOf(file);
        } finally {
            unlock();
        }
    }

    /** What {@link #start()} staged, by source file, loaded or not. */
    Map<Path, PluginStaging.Staged> bootStaged() {
        lock.lock();
        try {
            return Map.copyOf(bootStaged);
        } finally {
            unlock();
        }
    }

    /** Reports a plugin file the watcher skips (an id clash); logged at ERROR. */
    void reportProblem(Path source, String pluginId, String reason) {
        lock.lock();
        try {
            report(new PluginProblem(source, pluginId, reason), null);
        } finally {
            unlock();
        }
    }

    /** Forgets the problem of a file that was removed from the folder. */
    void forgetProblem(Path source) {
        lock.lock();
        try {
            problems.remove(source.toAbsolutePath().normalize());
        } finally {
            unlock();
        }
    }

    /** @return the id of the plugin loaded from this file, if any */
    String loadedFrom(Path source) {
        for (LoadedPlugin plugin : pluginsView) {
            if (plugin.path().equals(source)) {
                return plugin.id();
            }
        }
        return null;
    }

    /** @return whether the host was closed */
    boolean isClosed() {
        return closed;
    }

    /**
     * Uninstalls every plugin's hooks, then stops the plugins one by one in reverse start order.
     * Never waits for ever: when a load, reload or unload in progress (plugin code) holds the host
     * for more than 10 s, or is inside {@code System.exit}, the plugins are left as they are; when
     * their {@code stop()} methods take more than 10 s together, or one calls {@code System.exit},
     * the rest is skipped. Either is logged at ERROR.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (!lock.lockUnlessStuck(CLOSE_WAIT)) {
            closed = true;
            closer.shutdownNow();
            log.error("Plugins not stopped: the plugin host is held by {}; closing without stopping them",
                    ExitAware.describe(lock.holder()));
            return;
        }
        try {
            closeLocked();
        } finally {
            unlock();
        }
    }

    private void closeLocked() {
        if (closed) {
            return;
        }
        closed = true;
        List<String> order = new ArrayList<>(plugins.keySet());
        Collections.reverse(order);
        for (String id : order) {
            engine.uninstall(id);
        }
        if (!stopAll(order)) {
            plugins.clear();
            closer.shutdownNow(); // PF4J may still be busy on the stuck thread: leave its loaders and copies be
            return;
        }
        for (String id : order) {
            try {
                manager.unloadPlugin(id);
            } catch (RuntimeException e) {
                log.warn("Plugin '{}' failed to unload", id, e);
            }
        }
        for (PluginWrapper leftover : List.copyOf(manager.getPlugins())) {
            manager.unloadPlugin(leftover.getPluginId()); // loaded but disabled or never started
        }
        plugins.clear();
        closer.shutdownNow();
        for (HostPluginClassLoader loader : List.copyOf(closing.keySet())) {
            closeNow(loader);
        }
        staging.deleteAll();
    }

    // ---- internals ------------------------------------------------------------------------------

    /**
     * Stops the plugins in this order on a thread of its own, so that a {@code stop()} that hangs or
     * calls {@code System.exit} cannot hold the caller (often the JVM's shutdown hook) for ever.
     *
     * @return whether every stop() returned in time
     */
    private boolean stopAll(List<String> order) {
        // PF4J 3.15.0's stopPlugins() reverses its list while iterating it (a
        // ConcurrentModificationException); stop one at a time instead.
        Thread stopper = Thread.ofPlatform().daemon().name("hookline-plugin-stop").unstarted(() -> {
            for (String id : order) {
                try {
                    manager.stopPlugin(id);
                } catch (RuntimeException | LinkageError e) {
                    log.warn("Plugin '{}' failed to stop", id, e);
                }
            }
        });
        stopper.start();
        if (ExitAware.join(stopper, STOP_WAIT)) {
            return true;
        }
        log.error("Plugins not all stopped: their stop() methods are held by {}; closing without waiting for them",
                ExitAware.describe(stopper));
        return false;
    }

    /** Publishes what readers see, then lets go of the lock. */
    private void unlock() {
        if (lock.getHoldCount() == 1) {
            pluginsView = List.copyOf(plugins.values());
            problemsView = List.copyOf(problems.values());
        }
        lock.unlock();
    }

    private PluginStaging.Staged stageOrReport(Path path, String id, String prefix) {
        Path file = path.toAbsolutePath().normalize();
        try {
            return staging.stage(file);
        } catch (IOException | RuntimeException e) {
            throw report(new PluginProblem(file, id, prefix + "cannot be copied for loading: " + reasonOf(e)), e);
        }
    }

    /**
     * Starts a loaded plugin and installs its hooks; logs one line.
     *
     * @param how what happened, for the log line: {@code null} for a plain load
     */
    private LoadedPlugin startAndInstall(PluginWrapper wrapper, String how) {
        String id = wrapper.getPluginId();
        Path path = staging.sourceOf(wrapper.getPluginPath());
        String version = wrapper.getDescriptor().getVersion();
        if (RESERVED_IDS.contains(id)) {
            manager.unloadPlugin(id);
            throw report(new PluginProblem(path, id, "the plugin id '" + id + "' is reserved; rename the plugin"), null);
        }
        if (!manager.versionFits(wrapper.getDescriptor())) {
            manager.unloadPlugin(id);
            throw report(new PluginProblem(path, id, "it requires Hookline " + wrapper.getDescriptor().getRequires()
                    + " (Plugin-Requires), and this server is " + Version.get()), null);
        }
        List<String> listed = listedHookClasses(wrapper);
        if (!engine.settingsOf(id).enabled()) {
            LoadedPlugin plugin = new LoadedPlugin(id, version, path, listed, false);
            plugins.put(id, plugin);
            problems.remove(path);
            log.info("Plugin '{}' {} is disabled by configuration: loaded, not started", id, version);
            return plugin;
        }
        PluginState state = manager.startPlugin(id);
        if (state != PluginState.STARTED) {
            Throwable cause = wrapper.getFailedException();
            manager.unloadPlugin(id);
            throw report(new PluginProblem(path, id, "failed to start: "
                    + (cause == null ? "state " + state : reasonOf(cause))), cause);
        }
        List<ServerHooks> hooks;
        try {
            hooks = instantiateHooks(wrapper, listed);
        } catch (PluginLoadException e) {
            manager.unloadPlugin(id);
            throw e;
        }
        ClusterEngine clusterEngine = clusterEngineOf(wrapper);
        engine.install(new HookSource(id, version, hooks));
        if (clusterEngine != null && clusterEngines.put(id, clusterEngine) != null) {
            log.warn("Plugin '{}' was reloaded; a running cluster node keeps the engine it started with until it "
                    + "restarts", id);
        }
        LoadedPlugin plugin = new LoadedPlugin(id, version, path, listed, true);
        plugins.put(id, plugin);
        problems.remove(path);
        log.info("Plugin '{}' {} {} from {} with {} hook class(es){}", id, version, how == null ? "loaded" : how,
                path.getFileName(),
                hooks.size(), hooks.isEmpty() ? "" : ": " + listed);
        return plugin;
    }

    /** The file a plugin lists its cluster engine in. */
    static final String CLUSTER_ENGINE_FILE = "META-INF/services/" + ClusterEngine.class.getName();

    /**
     * @return the cluster engine the plugin lists in {@link #CLUSTER_ENGINE_FILE}, made with its
     *         public no-argument constructor; null when it lists none
     * @throws PluginLoadException when it lists one that cannot be made, or more than one
     */
    private ClusterEngine clusterEngineOf(PluginWrapper wrapper) {
        String id = wrapper.getPluginId();
        List<String> listed;
        try {
            listed = ServicesFile.classes((PluginClassLoader) wrapper.getPluginClassLoader(), CLUSTER_ENGINE_FILE);
        } catch (java.io.UncheckedIOException e) {
            throw new PluginLoadException(new PluginProblem(wrapper.getPluginPath(), id, e.getMessage()), e);
        }
        if (listed.isEmpty()) {
            return null;
        }
        if (listed.size() > 1) {
            manager.unloadPlugin(id);
            throw report(new PluginProblem(wrapper.getPluginPath(), id, "it lists " + listed.size()
                    + " cluster engines in " + CLUSTER_ENGINE_FILE + "; a plugin provides one at most"), null);
        }
        String name = listed.get(0);
        try {
            Class<?> type = wrapper.getPluginClassLoader().loadClass(name);
            if (!ClusterEngine.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException(name + " does not implement " + ClusterEngine.class.getName());
            }
            return (ClusterEngine) type.getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            manager.unloadPlugin(id);
            Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
            throw report(new PluginProblem(wrapper.getPluginPath(), id, "its cluster engine " + name
                    + " could not be created: " + cause), cause);
        }
    }

    /**
     * Keeps a plugin loaded for as long as the server runs: removing or replacing its jar is
     * reported and takes effect at the next start. For a plugin whose objects the server holds
     * beyond hook calls (the cluster engine it started with).
     *
     * @param why what the plugin is used for, for the report
     */
    public void pin(String id, String why) {
        pinned.put(id, why);
    }

    /**
     * @return the cluster engines offered by the plugins started now, by plugin id, in start order
     *         (a node uses the first, and only at start)
     */
    public Map<String, ClusterEngine> clusterEngines() {
        synchronized (clusterEngines) {
            return new LinkedHashMap<>(clusterEngines);
        }
    }

    private List<ServerHooks> instantiateHooks(PluginWrapper wrapper, List<String> listed) {
        String id = wrapper.getPluginId();
        List<Class<? extends ServerHooks>> found = manager.getExtensionClasses(ServerHooks.class, id);
        Set<String> foundNames = new LinkedHashSet<>();
        found.forEach(type -> foundNames.add(type.getName()));
        for (String name : listed) {
            if (!foundNames.contains(name)) {
                throw report(new PluginProblem(wrapper.getPluginPath(), id, whyNotAHook(wrapper.getPluginClassLoader(), name)), null);
            }
        }
        List<ServerHooks> hooks = new ArrayList<>(found.size());
        for (Class<? extends ServerHooks> type : found) {
            try {
                hooks.add(type.getConstructor().newInstance());
            } catch (NoSuchMethodException e) {
                throw report(new PluginProblem(wrapper.getPluginPath(), id, type.getName()
                        + " needs a public no-argument constructor"), e);
            } catch (InvocationTargetException e) {
                throw report(new PluginProblem(wrapper.getPluginPath(), id, "the constructor of " + type.getName()
                        + " threw " + e.getCause()), e.getCause());
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                throw report(new PluginProblem(wrapper.getPluginPath(), id, type.getName() + " could not be created: " + e), e);
            }
        }
        return hooks;
    }

    private static String whyNotAHook(ClassLoader loader, String name) {
        try {
            Class<?> type = loader.loadClass(name);
            if (!ServerHooks.class.isAssignableFrom(type)) {
                return name + " is listed in " + SERVICES_FILE + " but does not implement " + ServerHooks.class.getName();
            }
            return name + " is listed in " + SERVICES_FILE + " but PF4J did not return it";
        } catch (ClassNotFoundException | LinkageError e) {
            return name + " is listed in " + SERVICES_FILE + " but cannot be loaded: " + e;
        }
    }

    private static List<String> listedHookClasses(PluginWrapper wrapper) {
        try {
            return ServicesFile.hookClasses((PluginClassLoader) wrapper.getPluginClassLoader());
        } catch (java.io.UncheckedIOException e) {
            throw new PluginLoadException(new PluginProblem(wrapper.getPluginPath(), wrapper.getPluginId(),
                    e.getMessage()), e);
        }
    }

    /** Resolves dependencies; every plugin PF4J had to drop is reported with what it was missing. */
    private void resolveAndReportUnresolved() {
        Map<String, PluginWrapper> before = new LinkedHashMap<>();
        manager.getPlugins().forEach(w -> before.put(w.getPluginId(), w));
        try {
            manager.resolve();
        } catch (RuntimeException e) {
            // A dependency cycle: PF4J cannot order anything, so every unresolved plugin is dropped.
            for (PluginWrapper w : List.copyOf(manager.getUnresolvedPlugins())) {
                manager.unloadPlugin(w.getPluginId());
            }
        }
        for (PluginWrapper w : before.values()) {
            if (manager.getPlugin(w.getPluginId()) == null) {
                report(new PluginProblem(w.getPluginPath(), w.getPluginId(), unresolvedReason(w, before.keySet())), null);
            }
        }
    }

    private String unresolvedReason(PluginWrapper wrapper, Set<String> present) {
        List<String> missing = new ArrayList<>();
        for (PluginDependency dependency : wrapper.getDescriptor().getDependencies()) {
            if (!dependency.isOptional() && !present.contains(dependency.getPluginId())) {
                missing.add(dependency.getPluginId());
            }
        }
        if (!missing.isEmpty()) {
            return "it depends on plugin(s) " + missing + ", which are not in " + pluginsDir;
        }
        return "its dependencies " + wrapper.getDescriptor().getDependencies()
                + " could not be resolved (a version mismatch, a cycle, or a dependency that was itself skipped)";
    }

    /** The ids of the plugins that depend, directly or not, on {@code id}, dependents first. */
    private List<String> dependentsOf(String id) {
        List<String> result = new ArrayList<>();
        collectDependents(id, result);
        return result;
    }

    private void collectDependents(String id, List<String> into) {
        for (PluginWrapper w : manager.getPlugins()) {
            for (PluginDependency d : w.getDescriptor().getDependencies()) {
                if (d.getPluginId().equals(id) && !into.contains(w.getPluginId())) {
                    collectDependents(w.getPluginId(), into);
                    into.add(w.getPluginId());
                }
            }
        }
    }

    private PluginLoadException report(PluginProblem reported, Throwable cause) {
        // Name the operator's file, never the staged copy.
        PluginProblem problem = new PluginProblem(staging.sourceOf(reported.path()), reported.pluginId(),
                staging.scrub(reported.reason()));
        problems.put(problem.path(), problem);
        if (cause != null && !(cause instanceof PluginLoadException) && log.isDebugEnabled()) {
            log.debug("Plugin problem in {}", problem.path(), cause);
        }
        log.error("Plugin skipped: {} ({}): {}", problem.pluginId() == null ? "?" : problem.pluginId(),
                problem.path(), problem.reason());
        return new PluginLoadException(problem, cause);
    }

    private static String reasonOf(Throwable e) {
        StringBuilder reason = new StringBuilder();
        Throwable t = e;
        while (t != null) {
            String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
            if (reason.indexOf(message) < 0) {
                if (!reason.isEmpty()) {
                    reason.append(": ");
                }
                reason.append(message);
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return reason.toString();
    }

    /** Stops the old versions a reload held back, now that nothing routes calls to them. */
    private void runDeferredStops() {
        for (Runnable stop : stops.end()) {
            try {
                stop.run();
            } catch (RuntimeException | LinkageError e) {
                log.warn("The previous version of a reloaded plugin failed to stop", e);
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the plugin host is closed");
        }
    }

    private void closeLater(HostPluginClassLoader loader) {
        if (closing.putIfAbsent(loader, Instant.now()) != null) {
            return;
        }
        try {
            closer.schedule(() -> closeNow(loader), closeGrace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            closeNow(loader); // the host is closing
        }
    }

    private void closeNow(HostPluginClassLoader loader) {
        Instant unloadedAt = closing.remove(loader);
        if (unloadedAt != null) {
            try {
                loader.closeNow();
            } catch (IOException e) {
                log.warn("Could not close a plugin class loader", e);
            }
            Path source = staging.sourceOf(loader.pluginPath());
            staging.discard(loader.pluginPath()); // nothing reads the copy any more
            if (!closed) {
                leaks.watch(loader, source, unloadedAt); // from now on nothing of ours should hold it
            }
        }
    }
}
