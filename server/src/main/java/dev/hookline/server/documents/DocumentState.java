package dev.hookline.server.documents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Operation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The mutable state of one document: a JSON tree whose root is always an object, a version that
 * grows by one per applied change, and optional meta per node, keyed by canonical path.
 *
 * <p><b>Not thread-safe.</b> One writer owns it; nobody else may read it while that writer may
 * be applying a change. Whatever it returns from {@link #root()}, {@link #get}, {@link #metaOf}
 * and {@link #meta()} is live: read it on the writer, do not modify it, and copy it
 * ({@link #snapshot()}, {@link #metaSnapshot()}) to hand it to anyone else.
 *
 * <h2>Changes</h2>
 * {@link #apply} validates before it touches anything, so a change that fails with a
 * {@link DocumentException} leaves the state exactly as it was. A change that succeeds can be
 * {@link #revert reverted} for as long as it is the last one (an {@code onChange} hook rejected
 * it): the undo record keeps what the change replaced, not a copy of the document, so applying
 * and reverting costs in proportion to the change, not to the document.
 *
 * <h2>Meta</h2>
 * Meta only ever exists for nodes that exist: SET drops the meta of everything below its path
 * (replaced), DELETE the meta of its path and everything below (removed), and MERGE the meta
 * below every object it replaces with a non-object. The constructor takes meta as given and does
 * not check this.
 *
 * <h2>Keys</h2>
 * Keys inside values are stored as they come: a key containing {@code /} (a URL, say) or the
 * empty key is legal JSON but cannot be named by a path, so it is reachable only through its
 * parent.
 */
public final class DocumentState {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ObjectNode root;
    private long version;
    /** Sorted, so that the meta at and below a path is one key range. */
    private final NavigableMap<String, JsonNode> meta = new TreeMap<>();
    private final Map<String, JsonNode> metaView = Collections.unmodifiableMap(meta);
    /** The change {@link #revert} may undo; {@code null} when there is none. */
    private AppliedChange last;

    /**
     * @param initial the tree, an object; {@code null} for an empty document. Copied.
     * @param meta    meta by path (normalized here); {@code null} for none. Copied; null values are skipped.
     * @param version the version of the tree, {@code >= 0}
     * @throws IllegalArgumentException if {@code initial} is not an object, a meta path is
     *                                  invalid or the version is negative
     */
    public DocumentState(JsonNode initial, Map<String, JsonNode> meta, long version) {
        if (initial != null && !initial.isObject()) {
            throw new IllegalArgumentException("a document is an object, not " + typeOf(initial));
        }
        if (version < 0) {
            throw new IllegalArgumentException("a document version is >= 0, not " + version);
        }
        this.root = initial == null ? NODES.objectNode() : (ObjectNode) initial.deepCopy();
        this.version = version;
        if (meta != null) {
            meta.forEach((path, value) -> {
                if (value != null) {
                    this.meta.put(Paths.normalize(path), value.deepCopy());
                }
            });
        }
    }

    /** @return the version: the number of changes applied since the document was created */
    public long version() {
        return version;
    }

    /**
     * @return the live root object. Do not modify it, and do not keep it across changes: a SET or
     *         DELETE of the root replaces it with another object.
     */
    public ObjectNode root() {
        return root;
    }

    /**
     * @param path a path
     * @return the live node at the path, {@code null} if there is none (including when something
     *         on the way is not an object). Do not modify it.
     * @throws IllegalArgumentException if the path is invalid
     */
    public JsonNode get(String path) {
        return find(Paths.segments(path));
    }

    /**
     * @param path a path
     * @return the field names of the object at the path in insertion order; empty when there is
     *         no node there or it is not an object. A copy.
     * @throws IllegalArgumentException if the path is invalid
     */
    public List<String> keys(String path) {
        if (!(get(path) instanceof ObjectNode object)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>(object.size());
        object.fieldNames().forEachRemaining(keys::add);
        return Collections.unmodifiableList(keys);
    }

    /**
     * @param path a path
     * @return the live meta of the node at the path, {@code null} if it has none. Do not modify it.
     * @throws IllegalArgumentException if the path is invalid
     */
    public JsonNode metaOf(String path) {
        return meta.get(Paths.normalize(path));
    }

    /** @return all meta by canonical path, sorted by path: a live, unmodifiable view */
    public Map<String, JsonNode> meta() {
        return metaView;
    }

    /** @return a deep copy of the tree */
    public ObjectNode snapshot() {
        return root.deepCopy();
    }

    /** @return a deep copy of all meta by canonical path, sorted by path; unmodifiable */
    public Map<String, JsonNode> metaSnapshot() {
        TreeMap<String, JsonNode> copy = new TreeMap<>();
        meta.forEach((path, value) -> copy.put(path, value.deepCopy()));
        return Collections.unmodifiableMap(copy);
    }

    /**
     * Applies a change and increments the version by one.
     *
     * <ul>
     *   <li>SET replaces the node at the path with a copy of {@code value}, creating missing parent
     *       objects. The root can only be set to an object.</li>
     *   <li>MERGE deep-merges {@code value}, which must be an object, into the object at the path
     *       (created if absent): objects merge recursively, anything else (arrays, null included)
     *       replaces.</li>
     *   <li>DELETE removes the node at the path; deleting the root leaves {@code {}}. Deleting a
     *       path that does not exist is allowed and still a change, with a new version: the
     *       writer asked for a state and got it, and every write acknowledged with a version
     *       keeps versions and the change log simple (no "nothing happened" case).</li>
     * </ul>
     *
     * <p>{@code meta}: SET stores it at the path (a copy) or, when {@code null}, clears the path's
     * meta; MERGE stores it when non-null and otherwise leaves the path's meta alone; DELETE
     * ignores it. A JSON {@code null} or missing node counts as {@code null}.
     *
     * <p>Any change but the last can no longer be {@linkplain #revert reverted} afterwards.
     *
     * @param operation SET, MERGE or DELETE
     * @param path      where
     * @param value     SET: the new value; MERGE: an object; DELETE: ignored
     * @param meta      the meta to store, or {@code null}
     * @return the change as applied
     * @throws DocumentException with code 4400 when the path is invalid, the value is missing or
     *                           of the wrong type, or the path runs through a node that is not
     *                           an object; the state is then unchanged
     */
    public AppliedChange apply(Operation operation, String path, JsonNode value, JsonNode meta) {
        Objects.requireNonNull(operation, "operation");
        List<String> segments = segmentsOrBadRequest(path);
        String canonical = segments.isEmpty() ? "" : String.join("/", segments);
        long next = version + 1;
        if (next < 0) {
            throw new IllegalStateException("document version overflow");
        }
        JsonNode storedMeta = meta == null || meta.isNull() || meta.isMissingNode() ? null : meta.deepCopy();
        AppliedChange.Undo undo = new AppliedChange.Undo(version);
        JsonNode applied = switch (operation) {
            case SET -> set(segments, canonical, value, storedMeta, undo);
            case MERGE -> merge(segments, canonical, value, storedMeta, undo);
            case DELETE -> delete(segments, canonical, undo);
        };
        version = next;
        if (last != null) {
            last.undo().release();
        }
        last = new AppliedChange(next, operation, canonical, applied,
                operation == Operation.DELETE ? null : storedMeta, undo);
        return last;
    }

    /**
     * Undoes the last applied change exactly: tree (including the order of keys), meta and
     * version are as they were before it. Used when an {@code onChange} hook rejects a change.
     *
     * @param change the change {@link #apply} returned last
     * @throws IllegalStateException if {@code change} is not the last change applied to this
     *                               state, or was already reverted
     */
    public void revert(AppliedChange change) {
        Objects.requireNonNull(change, "change");
        if (change != last || change.undo() == null || change.undo().released()) {
            throw new IllegalStateException("only the last change applied can be reverted, once; version "
                    + change.version() + " is not it (the document is at version " + version + ")");
        }
        AppliedChange.Undo undo = change.undo();
        undo.revertEdits();
        if (undo.previousRoot != null) {
            root = undo.previousRoot;
        }
        undo.previousMeta().forEach((path, previous) -> {
            if (previous == null) {
                meta.remove(path);
            } else {
                meta.put(path, previous);
            }
        });
        version = undo.previousVersion;
        undo.release();
        last = null;
    }

    private JsonNode set(List<String> segments, String path, JsonNode value, JsonNode newMeta,
                         AppliedChange.Undo undo) {
        if (value == null || value.isMissingNode()) {
            throw badRequest("cannot set " + describe(path) + ": no value given");
        }
        if (segments.isEmpty()) {
            if (!value.isObject()) {
                throw badRequest("cannot set the root: the root must be an object, not " + typeOf(value));
            }
            undo.previousRoot = root;
            root = (ObjectNode) value.deepCopy();
        } else {
            ObjectNode parent = parentFor("set", segments, undo);
            String key = segments.get(segments.size() - 1);
            undo.edited(parent, key, parent.replace(key, value.deepCopy()));
        }
        // Everything below was replaced, so its meta goes; the path's own meta becomes newMeta.
        removeMeta(path, true, undo);
        if (newMeta != null) {
            putMeta(path, newMeta, undo);
        }
        // A second copy for the record: the one in the tree may be merged into later.
        return value.deepCopy();
    }

    private JsonNode merge(List<String> segments, String path, JsonNode value, JsonNode newMeta,
                           AppliedChange.Undo undo) {
        if (!(value instanceof ObjectNode patch)) {
            throw badRequest("cannot merge " + (value == null ? "nothing" : typeOf(value)) + " into "
                    + describe(path) + ": a merge value must be an object");
        }
        if (segments.isEmpty()) {
            mergeInto(root, patch, "", undo);
        } else {
            ObjectNode parent = parentFor("merge into", segments, undo);
            String key = segments.get(segments.size() - 1);
            JsonNode target = parent.get(key);
            if (target == null) {
                // Merging into nothing is setting a copy of the patch: no need to walk it.
                parent.set(key, patch.deepCopy());
                undo.edited(parent, key, null);
            } else if (target instanceof ObjectNode object) {
                mergeInto(object, patch, path, undo);
            } else {
                // Only an existing parent can hold a non-object target, so nothing was created yet.
                throw badRequest("cannot merge into " + path + ": " + path + " is " + typeOf(target)
                        + ", not an object");
            }
        }
        if (newMeta != null) {
            putMeta(path, newMeta, undo);
        }
        return patch.deepCopy();
    }

    /** Merges {@code patch} into {@code target}; {@code targetPath} is only built when meta exists. */
    private void mergeInto(ObjectNode target, ObjectNode patch, String targetPath, AppliedChange.Undo undo) {
        for (Map.Entry<String, JsonNode> field : patch.properties()) {
            String key = field.getKey();
            JsonNode incoming = field.getValue();
            JsonNode existing = target.get(key);
            String childPath = meta.isEmpty() ? null : child(targetPath, key);
            if (incoming instanceof ObjectNode incomingObject && existing instanceof ObjectNode existingObject) {
                mergeInto(existingObject, incomingObject, childPath, undo);
                continue;
            }
            target.replace(key, incoming.deepCopy());
            undo.edited(target, key, existing);
            if (existing instanceof ObjectNode && childPath != null) {
                // The old object and what was below it are gone; so is their meta. The replaced
                // node's own meta stays: MERGE never clears the meta of what it names.
                removeMeta(childPath, false, undo);
            }
        }
    }

    private JsonNode delete(List<String> segments, String path, AppliedChange.Undo undo) {
        if (segments.isEmpty()) {
            undo.previousRoot = root;
            root = NODES.objectNode();
        } else if (find(segments.subList(0, segments.size() - 1)) instanceof ObjectNode parent) {
            String key = segments.get(segments.size() - 1);
            if (parent.has(key)) {
                int index = indexOf(parent, key);
                undo.removed(parent, key, parent.remove(key), index);
            }
        }
        removeMeta(path, true, undo);
        return null;
    }

    /**
     * The object that is to hold the last segment, creating the missing ones on the way. Checks
     * before it creates, and can only fail before it creates: once a node is missing, everything
     * below it is created and there is nothing left to check.
     */
    private ObjectNode parentFor(String verb, List<String> segments, AppliedChange.Undo undo) {
        ObjectNode node = root;
        int depth = segments.size() - 1;
        for (int i = 0; i < depth; i++) {
            String key = segments.get(i);
            JsonNode child = node.get(key);
            if (child instanceof ObjectNode object) {
                node = object;
            } else if (child != null) {
                String at = String.join("/", segments.subList(0, i + 1));
                throw badRequest("cannot " + verb + " " + String.join("/", segments) + ": " + at + " is "
                        + typeOf(child) + ", not an object");
            } else {
                ObjectNode created = node.putObject(key);
                // Reverting the topmost created object takes everything created below it along.
                undo.edited(node, key, null);
                node = created;
                for (i++; i < depth; i++) {
                    node = node.putObject(segments.get(i));
                }
            }
        }
        return node;
    }

    /** The live node at the segments, or {@code null}. */
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

    private void putMeta(String path, JsonNode value, AppliedChange.Undo undo) {
        undo.metaWas(path, meta.put(path, value));
    }

    /** Removes the meta strictly below {@code path}, and at it too if {@code self}. */
    private void removeMeta(String path, boolean self, AppliedChange.Undo undo) {
        if (meta.isEmpty()) {
            return;
        }
        if (self) {
            JsonNode previous = meta.remove(path);
            if (previous != null) {
                undo.metaWas(path, previous);
            }
        }
        // "a/b/" up to (excluding) "a/b0" is exactly the paths below a/b: '0' follows '/'.
        Map<String, JsonNode> below = path.isEmpty()
                ? meta.tailMap("", false)
                : meta.subMap(path + "/", true, path + "0", false);
        for (Iterator<Map.Entry<String, JsonNode>> it = below.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            undo.metaWas(entry.getKey(), entry.getValue());
            it.remove();
        }
    }

    private static int indexOf(ObjectNode object, String key) {
        int index = 0;
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); index++) {
            if (names.next().equals(key)) {
                return index;
            }
        }
        throw new IllegalStateException("no field " + key);
    }

    private static String child(String path, String key) {
        return path == null ? null : path.isEmpty() ? key : path + "/" + key;
    }

    private static List<String> segmentsOrBadRequest(String path) {
        try {
            return Paths.segments(path);
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    private static String describe(String path) {
        return path.isEmpty() ? "the root" : path;
    }

    /** The type of a node as the error messages name it: "a number", "an array", "null". */
    static String typeOf(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NUMBER -> "a number";
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case BINARY -> "binary data";
            case MISSING -> "missing";
            case POJO -> "a Java object";
        };
    }

    private static DocumentException badRequest(String reason) {
        return new DocumentException(DocumentException.BAD_REQUEST, reason);
    }
}
