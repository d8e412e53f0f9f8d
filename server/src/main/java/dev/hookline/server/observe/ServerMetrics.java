package dev.hookline.server.observe;

import dev.hookline.server.documents.ChangeLogBudget;
import dev.hookline.server.documents.StoreCounters;
import dev.hookline.server.hooks.HookEngine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The server's meters and their Prometheus registry. One per server: servers embedded side by
 * side in one JVM keep their own. See {@code docs/operations.md} for every meter.
 *
 * <p>Disabled, it holds a registry that records nothing, registers no meter, and
 * {@code /metrics} answers 404.
 */
public final class ServerMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry prometheus;
    private final MeterRegistry registry;
    private final TrafficMeters traffic;
    /** Held here: function counters keep only a weak reference to what they read. */
    private Supplier<StoreCounters.Snapshot> stores;
    private volatile HookMeters hooks;
    private JvmGcMetrics gc;

    private ServerMetrics(boolean enabled) {
        if (enabled) {
            prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry = prometheus;
            traffic = new TrafficMeters(prometheus);
        } else {
            prometheus = null;
            registry = new CompositeMeterRegistry(); // with no registry added, it records nothing
            traffic = TrafficMeters.NOOP;
        }
    }

    /** @return metrics exposed in Prometheus format when {@code enabled}, or a registry that records nothing */
    public static ServerMetrics create(boolean enabled) {
        return new ServerMetrics(enabled);
    }

    /** @return whether metrics are recorded and served at {@code /metrics} */
    public boolean enabled() {
        return prometheus != null;
    }

    /** @return the registry: the Prometheus one, or (disabled) one that records nothing */
    public MeterRegistry registry() {
        return registry;
    }

    /** @return the meters the hot paths count with (no-ops when disabled) */
    public TrafficMeters traffic() {
        return traffic;
    }

    /**
     * Registers the meters that read the server's state: gauges, store counters, hook statistics,
     * JVM basics. Call once, when the server's parts exist.
     */
    public void bind(HookEngine engine, IntSupplier connections, IntSupplier documents,
                     Supplier<StoreCounters.Snapshot> stores) {
        if (!enabled()) {
            return;
        }
        Gauge.builder("hookline.connections", connections, IntSupplier::getAsInt)
                .description("WebSocket connections open now").strongReference(true).register(registry);
        Gauge.builder("hookline.documents", documents, IntSupplier::getAsInt)
                .description("Documents in memory now").strongReference(true).register(registry);
        this.stores = stores;
        FunctionCounter.builder("hookline.stores", stores, s -> s.get().stored())
                .description("Stores of documents, by result (a failed store is retried with backoff)")
                .tag("result", "stored").register(registry);
        FunctionCounter.builder("hookline.stores", stores, s -> s.get().failed())
                .description("Stores of documents, by result (a failed store is retried with backoff)")
                .tag("result", "failed").register(registry);
        FunctionCounter.builder("hookline.storage.refused", stores, s -> s.get().refused())
                .description("Writes and opens refused with 4503 because the storage that holds the document is not "
                        + "installed now (or could not first store it)")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
        HookMeters hookMeters = new HookMeters(engine, registry);
        hookMeters.refresh();
        hooks = hookMeters;
    }

    /**
     * Registers the plugin folder watcher's count of failed looks (I/O errors, such as running
     * out of descriptors), none of which unloads a plugin.
     */
    public void bindPluginWatcher(LongSupplier failedScans) {
        if (!enabled()) {
            return;
        }
        FunctionCounter.builder("hookline.plugin.scan.failures", failedScans, LongSupplier::getAsLong)
                .description("Looks at the plugins folder or a plugin file that failed with an I/O error; each was "
                        + "retried, and none unloaded a plugin")
                .register(registry);
    }

    /**
     * Registers the gauges of the change logs: the bytes they hold together now, and the most
     * they may hold ({@code server.maxChangeLogBytesTotal}).
     */
    public void bindChangeLogs(ChangeLogBudget budget) {
        if (!enabled()) {
            return;
        }
        Gauge.builder("hookline.change.log", budget, ChangeLogBudget::used).baseUnit("bytes")
                .description("Bytes of changes the documents' change logs hold now, all together")
                .strongReference(true).register(registry);
        Gauge.builder("hookline.change.log.limit", budget, ChangeLogBudget::limit).baseUnit("bytes")
                .description("Bytes of changes the change logs may hold together (server.maxChangeLogBytesTotal)")
                .strongReference(true).register(registry);
    }

    /**
     * Refreshes the hook meters (registering those of new plugins) and renders every meter.
     *
     * @param openMetrics OpenMetrics text instead of the Prometheus text format 0.0.4
     * @throws IllegalStateException when metrics are disabled
     */
    public String scrape(boolean openMetrics) {
        if (prometheus == null) {
            throw new IllegalStateException("metrics are disabled");
        }
        HookMeters hookMeters = hooks;
        if (hookMeters != null) {
            hookMeters.refresh();
        }
        return prometheus.scrape(contentType(openMetrics));
    }

    /** The Prometheus text exposition format. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** The OpenMetrics text format. */
    public static final String OPEN_METRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /** @return the content type of {@link #scrape(boolean)}'s answer */
    public static String contentType(boolean openMetrics) {
        return openMetrics ? OPEN_METRICS_TEXT : PROMETHEUS_TEXT;
    }

    @Override
    public void close() {
        if (gc != null) {
            gc.close();
        }
        registry.close();
    }
}
