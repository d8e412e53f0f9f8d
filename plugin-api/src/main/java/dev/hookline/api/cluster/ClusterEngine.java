package dev.hookline.api.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The shared services a cluster of Hookline nodes runs on: document leases with fencing tokens,
 * node liveness, and messages between nodes. A plugin provides one by listing its class in
 * {@code META-INF/services/dev.hookline.api.cluster.ClusterEngine} (a public no-argument
 * constructor); a node with such a plugin enabled at start joins the cluster, a node without one
 * runs alone.
 *
 * <p><b>Failures.</b> Every method may throw when the shared service is unreachable (Redis
 * restarting, a network partition). The server never dies of it: it treats a failed claim as "not
 * owned here", a failed renewal as a lease it may lose (it stops acknowledging writes of that
 * document once its lease would have expired), and a failed send as a lost message (the requests
 * it carried are answered with an error). Methods should fail fast (a timeout of a second or two)
 * rather than block for long: the server calls them from its own threads.
 *
 * <p>Methods are called from several threads at once: implementations are thread-safe.
 */
public interface ClusterEngine {

    /**
     * Connects and starts listening for messages to this node. Called once, before the node
     * listens for clients. A throw here is logged and the node keeps retrying in the background:
     * a cluster service that is down at start does not keep a node from starting.
     *
     * @param node this node: its id, the plugin's context, and where messages to it go
     * @throws Exception when the shared service cannot be reached now
     */
    void start(ClusterNode node) throws Exception;

    /**
     * Takes the lease on a document if no node holds it, for {@code ttl}, and hands out a fencing
     * token: a number greater than every token handed out before for that document, by any node.
     * Taking it and drawing the token are one atomic step.
     *
     * @return the new lease's fencing token (&gt; 0), or 0 when another node holds the lease
     * @throws Exception when the shared service cannot be reached
     */
    long claim(String document, Duration ttl) throws Exception;

    /**
     * @return the id of the node holding the lease on {@code document}, or {@code null} if none does
     * @throws Exception when the shared service cannot be reached
     */
    String holder(String document) throws Exception;

    /**
     * Extends the leases this node holds, each named by its document and fencing token, by
     * {@code ttl} from now. A lease whose token is no longer the current one, or that expired and
     * was taken by another node, is not extended.
     *
     * @param leases fencing tokens by document
     * @return the documents whose lease this node does not hold any more
     * @throws Exception when the shared service cannot be reached (then nothing is known to be extended)
     */
    Set<String> renew(Map<String, Long> leases, Duration ttl) throws Exception;

    /**
     * Gives a lease up, if this node still holds it with {@code token}: another node may claim the
     * document at once instead of waiting for the lease to expire.
     *
     * @throws Exception when the shared service cannot be reached (the lease then simply expires)
     */
    void release(String document, long token) throws Exception;

    /**
     * Announces this node alive for {@code ttl} and reads who else is.
     *
     * @return the ids of the nodes alive now, this one included
     * @throws Exception when the shared service cannot be reached
     */
    Set<String> heartbeat(Duration ttl) throws Exception;

    /**
     * Sends a message to one node. Messages from this node to one destination arrive in the order
     * they were sent, or not at all (a destination that is gone, or a lost connection, loses
     * them): the server detects the loss and answers what was pending.
     *
     * @throws Exception when the message could not be handed to the shared service
     */
    void send(String node, byte[] message) throws Exception;

    /** Leaves the cluster: stops listening and closes connections. Called once, at shutdown. */
    void close();
}
