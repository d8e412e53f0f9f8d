package dev.hookline.api.payload;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A document to be stored, passed to {@code onStoreDocument} (debounced after changes, on last
 * leave, on shutdown).
 *
 * @param document the document name
 * @param state a snapshot of the tree
 * @param meta node meta by path
 * @param version the version of the snapshot
 * @param fence the fencing token of the node's ownership, 0 on a single node (see {@link LoadDocument#fence()})
 */
public record StoreDocument(String document, JsonNode state, Map<String, JsonNode> meta, long version, long fence) {

    /** A store on a single node: no fencing token. */
    public StoreDocument(String document, JsonNode state, Map<String, JsonNode> meta, long version) {
        this(document, state, meta, version, 0);
    }

    /** Validates the components and copies maps, so the record stays immutable. */
    public StoreDocument {
        meta = meta == null ? Map.of() : Map.copyOf(meta);
    }
}
