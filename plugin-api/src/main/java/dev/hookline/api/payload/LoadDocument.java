package dev.hookline.api.payload;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Passed to {@code onLoadDocument} on the first open of a document not in memory. A storage hook
 * returns the stored state; the result of the chain becomes the live document.
 *
 * @param document the document name
 * @param state the initial tree (an empty object unless an earlier hook loaded one)
 * @param meta node meta by path
 * @param version the version of that state, 0 for a new document
 * @param fence the fencing token of this node's ownership of the document in a cluster, 0 on a
 *        single node. A shared storage remembers the highest token it saw for the document and
 *        refuses later writes with a lower one, so a node that lost its ownership (paused,
 *        partitioned) cannot write over its successor; see {@code docs/scaling.md}
 */
public record LoadDocument(String document, JsonNode state, Map<String, JsonNode> meta, long version, long fence) {

    /** A load on a single node: no fencing token. */
    public LoadDocument(String document, JsonNode state, Map<String, JsonNode> meta, long version) {
        this(document, state, meta, version, 0);
    }

    /** Validates the components and copies maps, so the record stays immutable. */
    public LoadDocument {
        meta = meta == null ? Map.of() : Map.copyOf(meta);
    }

    /** @return a copy with another state */
    public LoadDocument withState(JsonNode state) {
        return new LoadDocument(document, state, meta, version, fence);
    }

    /** @return a copy with another meta */
    public LoadDocument withMeta(Map<String, JsonNode> meta) {
        return new LoadDocument(document, state, meta, version, fence);
    }

    /** @return a copy with another version */
    public LoadDocument withVersion(long version) {
        return new LoadDocument(document, state, meta, version, fence);
    }
}
