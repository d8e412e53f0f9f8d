package dev.hookline.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;

/**
 * How a connection's session reaches the document it has open: on this node ({@link LocalLink}),
 * or relayed to the node that owns it in a cluster. Called on the connection's lane, in the order
 * of the client's frames. The document's frames for the session (presence, snapshots, changes)
 * and the answers to the requests passed on here reach the client in the order the document sent
 * them.
 */
public interface DocumentLink {

    /**
     * Adds a subscription (the session has checked its id is free) and brings it up to date:
     * ack and snapshot or replay, or, when {@code resumed}, only what was missed.
     */
    void subscribe(long id, String path, boolean keys, long since, boolean resumed);

    /** Ends a subscription; returns once no frame of it can follow. */
    void unsubscribe(long id);

    /** Applies a write; the ack or error for {@code requestId} follows the change frame. */
    void write(Long requestId, Operation op, String path, JsonNode value, JsonNode meta, Origin origin);

    /** Sets or clears the session's presence state, then acks {@code requestId} (if any). */
    void presence(Long requestId, JsonNode state);

    /** Sends a stateless frame to every other member, then acks {@code requestId} (if any). */
    void stateless(Long requestId, byte[] frame);

    /** Leaves the document; returns once the session is no longer a member. */
    void leave();
}
