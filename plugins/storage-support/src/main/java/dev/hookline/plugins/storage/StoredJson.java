package dev.hookline.plugins.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.sql.SQLDataException;
import java.util.Map;

/** JSON text in and out of the database: snapshots, meta and logged values. */
public final class StoredJson {

    /**
     * Documents can be large and deep: the limits are the server's business (frames are checked
     * when they arrive), not the store's.
     */
    public static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(100_000).maxStringLength(Integer.MAX_VALUE).maxNumberLength(Integer.MAX_VALUE)
                .maxDocumentLength(-1).build());
        JSON.getFactory().setStreamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(100_000).build());
    }

    private StoredJson() {
    }

    /** @return the node as JSON text, or {@code null} for {@code null} */
    public static String text(JsonNode node) {
        if (node == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return a document's meta by path as the text of one JSON object, as snapshots keep it */
    public static String metaText(Map<String, JsonNode> meta) {
        ObjectNode metaObject = JSON.createObjectNode();
        meta.forEach(metaObject::set);
        return text(metaObject);
    }

    /** @throws SQLDataException when the stored text is not JSON */
    public static JsonNode parse(String text) throws SQLDataException {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SQLDataException("stored JSON does not parse: " + e.getOriginalMessage(), e);
        }
    }
}
