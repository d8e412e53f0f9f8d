package dev.hookline.server.config;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * {@code cluster.*}: how this node takes part in a cluster, when a cluster engine plugin (such as
 * {@code redis}) is enabled. Without one these settings are unused. See {@code docs/scaling.md}.
 *
 * @param nodeId        this node's id, unique in the cluster; empty: one is made up at start
 *                      ({@code node-} and 8 random hex digits)
 * @param leaseTtl      how long a document's lease lasts without renewal: the longest a document
 *                      stays unowned after its owner dies. Renewed every third of it
 * @param relayTimeout  the longest a request relayed to another node waits for its answer before
 *                      the client gets 4504
 */
public record ClusterConfig(String nodeId, Duration leaseTtl, Duration relayTimeout) {

    /** No id (made up at start), 3 s leases, 10 s relay timeout. */
    public static final ClusterConfig DEFAULTS = new ClusterConfig("", Duration.ofSeconds(3), Duration.ofSeconds(10));

    /** Validates; the loader names the key. */
    public ClusterConfig {
        nodeId = nodeId == null ? "" : nodeId.strip();
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        Objects.requireNonNull(relayTimeout, "relayTimeout");
        if (leaseTtl.toMillis() < 300) {
            throw new IllegalArgumentException("cluster.leaseTtl must be at least 300ms, got " + leaseTtl);
        }
        if (relayTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("cluster.relayTimeout must be at least 100ms, got " + relayTimeout);
        }
    }

    /** @return the configured id, or a new random one */
    public String nodeIdOrRandom() {
        return nodeId.isEmpty() ? "node-" + UUID.randomUUID().toString().substring(0, 8) : nodeId;
    }
}
