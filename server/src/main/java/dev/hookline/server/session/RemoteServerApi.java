package dev.hookline.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Operation;
import java.util.Optional;

/**
 * The server API on documents another node of the cluster owns: each call is carried out on the
 * owner, with its hooks there. Implemented by the cluster's relay; a single node has none.
 */
public interface RemoteServerApi {

    /**
     * @return a copy of the node at the canonical {@code path} of {@code document}, read on {@code owner}
     * @throws dev.hookline.server.documents.DocumentElsewhere when {@code owner} does not own it (any more)
     * @throws dev.hookline.api.Reject the owner's reject, or 4503 when it cannot be reached
     */
    Optional<JsonNode> get(String owner, String document, String path);

    /**
     * Applies a write on {@code owner}, through its {@code onUpdate}/{@code onDelete} and
     * {@code onChange} hooks.
     *
     * @return the document's new version
     * @throws dev.hookline.server.documents.DocumentElsewhere when {@code owner} does not own it (any more)
     * @throws dev.hookline.api.Reject a hook's reject, or 4503 when the owner cannot be reached
     */
    long write(String owner, String document, Operation op, String path, JsonNode value);

    /**
     * Broadcasts a stateless message to the members of {@code document} on its owner (if any
     * node owns it: nobody has it open otherwise), through the owner's
     * {@code beforeBroadcastStateless} hooks. Does not wait.
     */
    void broadcastStateless(String document, JsonNode payload);
}
