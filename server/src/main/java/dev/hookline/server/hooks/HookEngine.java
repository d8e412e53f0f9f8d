package dev.hookline.server.hooks;

import dev.hookline.api.Connection;
import dev.hookline.api.ServerApi;
import dev.hookline.api.ServerHooks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and runs hook chains. Sources of hooks (plugins, the class path, code) are installed and
 * removed at run time; each change builds a new {@link Chains} snapshot and swaps it in one
 * volatile write, so a chain already running finishes on the snapshot it started with.
 *
 * <p>Chains run on the caller's thread through a {@link CallContext}; the server calls them from
 * virtual threads it owns, never from network threads. {@link #runAsync} runs one on a new
 * virtual thread for callers that are not on one.
 */
public final class HookEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HookEngine.class);

    /**
     * How the engine behaves.
     *
     * @param defaultTimeout the deadline of a hook call when the plugin's settings give none
     * @param watchdogTick   how often deadlines are checked (the precision of deadlines)
     * @param stuckAfter     how long after its interrupt a hook that ignores it is reported as stuck
     * @param timingSample   time one call in this many (a power of two) of a hook that is typically
     *                       fast; 1 times every call. Slow hooks are always timed.
     * @param settings       the configuration of each source, by id
     */
    public record Options(Duration defaultTimeout, Duration watchdogTick, Duration stuckAfter, int timingSample,
                          Function<String, PluginSettings> settings) {

        /**
         * 10 s deadlines checked every 50 ms, stuck hooks reported 30 s after their interrupt, one
         * fast call in 64 timed, default settings.
         */
        public static final Options DEFAULTS = new Options(Duration.ofSeconds(10), Duration.ofMillis(50),
                Duration.ofSeconds(30), 64, id -> PluginSettings.DEFAULTS);

        /** Validates the options. */
        public Options {
            Objects.requireNonNull(defaultTimeout, "defaultTimeout");
            Objects.requireNonNull(watchdogTick, "watchdogTick");
            Objects.requireNonNull(stuckAfter, "stuckAfter");
            Objects.requireNonNull(settings, "settings");
            if (timingSample < 1 || Integer.bitCount(timingSample) != 1) {
                throw new IllegalArgumentException("timingSample must be a power of two, not " + timingSample);
            }
        }

        /** @return a copy with another default deadline */
        public Options withDefaultTimeout(Duration timeout) {
            return new Options(timeout, watchdogTick, stuckAfter, timingSample, settings);
        }

        /** @return a copy timing one fast call in {@code sample} */
        public Options withTimingSample(int sample) {
            return new Options(defaultTimeout, watchdogTick, stuckAfter, sample, settings);
        }

        /** @return a copy reading each source's settings from {@code settings} */
        public Options withSettings(Function<String, PluginSettings> settings) {
            return new Options(defaultTimeout, watchdogTick, stuckAfter, timingSample, settings);
        }
    }

    private record StatsKey(String hook, String pluginId, String className) {
    }

    private final Options options;
    private final DeadlineWatchdog watchdog;
    private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Installed> sources = new LinkedHashMap<>(); // guarded by this
    private final Map<StatsKey, EntryStats> stats = new ConcurrentHashMap<>();
    private final AtomicInteger nextSlot = new AtomicInteger();
    private volatile Chains chains = Chains.empty();
    /** Set for good once a store hook was installed: from then on none means storage is gone, not "memory only". */
    private volatile boolean storageInstalled;

    /** A source with what was computed once from it: settings, context, declared priorities. */
    private record Installed(HookSource source, PluginSettings settings, DefaultPluginContext context,
                             int[] declaredPriorities) {
    }

    /** An engine with {@link Options#DEFAULTS}. */
    public HookEngine() {
        this(Options.DEFAULTS);
    }

    public HookEngine(Options options) {
        this.options = Objects.requireNonNull(options);
        this.watchdog = new DeadlineWatchdog(options.watchdogTick().toNanos(), options.stuckAfter().toNanos(),
                this::foldCalls);
    }

    // ---- sources ------------------------------------------------------------------------------

    /**
     * Installs a source, replacing any source with the same id, and swaps in the new chains.
     * A plugin disabled in its settings is kept but contributes nothing.
     */
    public void install(HookSource source) {
        PluginSettings settings = settingsOf(source.id());
        int[] priorities = new int[source.hooks().size()];
        for (int i = 0; i < priorities.length; i++) {
            priorities[i] = declaredPriority(source, source.hooks().get(i));
        }
        Installed installed = new Installed(source, settings,
                new DefaultPluginContext(source.id(), source.version(), settings.settings()), priorities);
        synchronized (this) {
            sources.put(source.id(), installed);
            rebuild();
        }
        if (!settings.enabled()) {
            log.info("Plugin '{}' is disabled by configuration: its hooks do not run", source.id());
        }
    }

    /**
     * @return a context for plugin {@code id} with its settings, for what a plugin provides besides
     *         hooks (a cluster engine)
     */
    public dev.hookline.api.PluginContext pluginContext(String id, String version) {
        return new DefaultPluginContext(id, version, settingsOf(id).settings());
    }

    /** Removes a source and swaps in chains without it. @return whether it was installed */
    public boolean uninstall(String id) {
        synchronized (this) {
            if (sources.remove(id) == null) {
                return false;
            }
            rebuild();
            return true;
        }
    }

    /** @return the options the engine runs with */
    public Options options() {
        return options;
    }

    /** @return the settings the engine uses for the source with that id */
    public PluginSettings settingsOf(String id) {
        return Objects.requireNonNull(options.settings().apply(id), "settings of " + id);
    }

    /** @return the ids of the installed sources, in installation order */
    public synchronized List<String> sourceIds() {
        return List.copyOf(sources.keySet());
    }

    private static int declaredPriority(HookSource source, ServerHooks hooks) {
        try {
            return hooks.priority();
        } catch (RuntimeException | LinkageError e) {
            log.warn("priority() of {} in plugin '{}' threw; using 100", hooks.getClass().getName(), source.id(), e);
            return 100;
        }
    }

    private void rebuild() {
        List<Hook<?>> all = Hooks.all();
        List<List<HookEntry>> perHook = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            perHook.add(new ArrayList<>());
        }
        for (Installed installed : sources.values()) {
            if (!installed.settings().enabled()) {
                continue;
            }
            List<ServerHooks> hooks = installed.source().hooks();
            for (int i = 0; i < hooks.size(); i++) {
                ServerHooks instance = hooks.get(i);
                Integer override = installed.settings().priority();
                int priority = override != null ? override : installed.declaredPriorities()[i];
                for (Hook<?> hook : all) {
                    if (hook.isOverriddenBy(instance.getClass())) {
                        long timeout = installed.settings().timeoutFor(hook, options.defaultTimeout()).toNanos();
                        perHook.get(hook.ordinal()).add(new HookEntry(instance, priority, i, timeout,
                                installed.context(), statsFor(hook, installed.source().id(), instance.getClass().getName())));
                    }
                }
            }
        }
        HookChain<?>[] built = new HookChain<?>[all.size()];
        for (Hook<?> hook : all) {
            built[hook.ordinal()] = chainOf(hook, perHook.get(hook.ordinal()));
        }
        chains = new Chains(built);
        if (!built[Hooks.ON_STORE_DOCUMENT.ordinal()].isEmpty()) {
            storageInstalled = true;
        }
    }

    private static <P> HookChain<P> chainOf(Hook<P> hook, List<HookEntry> entries) {
        entries.sort(HookEntry.ORDER);
        return new HookChain<>(hook, entries.toArray(new HookEntry[0]));
    }

    private EntryStats statsFor(Hook<?> hook, String pluginId, String className) {
        return stats.computeIfAbsent(new StatsKey(hook.name(), pluginId, className),
                key -> new EntryStats(key.hook(), key.pluginId(), key.className(), nextSlot.getAndIncrement()));
    }

    // ---- running ------------------------------------------------------------------------------

    /** @return whether an {@code onStoreDocument} hook has been installed at any time since the engine started */
    public boolean storageWasInstalled() {
        return storageInstalled;
    }

    /** @return the current snapshot of chains */
    public Chains chains() {
        return chains;
    }

    /** Runs {@code hook}'s current chain on the calling thread; see {@link HookChain#run}. */
    public <P> P run(Hook<P> hook, P payload, CallContext context) {
        return chains.of(hook).run(payload, context);
    }

    /**
     * Opens a context for a sequential worker. Close it when the worker ends.
     *
     * @param server     the server API hooks see, or {@code null} when there is none
     * @param connection the connection the worker serves, or {@code null}
     */
    public CallContext newContext(ServerApi server, Connection connection) {
        CallContext context = new CallContext(watchdog, server, connection, options.timingSample() - 1);
        watchdog.register(context);
        return context;
    }

    /** Runs {@code hook}'s chain on a new virtual thread, with a context of its own. */
    public <P> CompletableFuture<P> runAsync(Hook<P> hook, P payload, ServerApi server, Connection connection) {
        return CompletableFuture.supplyAsync(() -> {
            try (CallContext context = newContext(server, connection)) {
                return run(hook, payload, context);
            }
        }, virtualThreads);
    }

    // ---- statistics ---------------------------------------------------------------------------

    /** @return the counters of every (hook, plugin, class) seen since start, sorted by hook then plugin */
    public List<HookStats> stats() {
        List<HookStats> result = new ArrayList<>();
        for (EntryStats entry : stats.values()) {
            long calls = entry.closedContextCalls.sum();
            for (CallContext context : watchdog.contexts()) {
                calls += context.callsOf(entry.slot);
            }
            result.add(entry.snapshot(calls));
        }
        result.sort(Comparator.comparing((HookStats s) -> Hooks.byName(s.hook()).ordinal())
                .thenComparing(HookStats::pluginId).thenComparing(HookStats::className));
        return result;
    }

    private void foldCalls(CallContext context) {
        for (EntryStats entry : stats.values()) {
            long calls = context.callsOf(entry.slot);
            if (calls != 0) {
                entry.closedContextCalls.add(calls);
            }
        }
    }

    /** Stops the watchdog. Chains still run afterwards, without deadlines. */
    @Override
    public void close() {
        watchdog.close();
        virtualThreads.shutdown();
    }
}
