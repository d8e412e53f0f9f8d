package dev.hookline.server.hooks;

/**
 * Counters for one hook of one plugin class, summed over the server's life (they survive reloads).
 *
 * @param hook          the hook name
 * @param pluginId      the plugin (source) id
 * @param className     the implementing class
 * @param calls         calls started
 * @param rejects       {@code Reject}s thrown by the hook
 * @param stops         {@code Stop}s thrown by the hook
 * @param errors        other exceptions (each became a 4500 reject)
 * @param timeouts      deadline overruns (each became a 4504 reject)
 * @param timedCalls    calls whose duration was measured: a random sample of fast hooks, every call of a slow
 *                      one, and every call the watchdog saw running for a tick or more
 * @param totalNanos    the summed duration of the measured calls
 * @param maxNanos      the longest measured call
 * @param quarantined   calls refused at once with 4504 because an earlier call was overdue
 * @param overdue       calls past their deadline that have not returned, now (the entry is quarantined while
 *                      this is not 0)
 */
public record HookStats(String hook, String pluginId, String className, long calls, long rejects, long stops,
                        long errors, long timeouts, long timedCalls, long totalNanos, long maxNanos,
                        long quarantined, int overdue) {

    /** @return the mean duration of the measured calls in nanoseconds, or 0 when none was measured */
    public double meanNanos() {
        return timedCalls == 0 ? 0 : (double) totalNanos / timedCalls;
    }
}
