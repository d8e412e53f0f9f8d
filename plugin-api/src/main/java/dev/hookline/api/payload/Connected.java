package dev.hookline.api.payload;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Passed to {@code connected} after every {@code onConnect} hook accepted the socket.
 *
 * @param attributes the connection's attributes
 */
public record Connected(Map<String, Object> attributes) {

    /** Validates the components and copies maps, so the record stays immutable. */
    public Connected {
        attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
}
