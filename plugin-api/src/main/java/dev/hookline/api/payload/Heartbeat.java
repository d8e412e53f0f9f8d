package dev.hookline.api.payload;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Passed to {@code onHeartbeat} for each pong a client sends.
 *
 * @param payload the pong's payload as the client sent it
 * @param roundTripMillis milliseconds since the matching ping, or -1 if unknown
 */
public record Heartbeat(JsonNode payload, long roundTripMillis) {
}
