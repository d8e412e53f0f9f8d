package dev.hookline.api.payload;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A stateless message from a client, passed to {@code onStateless}. A rewrite changes the payload
 * handled.
 *
 * @param document the document name
 * @param payload the message
 */
public record Stateless(String document, JsonNode payload) {

    /** @return a copy with another payload */
    public Stateless withPayload(JsonNode payload) {
        return new Stateless(document, payload);
    }
}
