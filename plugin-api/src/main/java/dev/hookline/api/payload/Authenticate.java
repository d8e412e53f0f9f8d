package dev.hookline.api.payload;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A client opens a document with a token; passed to {@code onAuthenticate}. A rewrite is seen by
 * the next hook; the attributes are then merged into the connection's, and the read-only flag
 * applies to this document session.
 *
 * @param document the document name
 * @param token the token the client sent, or an empty string
 * @param attributes attributes collected so far (the connection's, then earlier hooks')
 * @param readOnly whether the session may only read
 */
public record Authenticate(String document, String token, Map<String, Object> attributes, boolean readOnly) {

    /** Validates the components and copies maps, so the record stays immutable. */
    public Authenticate {
        attributes = attributes == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** @return a copy with another attributes */
    public Authenticate withAttributes(Map<String, Object> attributes) {
        return new Authenticate(document, token, attributes, readOnly);
    }

    /** @return a copy with another readOnly */
    public Authenticate withReadOnly(boolean readOnly) {
        return new Authenticate(document, token, attributes, readOnly);
    }

    /** @return a copy with one attribute added or replaced */
    public Authenticate withAttribute(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(attributes);
        copy.put(key, value);
        return new Authenticate(document, token, copy, readOnly);
    }
}
