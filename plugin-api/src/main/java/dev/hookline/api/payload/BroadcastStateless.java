package dev.hookline.api.payload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Origin;

/**
 * A stateless message about to be sent to every connection on a document, passed to {@code
 * beforeBroadcastStateless}. A rewrite changes what is sent.
 *
 * @param document the document name
 * @param payload the message
 * @param origin who broadcasts it
 */
public record BroadcastStateless(String document, JsonNode payload, Origin origin) {

    /** @return a copy with another payload */
    public BroadcastStateless withPayload(JsonNode payload) {
        return new BroadcastStateless(document, payload, origin);
    }
}
