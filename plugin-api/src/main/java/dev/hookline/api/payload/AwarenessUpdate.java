package dev.hookline.api.payload;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Passed to {@code onAwarenessUpdate} after a connection's presence in a document changed.
 *
 * @param document the document name
 * @param connectionId whose presence changed
 * @param state the new state, or {@code null} when the connection left
 */
public record AwarenessUpdate(String document, String connectionId, JsonNode state) {
}
