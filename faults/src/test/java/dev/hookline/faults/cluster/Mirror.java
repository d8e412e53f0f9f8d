package dev.hookline.faults.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What a careful client holds for one root subscription of one document, built only from the
 * frames a node sent (docs/protocol.md, "Writing a client": apply in arrival order, dedupe by
 * version, a {@code reset} snapshot replaces everything). It also checks the one promise that
 * matters across nodes: after a snapshot at version V, the changes come as V+1, V+2, ... with no
 * gap, unless a {@code reset} snapshot says "start again from here".
 *
 * <p>Frames are fed from the socket's thread; reads come from the test's thread.
 */
final class Mirror {

    /** One applied change: what every subscriber of the document must see identically. */
    record Step(long version, String op, String path, JsonNode value) {
    }

    private final String doc;
    private ObjectNode root = JsonClient.JSON.createObjectNode();
    private long version = -1; // -1: no snapshot yet
    private final List<Step> steps = new ArrayList<>();
    private final List<String> gaps = new ArrayList<>();
    private int resets;
    private int snapshots;

    Mirror(String doc) {
        this.doc = doc;
    }

    /** Feeds one frame of the connection; frames of other documents and other types are ignored. */
    synchronized void accept(JsonNode frame) {
        if (!doc.equals(frame.path("doc").asText())) {
            return;
        }
        switch (frame.path("type").asText()) {
            case "snapshot" -> {
                if (!frame.path("path").asText().isEmpty()) {
                    return;
                }
                snapshots++;
                if (frame.path("reset").asBoolean()) {
                    resets++;
                }
                JsonNode value = frame.get("value");
                root = value instanceof ObjectNode object ? object.deepCopy() : JsonClient.JSON.createObjectNode();
                version = frame.path("version").asLong();
            }
            case "ack" -> {
                // a resume answered "replay" leaves the data as it is: the replayed changes follow
            }
            case "change" -> change(frame);
            default -> {
            }
        }
    }

    private void change(JsonNode frame) {
        long v = frame.path("version").asLong();
        if (version < 0) {
            gaps.add("change v" + v + " before any snapshot");
            return;
        }
        if (v <= version) {
            return; // already applied (a replay overlapping what we saw)
        }
        if (v != version + 1) {
            gaps.add("change v" + v + " after v" + version + " without a reset");
        }
        String op = frame.path("op").asText();
        String path = frame.path("path").asText();
        JsonNode value = frame.get("value");
        apply(op, path, value);
        version = v;
        steps.add(new Step(v, op, path, value));
    }

    /** A resume after a reconnect starts from what this mirror holds: the caller sends {@code since = version()}. */
    synchronized long version() {
        return version;
    }

    synchronized ObjectNode state() {
        return root.deepCopy();
    }

    /** The changes applied, in order (replays included, duplicates not). */
    synchronized List<Step> steps() {
        return List.copyOf(steps);
    }

    synchronized List<String> gaps() {
        return List.copyOf(gaps);
    }

    synchronized int resets() {
        return resets;
    }

    synchronized int snapshots() {
        return snapshots;
    }

    private void apply(String op, String path, JsonNode value) {
        if (path.isEmpty()) {
            switch (op) {
                case "set" -> root = value instanceof ObjectNode o ? o.deepCopy() : JsonClient.JSON.createObjectNode();
                case "delete" -> root = JsonClient.JSON.createObjectNode();
                case "merge" -> merge(root, value);
                default -> gaps.add("unknown op " + op);
            }
            return;
        }
        String[] segments = path.split("/");
        ObjectNode parent = root;
        for (int i = 0; i < segments.length - 1; i++) {
            JsonNode child = parent.get(segments[i]);
            if (!(child instanceof ObjectNode)) {
                if (op.equals("delete")) {
                    return;
                }
                child = parent.putObject(segments[i]);
            }
            parent = (ObjectNode) child;
        }
        String last = segments[segments.length - 1];
        switch (op) {
            case "set" -> parent.set(last, value.deepCopy());
            case "delete" -> parent.remove(last);
            case "merge" -> {
                JsonNode target = parent.get(last);
                if (!(target instanceof ObjectNode)) {
                    target = parent.putObject(last);
                }
                merge((ObjectNode) target, value);
            }
            default -> gaps.add("unknown op " + op);
        }
    }

    private static void merge(ObjectNode target, JsonNode patch) {
        patch.properties().forEach(entry -> {
            JsonNode old = target.get(entry.getKey());
            if (old instanceof ObjectNode oldObject && entry.getValue() instanceof ObjectNode patchObject) {
                merge(oldObject, patchObject);
            } else {
                target.set(entry.getKey(), entry.getValue().deepCopy());
            }
        });
    }
}
