package dev.hookline.server.hooks;

import dev.hookline.api.ServerHooks;
import java.util.Comparator;

/** One implementation in one chain: the instance, its effective priority and deadline, its counters. */
final class HookEntry {

    /** Higher priority first; ties by plugin id, then class name, then order within the plugin. */
    static final Comparator<HookEntry> ORDER = Comparator.comparingInt((HookEntry e) -> -e.priority)
            .thenComparing(e -> e.stats.pluginId)
            .thenComparing(e -> e.stats.className)
            .thenComparingInt(e -> e.indexInSource);

    final ServerHooks hooks;
    final int priority;
    final int indexInSource;
    final long timeoutNanos;
    final DefaultPluginContext plugin;
    final EntryStats stats;
    /** {@code stats.slot}, copied: read on every call. */
    final int slot;

    HookEntry(ServerHooks hooks, int priority, int indexInSource, long timeoutNanos, DefaultPluginContext plugin,
              EntryStats stats) {
        this.hooks = hooks;
        this.priority = priority;
        this.indexInSource = indexInSource;
        this.timeoutNanos = timeoutNanos;
        this.plugin = plugin;
        this.stats = stats;
        this.slot = stats.slot;
    }

    @Override
    public String toString() {
        return stats.pluginId + "/" + stats.className + "#" + stats.hook + "@" + priority;
    }
}
