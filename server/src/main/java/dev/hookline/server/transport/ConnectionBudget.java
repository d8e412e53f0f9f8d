package dev.hookline.server.transport;

import dev.hookline.server.config.ServerConfig;
import dev.hookline.server.observe.ProcessResources;

/**
 * The connection limits in force, and why: {@code server.maxConnections} as configured, or derived
 * from this process's descriptor limit and heap; and, a bit above it, the accept high water at
 * which the listener stops accepting TCP connections at all.
 *
 * <p>Two layers, because they stop different floods. {@code maxConnections} counts WebSockets and
 * HTTP requests in progress, and answers one more with a 503 before any upgrade: a client learns
 * why, and {@code /health} still answers. But a socket that never sends a request is not a
 * request; it holds a descriptor until {@code requestHeadTimeout} closes it. The high water caps
 * those: above it the server stops accepting (new clients wait in the kernel's backlog) and resumes
 * at the low water, so a flood of raw connects can never take the descriptors that plugins, the
 * database and the plugin watcher need. See {@code docs/operations.md}, "Limits".
 *
 * @param maxConnections  WebSockets plus HTTP requests in progress, at most
 * @param acceptHighWater open TCP connections at which the listener stops accepting
 * @param acceptLowWater  open TCP connections at which it accepts again
 * @param derivation      how {@code maxConnections} was chosen, for the start-up log
 */
public record ConnectionBudget(int maxConnections, int acceptHighWater, int acceptLowWater, String derivation) {

    /**
     * Descriptors kept for everything that is not a client socket: the JVM's own jars and
     * libraries, plugin jars, the database and its journal files, logs, the plugin watcher.
     */
    static final long RESERVED_DESCRIPTORS = 256;

    /**
     * Heap budgeted per connection when deriving the limit: several times what an idle WebSocket
     * measured (see {@code docs/operations.md}), leaving room for handshakes in progress, queued
     * frames and the documents the connections open.
     */
    static final long HEAP_PER_CONNECTION = 64 * 1024;

    /** The share of the heap the derived limit may spend on connections; the rest is for documents. */
    static final double HEAP_SHARE = 0.5;

    /** Never derive fewer than this, however small the process: a server must serve someone. */
    static final int MIN_DERIVED = 16;

    /**
     * @param limits    the configured limits
     * @param resources this process's descriptor limit and heap
     * @return the budget: the configured {@code maxConnections}, or one derived as
     *         {@code min((descriptor limit - 256) * 4/5, heap * 0.5 / 64 KiB)}
     */
    public static ConnectionBudget of(ServerConfig.ConnectionLimits limits, ProcessResources resources) {
        return of(limits.maxConnections(), resources.maxDescriptors(), resources.maxHeap());
    }

    static ConnectionBudget of(int configured, long maxDescriptors, long maxHeap) {
        long byHeap = Math.max(MIN_DERIVED, (long) (maxHeap * HEAP_SHARE / HEAP_PER_CONNECTION));
        // 4/5 of the descriptors left over: the high water (1/8 above) then stays under 9/10 of them.
        long byDescriptors = maxDescriptors <= 0 ? Long.MAX_VALUE
                : Math.max(MIN_DERIVED, (maxDescriptors - RESERVED_DESCRIPTORS) * 4 / 5);
        int max;
        String derivation;
        if (configured != ServerConfig.ConnectionLimits.DERIVED) {
            max = configured;
            derivation = configured <= byDescriptors ? "server.maxConnections"
                    : "server.maxConnections, above the " + byDescriptors + " that the descriptor limit (" + maxDescriptors
                    + ") allows: a flood can exhaust the descriptors; raise ulimit -n";
        } else {
            max = (int) Math.min(Integer.MAX_VALUE / 2, Math.min(byHeap, byDescriptors));
            derivation = "derived: min(descriptors (" + (maxDescriptors <= 0 ? "unknown" : maxDescriptors) + " - "
                    + RESERVED_DESCRIPTORS + " reserved) * 4/5 = "
                    + (byDescriptors == Long.MAX_VALUE ? "unbounded" : byDescriptors) + ", heap "
                    + (maxHeap >> 20) + " MiB * " + HEAP_SHARE + " / " + (HEAP_PER_CONNECTION >> 10) + " KiB = " + byHeap + ")";
        }
        // Room above the limit for the requests that get their 503, /health and a few raw connects.
        int slack = Math.max(16, max / 8);
        return new ConnectionBudget(max, max + slack, max + slack / 2, derivation);
    }
}
