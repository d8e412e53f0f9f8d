package dev.hookline.client;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Encodes the client's frames straight to text with one shared {@link ObjectMapper} (no
 * intermediate tree), and parses the server's.
 */
final class Frames {

    /** Shared by every client: an ObjectMapper is thread-safe once configured. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** No id: the request is not acknowledged. */
    static final long NO_ID = -1;

    private Frames() {
    }

    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /** {@code {"type":type,"id":id,"doc":doc, ...body}}; {@code id < 0} and {@code doc == null} are left out. */
    static String frame(String type, long id, String doc, Body body) {
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", type);
            if (id >= 0) {
                g.writeNumberField("id", id);
            }
            if (doc != null) {
                g.writeStringField("doc", doc);
            }
            if (body != null) {
                body.write(g);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A set, merge or delete: {@code value} and {@code meta} are left out when {@code null}. */
    static String write(String type, long id, String doc, String path, JsonNode value, JsonNode meta) {
        return frame(type, id, doc, g -> {
            g.writeStringField("path", path);
            if (value != null) {
                g.writeFieldName("value");
                MAPPER.writeTree(g, value);
            }
            if (meta != null && !meta.isNull() && !meta.isMissingNode()) {
                g.writeFieldName("meta");
                MAPPER.writeTree(g, meta);
            }
        });
    }

    /** A frame with one JSON field ({@code null} written as JSON null). */
    static String withNode(String type, long id, String doc, String field, JsonNode value) {
        return frame(type, id, doc, g -> {
            g.writeFieldName(field);
            if (value == null) {
                g.writeNull();
            } else {
                MAPPER.writeTree(g, value);
            }
        });
    }

    static JsonNode parse(String text) throws IOException {
        return MAPPER.readTree(text);
    }
}
