package dev.hookline.api.payload;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every frame a client sends, parsed, passed to {@code beforeHandleMessage}. A rewrite replaces
 * the frame the server handles.
 *
 * @param frame the frame as a JSON tree
 */
public record InboundMessage(JsonNode frame) {

    /** @return a copy with another frame */
    public InboundMessage withFrame(JsonNode frame) {
        return new InboundMessage(frame);
    }
}
