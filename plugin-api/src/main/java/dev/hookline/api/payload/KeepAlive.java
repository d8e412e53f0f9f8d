package dev.hookline.api.payload;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Passed to {@code onKeepAlive} before each server ping; a rewrite changes the ping's payload.
 *
 * @param payload the ping payload (the server sends a timestamp by default)
 */
public record KeepAlive(JsonNode payload) {

    /** @return a copy with another payload */
    public KeepAlive withPayload(JsonNode payload) {
        return new KeepAlive(payload);
    }
}
