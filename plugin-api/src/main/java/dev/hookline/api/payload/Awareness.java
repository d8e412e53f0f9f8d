package dev.hookline.api.payload;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A connection's new presence state for a document, passed to {@code beforeHandleAwareness}. A
 * rewrite changes the state shared.
 *
 * @param document the document name
 * @param state the presence state
 */
public record Awareness(String document, JsonNode state) {

    /** @return a copy with another state */
    public Awareness withState(JsonNode state) {
        return new Awareness(document, state);
    }
}
