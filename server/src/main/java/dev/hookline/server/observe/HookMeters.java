package dev.hookline.server.observe;

import dev.hookline.server.flow.CarrierHeadroom;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.hooks.HookStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Meters over the hook engine's own statistics, one set per (hook, plugin, class). They read the
 * counters the engine already keeps ({@link HookEngine#stats()}); they add no work to hook calls.
 *
 * <p>{@link #refresh()} reads the engine's statistics once and registers meters for entries not
 * seen before; the server calls it before every scrape of {@code /metrics}. Meters read the
 * latest snapshot, refreshed again when it is older than {@link #MAX_AGE_NANOS} (for registries
 * scraped by an embedder). Entries outlive plugin reloads in the engine, so meters are never
 * removed. Counters never go backwards: a value lower than the last one seen (a context being
 * folded into the totals while stats were read) is kept at the last one.
 *
 * <p>Function meters hold their object weakly: {@code ServerMetrics} keeps this one alive.
 */
final class HookMeters {

    static final long MAX_AGE_NANOS = 1_000_000_000L;

    private record Key(String hook, String pluginId, String className) {
        static Key of(HookStats stats) {
            return new Key(stats.hook(), stats.pluginId(), stats.className());
        }
    }

    private static final HookStats NONE = new HookStats("", "", "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    private final HookEngine engine;
    private final MeterRegistry registry;
    private final Set<Key> registered = new HashSet<>(); // guarded by this
    private volatile Map<Key, HookStats> latest = Map.of();
    private volatile long takenAt = System.nanoTime() - MAX_AGE_NANOS - 1;

    HookMeters(HookEngine engine, MeterRegistry registry) {
        this.engine = engine;
        this.registry = registry;
        Gauge.builder("hookline.hook.carriers.lent", CarrierHeadroom::lent)
                .description("Virtual-thread carriers added for hook calls running on a CPU for 200 ms or more "
                        + "(in this JVM); back to 0 when they return")
                .register(registry);
    }

    /** Reads the engine's statistics and registers meters for new (hook, plugin, class) entries. */
    void refresh() {
        List<Key> fresh = new ArrayList<>();
        synchronized (this) {
            for (HookStats stats : readValues()) {
                Key key = Key.of(stats);
                if (registered.add(key)) {
                    fresh.add(key);
                }
            }
        }
        // Outside the lock: a scrape running meanwhile may call read(), which takes it.
        for (Key key : fresh) {
            register(key);
        }
    }

    private synchronized List<HookStats> readValues() {
        List<HookStats> all = engine.stats();
        Map<Key, HookStats> previous = latest;
        Map<Key, HookStats> next = new HashMap<>(all.size() * 2);
        for (HookStats now : all) {
            Key key = Key.of(now);
            HookStats before = previous.get(key);
            next.put(key, before == null ? now : monotonic(before, now));
        }
        latest = next;
        takenAt = System.nanoTime();
        return all;
    }

    private static HookStats monotonic(HookStats before, HookStats now) {
        return new HookStats(now.hook(), now.pluginId(), now.className(), Math.max(before.calls(), now.calls()),
                Math.max(before.rejects(), now.rejects()), Math.max(before.stops(), now.stops()),
                Math.max(before.errors(), now.errors()), Math.max(before.timeouts(), now.timeouts()),
                Math.max(before.timedCalls(), now.timedCalls()), Math.max(before.totalNanos(), now.totalNanos()),
                Math.max(before.maxNanos(), now.maxNanos()), Math.max(before.quarantined(), now.quarantined()),
                now.overdue()); // a gauge: it goes down when the overdue calls return
    }

    private HookStats read(Key key) {
        if (System.nanoTime() - takenAt > MAX_AGE_NANOS) {
            readValues();
        }
        return latest.getOrDefault(key, NONE);
    }

    private void register(Key key) {
        Tags tags = Tags.of("hook", key.hook(), "plugin", key.pluginId(), "class", key.className());
        counter("hookline.hook.calls", "Calls of the hook (every call, not sampled)", key, tags, HookStats::calls);
        counter("hookline.hook.rejects", "Rejects thrown by the hook", key, tags, HookStats::rejects);
        counter("hookline.hook.stops", "Stops thrown by the hook (chain ended successfully)", key, tags,
                HookStats::stops);
        counter("hookline.hook.errors", "Other exceptions thrown by the hook (each became a 4500 reject)", key, tags,
                HookStats::errors);
        counter("hookline.hook.timeouts", "Deadline overruns of the hook (each became a 4504 reject)", key, tags,
                HookStats::timeouts);
        counter("hookline.hook.quarantined", "Calls refused at once with 4504 while an earlier call of the hook was "
                + "overdue (past its deadline and not returned)", key, tags, HookStats::quarantined);
        Gauge.builder("hookline.hook.overdue", this, m -> m.read(key).overdue())
                .description("Calls of the hook past their deadline that have not returned; the hook is quarantined "
                        + "while this is above 0")
                .tags(tags).strongReference(true).register(registry);
        FunctionTimer.builder("hookline.hook.duration", this, m -> m.read(key).timedCalls(),
                        m -> m.read(key).totalNanos(), TimeUnit.NANOSECONDS)
                .description("Measured hook calls: a random sample of fast hooks, every call of a slow one, "
                        + "and every call that ran a watchdog tick (50 ms) or more")
                .tags(tags).register(registry);
        TimeGauge.builder("hookline.hook.duration.max", this, TimeUnit.NANOSECONDS, m -> m.read(key).maxNanos())
                .description("The longest measured call of the hook since start")
                .tags(tags).strongReference(true).register(registry);
    }

    private void counter(String name, String description, Key key, Tags tags, ToDoubleFunction<HookStats> value) {
        FunctionCounter.builder(name, this, m -> value.applyAsDouble(m.read(key)))
                .description(description).tags(tags).register(registry);
    }
}
