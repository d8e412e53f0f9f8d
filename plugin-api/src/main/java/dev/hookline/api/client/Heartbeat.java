package dev.hookline.api.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A keep-alive ping and the pong the client will answer with, passed to
 * {@link ClientHooks#heartbeat}.
 *
 * @param ping the ping's payload as the server sent it
 * @param pong the payload the client answers with (initially the ping's, echoed)
 */
public record Heartbeat(JsonNode ping, JsonNode pong) {

    /** @return a copy answering with another pong payload */
    public Heartbeat withPong(JsonNode pong) {
        return new Heartbeat(ping, pong);
    }
}
