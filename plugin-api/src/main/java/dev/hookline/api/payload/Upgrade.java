package dev.hookline.api.payload;

import java.util.List;
import java.util.Map;

/**
 * A WebSocket handshake request, passed to {@code onUpgrade} before the upgrade.
 *
 * @param path the request path
 * @param query the raw query string, or an empty string
 * @param headers request headers, names in lower case
 * @param remoteAddress the client's address as {@code host:port}
 */
public record Upgrade(String path, String query, Map<String, List<String>> headers, String remoteAddress) {

    /** Validates the components and copies maps, so the record stays immutable. */
    public Upgrade {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
