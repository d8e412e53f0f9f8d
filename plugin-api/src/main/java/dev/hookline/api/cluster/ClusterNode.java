package dev.hookline.api.cluster;

import dev.hookline.api.PluginContext;

/** The node a {@link ClusterEngine} serves, as the engine sees it. */
public interface ClusterNode {

    /** @return this node's id, unique in the cluster ({@code cluster.nodeId}) */
    String id();

    /** @return the context of the engine's plugin: its settings and logger */
    PluginContext plugin();

    /**
     * Hands a message sent to this node over. Call it from one thread per sending node, in the
     * order the messages arrived; it does not block for long (the work is queued).
     *
     * @param from    the sending node's id
     * @param message the bytes {@link ClusterEngine#send} was given
     */
    void receive(String from, byte[] message);

    /**
     * Tells the server that the connection to the shared service was lost and restored: messages
     * sent to this node meanwhile may be lost, so the server checks what it was waiting for.
     */
    void reconnected();
}
