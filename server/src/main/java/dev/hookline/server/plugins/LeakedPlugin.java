package dev.hookline.server.plugins;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A plugin that was unloaded but stays in memory: its class loader was still reachable after its
 * grace period and a garbage collection. Usually a thread it started and never stopped.
 *
 * @param id         its {@code Plugin-Id}
 * @param version    its {@code Plugin-Version}
 * @param path       the operator's file it was loaded from
 * @param unloadedAt when it was unloaded (or replaced by a reload)
 * @param threads    the names of live threads that run its code, were made by its classes or have its
 *                   class loader as context class loader, when last checked; may be empty (something
 *                   else holds it: a static cache in a library, a registered driver)
 */
public record LeakedPlugin(String id, String version, Path path, Instant unloadedAt, List<String> threads) {
}
