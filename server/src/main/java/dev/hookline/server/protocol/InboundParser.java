package dev.hookline.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.hookline.api.Operation;
import java.nio.charset.StandardCharsets;

/**
 * Turns frames into {@link Inbound} records. Everything a client sends is checked here, so the
 * rest of the server only sees well-formed requests; anything else becomes a
 * {@link ProtocolException} with code 4400 and a reason that says what is wrong.
 */
public final class InboundParser {

    /** Document names: at most this many UTF-8 bytes. */
    public static final int MAX_DOCUMENT_NAME_BYTES = 256;

    private InboundParser() {
    }

    /**
     * Parses the text of a frame into a JSON tree. Malformed JSON, anything but one object, a
     * number beyond a double's range and an unpaired surrogate are a 4400 (see {@link FrameReader}).
     */
    public static JsonNode tree(String text) {
        return FrameReader.read(text);
    }

    /** Reads a frame's tree (possibly rewritten by {@code beforeHandleMessage}) as a request. */
    public static Inbound parse(JsonNode frame) {
        if (frame == null || !frame.isObject()) {
            throw new ProtocolException(Codes.BAD_REQUEST, "a frame is a JSON object", null);
        }
        JsonNode typeNode = frame.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new ProtocolException(Codes.BAD_REQUEST, "missing \"type\"", id(frame));
        }
        String type = typeNode.asText();
        if (type.equals("pong")) {
            // Never answered, so its id is ignored, even one that is no valid id.
            return new Inbound.Pong(null, nullable(frame.get("payload")));
        }
        Long id = id(frame);
        return switch (type) {
            case "open" -> new Inbound.Open(required(id, type), doc(frame, id), optionalText(frame, "token", id));
            case "leave" -> new Inbound.Leave(id, doc(frame, id));
            case "sub" -> new Inbound.Subscribe(required(id, type), doc(frame, id), path(frame, id),
                    bool(frame, "keys", id), since(frame, id));
            case "unsub" -> new Inbound.Unsubscribe(id, doc(frame, id), number(frame, "sub", id));
            case "set" -> write(frame, id, Operation.SET);
            case "merge" -> write(frame, id, Operation.MERGE);
            case "delete" -> new Inbound.Write(id, doc(frame, id), Operation.DELETE, path(frame, id), null, null);
            case "presence" -> new Inbound.Presence(id, doc(frame, id), nullable(frame.get("state")));
            case "stateless" -> new Inbound.Stateless(id, doc(frame, id), present(frame, "payload", id));
            case "token" -> new Inbound.Token(id, doc(frame, id), optionalText(frame, "token", id));
            default -> throw new ProtocolException(Codes.BAD_REQUEST, "unknown type \"" + type + "\"", id);
        };
    }

    private static Inbound.Write write(JsonNode frame, Long id, Operation op) {
        JsonNode value = present(frame, "value", id);
        if (op == Operation.MERGE && !value.isObject()) {
            throw new ProtocolException(Codes.BAD_REQUEST, "merge takes an object \"value\"", id);
        }
        return new Inbound.Write(id, doc(frame, id), op, path(frame, id), value, nullable(frame.get("meta")));
    }

    private static Long id(JsonNode frame) {
        JsonNode id = frame.get("id");
        if (id == null || id.isNull()) {
            return null;
        }
        Long valid = validId(frame);
        if (valid == null) {
            // Not echoed: an id the client cannot have meant (-4, 1.5, "7") matches no request of its.
            throw new ProtocolException(Codes.BAD_REQUEST, "\"id\" is a non-negative integer", null);
        }
        return valid;
    }

    /** @return the frame's id when it is a valid one (an integer from 0 to 2^63-1), else {@code null} */
    public static Long validId(JsonNode frame) {
        JsonNode id = frame.get("id");
        if (id == null || !id.canConvertToExactIntegral() || !id.canConvertToLong() || id.asLong() < 0) {
            return null;
        }
        return id.asLong();
    }

    private static long required(Long id, String type) {
        if (id == null) {
            throw new ProtocolException(Codes.BAD_REQUEST, "\"" + type + "\" needs an \"id\"", null);
        }
        return id;
    }

    /**
     * Validates a document name: non-empty, at most 256 bytes of UTF-8, no control characters, no
     * unpaired surrogate (a frame cannot carry one, but the server API can: storage would turn it
     * into {@code ?} and make "X" + U+D800 and {@code "X?"} one stored document).
     */
    public static String validDocumentName(String name, Long id) {
        if (name == null || name.isEmpty()) {
            throw new ProtocolException(Codes.BAD_REQUEST, "a document name is not empty", id);
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_DOCUMENT_NAME_BYTES) {
            throw new ProtocolException(Codes.BAD_REQUEST, "a document name has at most " + MAX_DOCUMENT_NAME_BYTES
                    + " bytes of UTF-8", id);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new ProtocolException(Codes.BAD_REQUEST, "a document name has no control characters", id);
            }
        }
        if (FrameReader.unpairedSurrogate(name) >= 0) {
            throw new ProtocolException(Codes.BAD_REQUEST, "a document name has no unpaired surrogate", id);
        }
        return name;
    }

    private static String doc(JsonNode frame, Long id) {
        JsonNode doc = frame.get("doc");
        if (doc == null || !doc.isTextual()) {
            throw new ProtocolException(Codes.BAD_REQUEST, "missing \"doc\"", id);
        }
        return validDocumentName(doc.asText(), id);
    }

    private static String path(JsonNode frame, Long id) {
        JsonNode path = frame.get("path");
        if (path == null || path.isNull()) {
            return "";
        }
        if (!path.isTextual()) {
            throw new ProtocolException(Codes.BAD_REQUEST, "\"path\" is a string", id);
        }
        return path.asText();
    }

    private static String optionalText(JsonNode frame, String field, Long id) {
        JsonNode node = frame.get(field);
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw new ProtocolException(Codes.BAD_REQUEST, "\"" + field + "\" is a string", id);
        }
        return node.asText();
    }

    private static boolean bool(JsonNode frame, String field, Long id) {
        JsonNode node = frame.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new ProtocolException(Codes.BAD_REQUEST, "\"" + field + "\" is true or false", id);
        }
        return node.asBoolean();
    }

    private static long since(JsonNode frame, Long id) {
        JsonNode node = frame.get("since");
        if (node == null || node.isNull()) {
            return -1;
        }
        if (!node.canConvertToExactIntegral() || node.asLong() < 0) {
            throw new ProtocolException(Codes.BAD_REQUEST, "\"since\" is a version, a non-negative integer", id);
        }
        return node.asLong();
    }

    private static long number(JsonNode frame, String field, Long id) {
        JsonNode node = frame.get(field);
        if (node == null || !node.canConvertToExactIntegral()) {
            throw new ProtocolException(Codes.BAD_REQUEST, "missing \"" + field + "\" (an integer)", id);
        }
        return node.asLong();
    }

    private static JsonNode present(JsonNode frame, String field, Long id) {
        JsonNode node = frame.get(field);
        if (node == null) {
            throw new ProtocolException(Codes.BAD_REQUEST, "missing \"" + field + "\"", id);
        }
        return node;
    }

    private static JsonNode nullable(JsonNode node) {
        return node == null || node instanceof NullNode ? null : node;
    }
}
