package dev.hookline.api.payload;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A client sends a fresh token for an open document; passed to {@code onTokenSync}. A rewrite
 * applies as for {@link Authenticate}.
 *
 * @param document the document name
 * @param token the new token
 * @param attributes the session's attributes
 * @param readOnly whether the session may only read
 */
public record TokenSync(String document, String token, Map<String, Object> attributes, boolean readOnly) {

    /** Validates the components and copies maps, so the record stays immutable. */
    public TokenSync {
        attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** @return a copy with another attributes */
    public TokenSync withAttributes(Map<String, Object> attributes) {
        return new TokenSync(document, token, attributes, readOnly);
    }

    /** @return a copy with another readOnly */
    public TokenSync withReadOnly(boolean readOnly) {
        return new TokenSync(document, token, attributes, readOnly);
    }

    /** @return a copy with one attribute added or replaced */
    public TokenSync withAttribute(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(attributes);
        copy.put(key, value);
        return new TokenSync(document, token, copy, readOnly);
    }
}
