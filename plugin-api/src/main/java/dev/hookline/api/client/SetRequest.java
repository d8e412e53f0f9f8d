package dev.hookline.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Operation;

/**
 * A write a client is about to send, passed to {@link ClientHooks#set}.
 *
 * @param document  the document name
 * @param operation {@link Operation#SET} or {@link Operation#MERGE}
 * @param path      the path written
 * @param value     the value written
 * @param meta      meta for the node, or {@code null}
 */
public record SetRequest(String document, Operation operation, String path, JsonNode value, JsonNode meta) {

    /** @return a copy with another path */
    public SetRequest withPath(String path) {
        return new SetRequest(document, operation, path, value, meta);
    }

    /** @return a copy with another value */
    public SetRequest withValue(JsonNode value) {
        return new SetRequest(document, operation, path, value, meta);
    }

    /** @return a copy with other meta */
    public SetRequest withMeta(JsonNode meta) {
        return new SetRequest(document, operation, path, value, meta);
    }
}
