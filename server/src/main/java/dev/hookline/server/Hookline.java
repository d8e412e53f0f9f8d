package dev.hookline.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerApi;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Configure;
import dev.hookline.api.payload.Destroy;
import dev.hookline.api.payload.Listen;
import dev.hookline.server.config.ServerConfig;
import dev.hookline.server.documents.DocumentRegistry;
import dev.hookline.server.flow.CarrierHeadroom;
import dev.hookline.server.hooks.CallContext;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.hooks.HookSource;
import dev.hookline.server.hooks.Hooks;
import dev.hookline.server.hooks.PluginSettings;
import dev.hookline.server.observe.HealthReport;
import dev.hookline.server.observe.ObserveRoutes;
import dev.hookline.server.observe.ProcessResources;
import dev.hookline.server.observe.ServerMetrics;
import dev.hookline.server.plugins.ClasspathHooks;
import dev.hookline.server.plugins.PluginHost;
import dev.hookline.server.plugins.PluginWatcher;
import dev.hookline.server.protocol.Json;
import dev.hookline.server.session.DocumentLinks;
import dev.hookline.server.cluster.ClusterService;
import dev.hookline.server.config.ClusterConfig;
import dev.hookline.api.cluster.ClusterEngine;
import java.util.Map;
import dev.hookline.server.session.ServerApiImpl;
import dev.hookline.server.transport.ClientConnection;
import dev.hookline.server.transport.ConnectionBudget;
import dev.hookline.server.transport.ConnectionLimit;
import dev.hookline.server.transport.HttpEndpoint;
import dev.hookline.server.transport.ListenerOptions;
import dev.hookline.server.transport.WebSocketEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Hookline server, and the way to start one in-process:
 *
 * <pre>{@code
 * try (Hookline server = Hookline.builder()
 *         .port(0)                                  // any free port
 *         .hooks(new MyAuthHooks())                 // registered in code
 *         .pluginsDirectory(Path.of("plugins"))     // and/or plugin jars
 *         .start()) {
 *     server.api().set("board", "title", TextNode.valueOf("Sprint 12"));
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #stop()} (and {@link #close()}) shut down gracefully: new connections are refused,
 * open ones get a goodbye and close with 1001, every changed document is stored, then
 * {@code onDestroy} runs.
 */
public final class Hookline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Hookline.class);

    /** Builds a server. Every setting has a default; see {@link ServerConfig#DEFAULTS}. */
    public static final class Builder {

        private ServerConfig config = ServerConfig.DEFAULTS;
        private final List<ServerHooks> hooks = new ArrayList<>();
        private Path pluginsDirectory;
        private boolean watchPlugins = true;
        private Duration pluginCloseGrace = PluginHost.CLOSE_GRACE;
        private boolean classpathHooks = true;
        private HookEngine.Options engineOptions = HookEngine.Options.DEFAULTS;
        private String adminToken;
        private boolean metricsEnabled = true;
        private ClusterConfig cluster = ClusterConfig.DEFAULTS;

        private Builder() {
        }

        /** Replaces the whole configuration. */
        public Builder config(ServerConfig config) {
            this.config = Objects.requireNonNull(config);
            return this;
        }

        /** The address to bind; default {@code 0.0.0.0}. */
        public Builder host(String host) {
            config = config.withAddress(host, config.port());
            return this;
        }

        /** The port; default 1234; 0 picks a free one (see {@link Hookline#port()}). */
        public Builder port(int port) {
            config = config.withAddress(config.host(), port);
            return this;
        }

        /** Registers hooks in code, as the source {@code app}. */
        public Builder hooks(ServerHooks... hooks) {
            this.hooks.addAll(List.of(hooks));
            return this;
        }

        /** Loads plugin jars and zips from this folder. */
        public Builder pluginsDirectory(Path directory) {
            this.pluginsDirectory = directory;
            return this;
        }

        /**
         * Whether to watch the plugins folder while running, loading, reloading and unloading plugins
         * as their files are added, replaced and removed ({@link PluginWatcher}); default true. Only
         * used with a {@link #pluginsDirectory(Path) plugins directory}.
         */
        public Builder watchPlugins(boolean enabled) {
            this.watchPlugins = enabled;
            return this;
        }

        /**
         * How long the class loader of an unloaded or replaced plugin stays open for calls still
         * running its code; default 30 s. After it, an unloaded plugin still in memory is reported
         * (log and {@code /admin/plugins}, "leaked").
         */
        public Builder pluginCloseGrace(Duration grace) {
            this.pluginCloseGrace = Objects.requireNonNull(grace);
            return this;
        }

        /** Whether to run the hooks listed in {@code META-INF/services} on the class path; default true. */
        public Builder classpathHooks(boolean enabled) {
            this.classpathHooks = enabled;
            return this;
        }

        /** The hook engine's options: default deadline, watchdog, per-plugin settings. */
        public Builder engineOptions(HookEngine.Options options) {
            this.engineOptions = Objects.requireNonNull(options);
            return this;
        }

        /** Per-plugin settings (enabled, priority, deadlines, own settings), by plugin id. */
        public Builder pluginSettings(Function<String, PluginSettings> settings) {
            this.engineOptions = engineOptions.withSettings(settings);
            return this;
        }

        /**
         * The token of {@code /admin/plugins} and {@code /admin/hooks}, sent as
         * {@code Authorization: Bearer <token>}. {@code null} or blank (the default) disables them:
         * they answer 404.
         */
        public Builder adminToken(String token) {
            this.adminToken = token == null || token.isBlank() ? null : token;
            return this;
        }

        /** Whether to record metrics and serve them at {@code GET /metrics} (Prometheus); default true. */
        public Builder metricsEnabled(boolean enabled) {
            this.metricsEnabled = enabled;
            return this;
        }

        /**
         * How this node takes part in a cluster ({@code cluster.*}); used only when a plugin provides
         * a cluster engine. Default {@link ClusterConfig#DEFAULTS}.
         */
        public Builder cluster(ClusterConfig cluster) {
            this.cluster = Objects.requireNonNull(cluster);
            return this;
        }

        /**
         * Starts the server: plugins, {@code onConfigure}, the listener, {@code onListen}.
         *
         * @throws IllegalStateException when a hook rejects the start-up or the port cannot be bound
         */
        public Hookline start() {
            return new Hookline(this).startUp();
        }
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    private final Builder settings;
    private final HookEngine engine;
    private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("hookline-timers").factory()); // keep-alives and store timers: they only queue lane tasks
    private final ServerApiImpl api;
    private final ServerMetrics metrics;
    private PluginHost plugins;
    private PluginWatcher pluginWatcher;
    private ServerConfig config;
    private DocumentRegistry documents;
    private DocumentLinks links;
    private ClusterService cluster;
    private WebSocketEndpoint webSockets;
    private Undertow undertow;
    private InetSocketAddress address;
    private volatile boolean stopping;
    private boolean stopped;

    private Hookline(Builder settings) {
        this.settings = settings;
        this.engine = new HookEngine(settings.engineOptions);
        this.api = new ServerApiImpl(engine);
        this.metrics = ServerMetrics.create(settings.metricsEnabled);
    }

    private Hookline startUp() {
        try {
            if (!settings.hooks.isEmpty()) {
                engine.install(new HookSource("app", "0.0.0", settings.hooks));
            }
            if (settings.classpathHooks) {
                engine.install(ClasspathHooks.discover(Hookline.class.getClassLoader()));
            }
            if (settings.pluginsDirectory != null) {
                plugins = new PluginHost(settings.pluginsDirectory, engine, settings.pluginCloseGrace);
                plugins.start();
                if (settings.watchPlugins) {
                    pluginWatcher = PluginWatcher.start(plugins);
                }
            }
            config = configure(settings.config);
            documents = new DocumentRegistry(engine, api, virtualThreads, config.changeLogSize(),
                    config.data().maxChangeLogBytes(), config.data().maxChangeLogBytesTotal(), config.store(), ticker,
                    metrics.traffic());
            api.documents(documents);
            links = new DocumentLinks(documents);
            webSockets = new WebSocketEndpoint(config, engine, links, api, virtualThreads, ticker, metrics.traffic());
            cluster = joinCluster();
            metrics.bind(engine, this::connectionCount, this::documentCount, documents::storeStats);
            metrics.bindChangeLogs(documents.changeLogBudget());
            if (pluginWatcher != null) {
                metrics.bindPluginWatcher(pluginWatcher::failedScans);
            }
            ConnectionBudget budget = ConnectionBudget.of(config.connections(), ProcessResources.get());
            log.info("Connection limit {} ({}); accepts pause at {} open sockets", budget.maxConnections(),
                    budget.derivation(), budget.acceptHighWater());
            ConnectionLimit limit = new ConnectionLimit(budget.maxConnections(), this::connectionCount);
            ObserveRoutes routes = new ObserveRoutes(metrics, engine, () -> plugins, settings.adminToken);
            HealthReport health = new HealthReport(this::connectionCount, this::documentCount, limit::current,
                    budget.maxConnections(), () -> stopping, ProcessResources.get());
            if (cluster != null) {
                routes.cluster(() -> cluster.status(true));
                health.cluster(() -> cluster.status(false));
                cluster.bindMeters(metrics.registry());
            }
            HttpEndpoint http = new HttpEndpoint(config.webSocketPath(), Handlers.websocket(webSockets), engine, api,
                    virtualThreads, () -> stopping, routes, limit, health);
            undertow = ListenerOptions.apply(Undertow.builder(), config, budget)
                    .addHttpListener(config.port(), config.host())
                    .setHandler(http)
                    .build();
            undertow.start();
            address = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
            runStartHook(() -> engine.run(Hooks.ON_LISTEN, new Listen(config.host(), address.getPort()), context()),
                    "onListen");
            log.info("Hookline {} listening on {}:{} (WebSocket at {})", Version.get(), config.host(), address.getPort(),
                    config.webSocketPath());
            CarrierHeadroom.warnIfNone();
            return this;
        } catch (RuntimeException e) {
            shutDown();
            throw e;
        }
    }

    private CallContext context() {
        return engine.newContext(api, null);
    }

    /**
     * Makes this node a cluster member when a started plugin provides a cluster engine (the first
     * one, if several do): documents are then owned one node at a time, and sessions reach the
     * documents other nodes own through the relay.
     *
     * @return the node's cluster service, or null when it runs alone
     */
    private ClusterService joinCluster() {
        if (plugins == null) {
            return null;
        }
        Map<String, ClusterEngine> engines = plugins.clusterEngines();
        if (engines.isEmpty()) {
            return null;
        }
        Map.Entry<String, ClusterEngine> first = engines.entrySet().iterator().next();
        if (engines.size() > 1) {
            log.warn("Several plugins provide a cluster engine {}; using '{}'", engines.keySet(), first.getKey());
        }
        String version = plugins.plugins().stream().filter(p -> p.id().equals(first.getKey()))
                .map(p -> p.version()).findFirst().orElse("0.0.0");
        // Its engine object lives as long as the node: its jar must not be unloaded under it.
        plugins.pin(first.getKey(), "it provides the cluster engine this node runs on");
        ClusterService service = new ClusterService(settings.cluster, first.getValue(), first.getKey(),
                engine.pluginContext(first.getKey(), version), documents, links, api, virtualThreads);
        webSockets.nodeId(service.nodeId());
        service.start();
        return service;
    }

    /** @return this node's cluster service, or null when it runs alone */
    public ClusterService cluster() {
        return cluster;
    }

    private ServerConfig configure(ServerConfig initial) {
        JsonNode tree = Json.MAPPER.valueToTree(initial);
        Configure configured = runStartHook(() -> {
            try (CallContext context = context()) {
                return engine.run(Hooks.ON_CONFIGURE, new Configure(tree), context);
            }
        }, "onConfigure");
        if (configured.config() == tree) {
            return initial;
        }
        try {
            return Json.MAPPER.treeToValue(configured.config(), ServerConfig.class);
        } catch (Exception e) {
            throw new IllegalStateException("an onConfigure hook returned a configuration that is not valid: "
                    + e.getMessage(), e);
        }
    }

    private static <T> T runStartHook(java.util.function.Supplier<T> step, String hook) {
        try {
            return step.get();
        } catch (Reject reject) {
            throw new IllegalStateException("start-up refused by " + hook + ": " + reject.code() + " " + reject.reason(),
                    reject);
        }
    }

    /** @return the port the server listens on (the real one when 0 was asked for) */
    public int port() {
        return address.getPort();
    }

    /** @return the configuration in force, after {@code onConfigure} */
    public ServerConfig config() {
        return config;
    }

    /** @return the server API: read and write documents, broadcast, through the hooks */
    public ServerApi api() {
        return api;
    }

    /**
     * @return the server's meters: a Prometheus registry (also served at {@code /metrics}), or one
     *         that records nothing when metrics are disabled. Embedders may add meters of their own.
     */
    public MeterRegistry meterRegistry() {
        return metrics.registry();
    }

    /** @return the hook engine (install or remove hook sources, statistics) */
    public HookEngine engine() {
        return engine;
    }

    /** @return the plugin host, or {@code null} when no plugins directory was given */
    public PluginHost plugins() {
        return plugins;
    }

    /** @return the connections open now */
    public int connectionCount() {
        return webSockets == null ? 0 : webSockets.connections().size();
    }

    /** @return how stores went since start: stored, failed (each retried with backoff), longest */
    public dev.hookline.server.documents.StoreCounters.Snapshot storeStats() {
        return documents.storeStats();
    }

    /** @return the documents in memory now */
    public int documentCount() {
        return documents == null ? 0 : documents.size();
    }

    /** @return the bytes of changes the documents' change logs hold now, all together */
    public long changeLogBytes() {
        return documents == null ? 0 : documents.changeLogBudget().used();
    }

    /**
     * Stops gracefully: refuse new connections, say goodbye and close open ones with 1001, store
     * every changed document, run {@code onDestroy}, release the port. Waits up to
     * {@link ServerConfig#shutdownGrace()} for connections and stores.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopping = true;
        log.info("Hookline stopping: closing connections, storing documents");
        shutDown();
    }

    private void shutDown() {
        stopped = true;
        stopping = true;
        Duration grace = config == null ? ServerConfig.DEFAULTS.shutdownGrace() : config.shutdownGrace();
        if (webSockets != null) {
            // Clients get the grace to finish their closing handshake...
            List<ClientConnection> open = webSockets.closeAll();
            awaitNoConnections(grace);
            for (ClientConnection connection : webSockets.connections()) {
                connection.abort(); // did not finish its closing handshake in time
            }
            // ...and an aborted socket closes at once, but its lane still has to leave its
            // documents and run onDisconnect: bounded by the hook deadline, not by the grace.
            awaitNoConnections(engine.options().defaultTimeout());
            log.debug("Closed {} connection(s)", open.size());
        }
        if (documents != null) {
            // Storing is the point of a graceful stop: it gets its own time, never the leftovers
            // of a grace spent waiting for clients. A hanging store hook is cut by its deadline.
            Duration storeBudget = grace.compareTo(engine.options().defaultTimeout()) > 0 ? grace
                    : engine.options().defaultTimeout().plusSeconds(1);
            List<String> failed = documents.storeAll(storeBudget);
            if (!failed.isEmpty()) {
                log.error("{} document(s) could not be stored at shutdown: {}", failed.size(), failed);
            }
        }
        if (cluster != null) {
            cluster.leave(); // what this node still owns (members of other nodes) moves on at once
        }
        if (undertow != null) {
            undertow.stop();
        }
        try (CallContext context = context()) {
            engine.run(Hooks.ON_DESTROY, Destroy.INSTANCE, context);
        } catch (Reject reject) {
            log.warn("onDestroy rejected: {}", reject.reason());
        }
        if (cluster != null) {
            cluster.close();
        }
        if (pluginWatcher != null) {
            pluginWatcher.close(); // before the host closes: no change may start on a closing host
        }
        if (plugins != null) {
            plugins.close();
        }
        ticker.shutdownNow();
        virtualThreads.shutdown();
        engine.close();
        metrics.close();
        log.info("Hookline stopped");
    }

    private void awaitNoConnections(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!webSockets.connections().isEmpty() && System.nanoTime() < deadline) {
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }
}
