package dev.hookline.api.payload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;

/**
 * A change just applied, passed to {@code onChange} before it is broadcast and acknowledged.
 *
 * @param document the document name
 * @param operation what was done
 * @param path the path changed
 * @param value the value written, or {@code null} for a delete
 * @param meta meta written with it, or {@code null}
 * @param version the document's version after this change
 * @param origin where the change came from
 * @param fence the fencing token of the node's ownership, 0 on a single node (see {@link LoadDocument#fence()})
 */
public record Change(String document, Operation operation, String path, JsonNode value, JsonNode meta, long version, Origin origin,
                     long fence) {

    /** A change on a single node: no fencing token. */
    public Change(String document, Operation operation, String path, JsonNode value, JsonNode meta, long version,
                  Origin origin) {
        this(document, operation, path, value, meta, version, origin, 0);
    }
}
