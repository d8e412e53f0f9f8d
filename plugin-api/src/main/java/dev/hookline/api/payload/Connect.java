package dev.hookline.api.payload;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A new socket, passed to {@code onConnect}. A rewrite of the attributes is seen by the next hook
 * and becomes the connection's attributes.
 *
 * @param headers the handshake's request headers, names in lower case
 * @param query the handshake's raw query string, or an empty string
 * @param remoteAddress the client's address as {@code host:port}
 * @param attributes attributes collected so far
 * @param readOnly whether the connection may only read
 */
public record Connect(Map<String, List<String>> headers, String query, String remoteAddress, Map<String, Object> attributes, boolean readOnly) {

    /** Validates the components and copies maps, so the record stays immutable. */
    public Connect {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** @return a copy with another attributes */
    public Connect withAttributes(Map<String, Object> attributes) {
        return new Connect(headers, query, remoteAddress, attributes, readOnly);
    }

    /** @return a copy with another readOnly */
    public Connect withReadOnly(boolean readOnly) {
        return new Connect(headers, query, remoteAddress, attributes, readOnly);
    }

    /** @return a copy with one attribute added or replaced */
    public Connect withAttribute(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(attributes);
        copy.put(key, value);
        return new Connect(headers, query, remoteAddress, copy, readOnly);
    }
}
