package dev.hookline.server.observe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.server.protocol.Json;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The body of {@code GET /health}: whether the server is up, and how close it is to its limits.
 * Built on the IO thread from counters and the JVM's own numbers: it takes no lock, runs no hook
 * and waits for no lane, so it answers while connections, hooks or lanes are exhausted.
 *
 * <p>{@code status} is {@code ok}, {@code degraded} (still 200: the server serves everyone under
 * its limits, and a load balancer that pulled every busy instance at once would turn pressure into
 * an outage; {@code reasons} says which limit is near) or {@code stopping} (503).
 */
public final class HealthReport {

    /** The share of a limit above which the server reports itself degraded. */
    static final double NEAR = 0.9;

    private final IntSupplier webSockets;
    private final IntSupplier documents;
    private final IntSupplier connections;
    private final int maxConnections;
    private final BooleanSupplier stopping;
    private final ProcessResources resources;
    /** This node's cluster state, when it is a cluster member. */
    private volatile java.util.function.Supplier<java.util.Map<String, Object>> cluster;

    /**
     * @param webSockets     WebSocket connections open now
     * @param documents      documents in memory now
     * @param connections    what {@code server.maxConnections} counts now (WebSockets plus requests in progress)
     * @param maxConnections the connection limit in force
     * @param stopping       whether the server is shutting down
     * @param resources      the process's descriptors and heap
     */
    public HealthReport(IntSupplier webSockets, IntSupplier documents, IntSupplier connections, int maxConnections,
                        BooleanSupplier stopping, ProcessResources resources) {
        this.webSockets = webSockets;
        this.documents = documents;
        this.connections = connections;
        this.maxConnections = maxConnections;
        this.stopping = stopping;
        this.resources = resources;
    }

    /** Adds this node's cluster state to the report ({@code cluster}); unreachable makes it degraded. */
    public void cluster(java.util.function.Supplier<java.util.Map<String, Object>> status) {
        this.cluster = status;
    }

    /** @return the HTTP status to answer: 200, or 503 while stopping */
    public int status() {
        return stopping.getAsBoolean() ? 503 : 200;
    }

    /** @return the report */
    public ObjectNode body() {
        int current = connections.getAsInt();
        long openFds = resources.openDescriptors();
        long maxFds = resources.maxDescriptors();
        long heapMax = resources.maxHeap();
        long liveHeap = resources.usedHeapAfterGc();

        ObjectNode body = Json.object().put("status", "ok").put("connections", webSockets.getAsInt())
                .put("documents", documents.getAsInt());
        ObjectNode limits = body.putObject("limits");
        limits.putObject("connections").put("current", current).put("max", maxConnections);
        limits.putObject("descriptors").put("open", openFds).put("max", maxFds);
        limits.putObject("heap").put("used", resources.usedHeap()).put("usedAfterGc", liveHeap).put("max", heapMax);

        ArrayNode reasons = Json.MAPPER.createArrayNode();
        near(reasons, "connections", current, maxConnections, "server.maxConnections");
        near(reasons, "descriptors", openFds, maxFds, "the process's descriptor limit, ulimit -n");
        near(reasons, "heap after the last collection", liveHeap, heapMax, "-Xmx");
        java.util.function.Supplier<java.util.Map<String, Object>> clusterStatus = cluster;
        if (clusterStatus != null) {
            java.util.Map<String, Object> state = clusterStatus.get();
            body.set("cluster", Json.MAPPER.valueToTree(state));
            if (Boolean.FALSE.equals(state.get("connected"))) {
                reasons.add("the cluster service cannot be reached: documents owned by other nodes cannot be opened");
            }
        }
        if (stopping.getAsBoolean()) {
            body.put("status", "stopping");
        } else if (!reasons.isEmpty()) {
            body.put("status", "degraded");
        }
        body.set("reasons", reasons);
        return body;
    }

    private static void near(ArrayNode reasons, String what, long used, long max, String limit) {
        if (used >= 0 && max > 0 && used >= max * NEAR) {
            reasons.add(what + " at " + (used * 100 / max) + "% of the limit (" + used + " of " + max + ", " + limit + ")");
        }
    }
}
