package dev.hookline.server.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one Jackson mapper of the server, and small helpers around it. */
public final class Json {

    /** Thread-safe once configured. Nesting is bounded so a hostile frame cannot exhaust the stack. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build());
        MAPPER.registerModule(new JavaTimeModule());
        MAPPER.disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
    }

    private Json() {
    }

    /** @return a new empty object node */
    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** @return the node as UTF-8 JSON bytes */
    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    /**
     * @return the JSON value in {@code bytes}, which this server wrote with {@link #bytes} (numbers
     *         and strings come back as they were: integers exact, fractions as doubles)
     */
    public static JsonNode read(byte[] bytes) {
        try {
            return MAPPER.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    /**
     * @return how many bytes the node is as UTF-8 JSON (as {@link #bytes} would write it), counted
     *         as it is written, without keeping them
     */
    public static long size(JsonNode node) {
        ByteCounter counter = new ByteCounter();
        try {
            MAPPER.writeValue(counter, node);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
        return counter.count;
    }

    /** An output stream that only counts. */
    private static final class ByteCounter extends java.io.OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    /** @return the node as JSON text */
    public static String text(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }
}
