package dev.hookline.api.payload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;

/**
 * A set or merge about to be applied, passed to {@code onUpdate}. A rewrite changes what is
 * applied.
 *
 * @param document the document name
 * @param operation {@link Operation#SET} or {@link Operation#MERGE}
 * @param path the path written
 * @param value the value written
 * @param meta meta for the node, or {@code null}
 * @param origin where the write came from
 */
public record Update(String document, Operation operation, String path, JsonNode value, JsonNode meta, Origin origin) {

    /** @return a copy with another path */
    public Update withPath(String path) {
        return new Update(document, operation, path, value, meta, origin);
    }

    /** @return a copy with another value */
    public Update withValue(JsonNode value) {
        return new Update(document, operation, path, value, meta, origin);
    }

    /** @return a copy with another meta */
    public Update withMeta(JsonNode meta) {
        return new Update(document, operation, path, value, meta, origin);
    }
}
