package dev.hookline.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;
import java.util.List;
import java.util.Locale;

/**
 * The frames the server sends, encoded once to UTF-8 JSON. A broadcast is encoded by one call here
 * and the same bytes go to every recipient. {@code docs/protocol.md} documents each frame.
 */
public final class Outbound {

    /** Protocol version announced in the welcome frame. */
    public static final int PROTOCOL_VERSION = 1;

    private Outbound() {
    }

    /** Sent once the connection was accepted by every {@code onConnect} hook. */
    public static byte[] welcome(String connectionId) {
        return Json.bytes(frame("welcome").put("conn", connectionId).put("protocol", PROTOCOL_VERSION));
    }

    /** A bare acknowledgement. */
    public static byte[] ack(long id) {
        return Json.bytes(ackNode(id));
    }

    /** An acknowledgement carrying the document version the request produced or saw. */
    public static byte[] ack(long id, String doc, long version) {
        return Json.bytes(ackNode(id).put("doc", doc).put("version", version));
    }

    /**
     * The acknowledgement of a subscription, telling the client how it is brought up to date:
     * {@code "snapshot"} (a snapshot frame follows), {@code "replay"} (the missed change frames
     * follow), or {@code "reset"} (a snapshot follows and replaces whatever the client cached).
     */
    public static byte[] subscribed(long id, String doc, String path, boolean keys, long version, String resume) {
        return Json.bytes(ackNode(id).put("doc", doc).put("sub", id).put("path", path).put("keys", keys)
                .put("version", version).put("resume", resume));
    }

    /** The answer to a request that failed, or to a frame that could not be read ({@code id} null). */
    public static byte[] error(Long id, String doc, int code, String reason) {
        ObjectNode node = frame("error");
        if (id == null) {
            node.putNull("id");
        } else {
            node.put("id", id);
        }
        if (doc != null) {
            node.put("doc", doc);
        }
        return Json.bytes(node.put("code", code).put("reason", reason));
    }

    /** The value at a subscribed path (null when absent), with the meta of the path's subtree. */
    public static byte[] snapshot(String doc, long sub, String path, long version, JsonNode value, JsonNode meta,
                                  boolean reset) {
        ObjectNode node = frame("snapshot").put("doc", doc).put("sub", sub).put("path", path).put("version", version);
        node.set("value", value);
        if (meta != null && !meta.isEmpty()) {
            node.set("meta", meta);
        }
        return Json.bytes(node.put("reset", reset));
    }

    /** The child keys at a subscribed path. */
    public static byte[] keysSnapshot(String doc, long sub, String path, long version, List<String> keys, boolean reset) {
        ObjectNode node = frame("snapshot").put("doc", doc).put("sub", sub).put("path", path).put("version", version);
        ArrayNode array = node.putArray("keys");
        keys.forEach(array::add);
        return Json.bytes(node.put("reset", reset));
    }

    /** One applied change, for every connection with a subscription it touches. */
    public static byte[] change(String doc, long version, Operation op, String path, JsonNode value, JsonNode meta,
                                Origin origin) {
        ObjectNode node = frame("change").put("doc", doc).put("version", version)
                .put("op", op.name().toLowerCase(Locale.ROOT)).put("path", path);
        if (op != Operation.DELETE) {
            node.set("value", value);
        }
        if (meta != null) {
            node.set("meta", meta);
        }
        node.put("origin", origin.kind().name().toLowerCase(Locale.ROOT));
        return Json.bytes(node);
    }

    /** Keys added to and removed from the object at a path, for its keys subscribers. */
    public static byte[] keys(String doc, String path, long version, List<String> added, List<String> removed) {
        ObjectNode node = frame("keys").put("doc", doc).put("path", path).put("version", version);
        ArrayNode addedArray = node.putArray("added");
        added.forEach(addedArray::add);
        ArrayNode removedArray = node.putArray("removed");
        removed.forEach(removedArray::add);
        return Json.bytes(node);
    }

    /** A connection's presence state in a document; {@code null} when it left or cleared it. */
    public static byte[] presence(String doc, String connectionId, JsonNode state) {
        ObjectNode node = frame("presence").put("doc", doc).put("conn", connectionId);
        node.set("state", state);
        return Json.bytes(node);
    }

    /** A stateless message. */
    public static byte[] stateless(String doc, JsonNode payload) {
        ObjectNode node = frame("stateless").put("doc", doc);
        node.set("payload", payload);
        return Json.bytes(node);
    }

    /** A keep-alive ping; the client answers with a pong. */
    public static byte[] ping(JsonNode payload) {
        ObjectNode node = frame("ping");
        node.set("payload", payload);
        return Json.bytes(node);
    }

    /** The server ended this connection's session on a document. */
    public static byte[] closed(String doc, int code, String reason) {
        return Json.bytes(frame("closed").put("doc", doc).put("code", code).put("reason", reason));
    }

    /** The server's last frame before it closes the connection. */
    public static byte[] goodbye(int code, String reason) {
        return Json.bytes(frame("goodbye").put("code", code).put("reason", reason));
    }

    private static ObjectNode ackNode(long id) {
        return frame("ack").put("id", id);
    }

    private static ObjectNode frame(String type) {
        return Json.object().put("type", type);
    }
}
