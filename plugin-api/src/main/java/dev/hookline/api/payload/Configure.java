package dev.hookline.api.payload;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The server configuration, passed to {@code onConfigure} before the server listens. Returning a
 * rewritten configuration changes what the server starts with.
 *
 * @param config the whole configuration as a tree (do not modify it; return {@link #withConfig} instead)
 */
public record Configure(JsonNode config) {

    /** @return a copy with another config */
    public Configure withConfig(JsonNode config) {
        return new Configure(config);
    }
}
