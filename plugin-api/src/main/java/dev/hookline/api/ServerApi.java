package dev.hookline.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The server, as hooks and embedding applications see it. Writes made here run through the same
 * hook chains as a client's, with origin {@link Origin#SERVER}, and may be rejected by them.
 */
public interface ServerApi {

    /**
     * Reads a node of a document, loading the document if needed.
     *
     * @return a copy of the node at {@code path} ({@code ""} for the root), or empty if there is none
     */
    Optional<JsonNode> get(String document, String path);

    /**
     * Replaces the value at {@code path}.
     *
     * @return the document's new version
     * @throws Reject if a hook rejects the write
     */
    long set(String document, String path, JsonNode value);

    /**
     * Deep-merges {@code value}, an object, into the object at {@code path}.
     *
     * @return the document's new version
     * @throws Reject if a hook rejects the write
     */
    long merge(String document, String path, JsonNode value);

    /**
     * Deletes the node at {@code path}.
     *
     * @return the document's new version
     * @throws Reject if a hook rejects the delete
     */
    long delete(String document, String path);

    /**
     * Sends a stateless message to every connection that has the document open, through the
     * {@code beforeBroadcastStateless} chain.
     */
    void broadcastStateless(String document, JsonNode payload);
}
