package dev.hookline.plugins.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Operation;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A document being rebuilt from its snapshot and its change log. Applies SET, MERGE and DELETE
 * exactly as the server's {@code DocumentState} does, meta included, so that replaying the
 * logged changes reproduces the state the server had when it acknowledged them. Plugins may not
 * depend on the server, hence this copy of the rules (checked against {@code DocumentState} by
 * ReplayTest):
 *
 * <ul>
 *   <li>SET replaces the node at the path, creating missing parent objects; the root can only be
 *       set to an object. The path's meta becomes the change's meta (none: cleared); the meta of
 *       everything below the path goes.</li>
 *   <li>MERGE deep-merges an object: where both sides are objects they merge, anything else
 *       replaces. A merge into a missing node sets it. The meta below every object replaced by a
 *       non-object goes; the path's meta is set when the change has one, else kept.</li>
 *   <li>DELETE removes the node; deleting the root leaves {@code {}}; deleting what does not
 *       exist changes nothing but the meta. The meta at and below the path goes.</li>
 * </ul>
 *
 * Logged paths are canonical (the server logs them so): {@code ""} or {@code a/b}. Not thread-safe.
 */
public final class Replay {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ObjectNode root;
    private final NavigableMap<String, JsonNode> meta = new TreeMap<>();
    private long version;

    /**
     * @param root    the snapshot's tree (taken over, not copied), or {@code null} for {@code {}}
     * @param meta    the snapshot's meta by path, or {@code null}
     * @param version the snapshot's version
     */
    public Replay(ObjectNode root, Map<String, JsonNode> meta, long version) {
        this.root = root == null ? NODES.objectNode() : root;
        if (meta != null) {
            meta.forEach((path, value) -> {
                if (value != null && !value.isNull()) {
                    this.meta.put(path, value);
                }
            });
        }
        this.version = version;
    }

    public ObjectNode root() {
        return root;
    }

    /** @return the meta by path, sorted; live */
    public NavigableMap<String, JsonNode> meta() {
        return meta;
    }

    public long version() {
        return version;
    }

    /**
     * Applies one logged change, which must be the next version.
     *
     * @throws IllegalStateException when the change does not fit (the log is corrupt)
     */
    public void apply(long changeVersion, Operation op, String path, JsonNode value, JsonNode changeMeta) {
        if (changeVersion != version + 1) {
            throw new IllegalStateException("version " + changeVersion + " does not follow version " + version);
        }
        List<String> segments = path.isEmpty() ? List.of() : Arrays.asList(path.split("/", -1));
        JsonNode newMeta = changeMeta == null || changeMeta.isNull() || changeMeta.isMissingNode() ? null : changeMeta;
        switch (op) {
            case SET -> set(segments, path, value, newMeta);
            case MERGE -> merge(segments, path, value, newMeta);
            case DELETE -> delete(segments, path);
        }
        version = changeVersion;
    }

    private void set(List<String> segments, String path, JsonNode value, JsonNode newMeta) {
        if (value == null || value.isMissingNode()) {
            throw new IllegalStateException("a set of " + describe(path) + " without a value");
        }
        if (segments.isEmpty()) {
            if (!(value instanceof ObjectNode object)) {
                throw new IllegalStateException("a set of the root to a non-object");
            }
            root = object;
        } else {
            parentFor(segments).set(segments.get(segments.size() - 1), value);
        }
        removeMeta(path, true);
        if (newMeta != null) {
            meta.put(path, newMeta);
        }
    }

    private void merge(List<String> segments, String path, JsonNode value, JsonNode newMeta) {
        if (!(value instanceof ObjectNode patch)) {
            throw new IllegalStateException("a merge into " + describe(path) + " of a non-object");
        }
        if (segments.isEmpty()) {
            mergeInto(root, patch, "");
        } else {
            ObjectNode parent = parentFor(segments);
            String key = segments.get(segments.size() - 1);
            JsonNode target = parent.get(key);
            if (target == null) {
                parent.set(key, patch);
            } else if (target instanceof ObjectNode object) {
                mergeInto(object, patch, path);
            } else {
                throw new IllegalStateException("a merge into " + path + ", which is not an object");
            }
        }
        if (newMeta != null) {
            meta.put(path, newMeta);
        }
    }

    private void mergeInto(ObjectNode target, ObjectNode patch, String targetPath) {
        for (Map.Entry<String, JsonNode> field : patch.properties()) {
            String key = field.getKey();
            JsonNode incoming = field.getValue();
            JsonNode existing = target.get(key);
            String childPath = targetPath.isEmpty() ? key : targetPath + "/" + key;
            if (incoming instanceof ObjectNode incomingObject && existing instanceof ObjectNode existingObject) {
                mergeInto(existingObject, incomingObject, childPath);
                continue;
            }
            target.replace(key, incoming.deepCopy());
            if (existing instanceof ObjectNode) {
                // The old object and what was below it are gone, and so is their meta; the
                // replaced node's own meta stays (a merge never clears the meta of what it names).
                removeMeta(childPath, false);
            }
        }
    }

    private void delete(List<String> segments, String path) {
        if (segments.isEmpty()) {
            root = NODES.objectNode();
        } else if (find(segments.subList(0, segments.size() - 1)) instanceof ObjectNode parent) {
            parent.remove(segments.get(segments.size() - 1));
        }
        removeMeta(path, true);
    }

    /** The object that holds the last segment, creating missing objects on the way. */
    private ObjectNode parentFor(List<String> segments) {
        ObjectNode node = root;
        for (int i = 0; i < segments.size() - 1; i++) {
            String key = segments.get(i);
            JsonNode child = node.get(key);
            if (child instanceof ObjectNode object) {
                node = object;
            } else if (child == null) {
                node = node.putObject(key);
            } else {
                throw new IllegalStateException("the path " + String.join("/", segments) + " runs through "
                        + String.join("/", segments.subList(0, i + 1)) + ", which is not an object");
            }
        }
        return node;
    }

    private JsonNode find(List<String> segments) {
        JsonNode node = root;
        for (String segment : segments) {
            if (!(node instanceof ObjectNode object)) {
                return null;
            }
            node = object.get(segment);
        }
        return node;
    }

    /** Removes the meta strictly below {@code path}, and at it too if {@code self}. */
    private void removeMeta(String path, boolean self) {
        if (meta.isEmpty()) {
            return;
        }
        if (self) {
            meta.remove(path);
        }
        // "a/b/" up to (excluding) "a/b0" is exactly the paths below a/b: '0' follows '/'.
        Map<String, JsonNode> below = path.isEmpty()
                ? meta.tailMap("", false)
                : meta.subMap(path + "/", true, path + "0", false);
        for (Iterator<?> it = below.entrySet().iterator(); it.hasNext(); ) {
            it.next();
            it.remove();
        }
    }

    private static String describe(String path) {
        return path.isEmpty() ? "the root" : path;
    }
}
