package dev.hookline.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Operation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cached value of one subscribed path of a document, with the meta at and below it, the
 * version it is at and the listeners of every {@link Ref} on that path. One server subscription
 * per entry, however many listeners.
 *
 * <p>Changes are applied exactly as the server applies them ({@code DocumentState}): by whole
 * path segments, set replacing and creating missing parents, merge deep-merging objects (anything
 * else replaces; null does not delete), delete removing; meta cleared below what a set replaces,
 * below objects a merge replaces with a non-object, and at and below what a delete removes.
 * Each entry dedupes by its own version: a change at or below the version it is at is ignored.
 *
 * <p>Confined to the client's event thread.
 */
final class ValueEntry {

    private static final Logger log = LoggerFactory.getLogger(ValueEntry.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    enum State {
        /** No server subscription on this connection yet (new, or the connection dropped). */
        IDLE,
        /** The sub was sent; changes are ignored until its ack. */
        SUBSCRIBING,
        /** Acked with snapshot/reset: the snapshot comes next. */
        AWAIT_SNAPSHOT,
        /** Acked with replay up to {@link #replayUntil}: changes apply. */
        REPLAYING,
        /** Up to date; changes apply. */
        LIVE
    }

    static final class Listener {
        final BiConsumer<JsonNode, ChangeInfo> onValue;
        final Consumer<HooklineException> onError;
        boolean primed;

        Listener(BiConsumer<JsonNode, ChangeInfo> onValue, Consumer<HooklineException> onError) {
            this.onValue = onValue;
            this.onError = onError;
        }
    }

    final ClientDocument document;
    /** The path asked for (canonical). */
    final String path;
    /** The path the server subscribed (an onSubscribe hook may rewrite it). */
    String serverPath;
    private List<String> serverSegments;

    State state = State.IDLE;
    long subId;
    long replayUntil;
    /** Whether {@link #value} came from the server (a snapshot), so that a resume can use {@code since}. */
    boolean hasData;
    /** The version the value is at; -1 before the first snapshot. */
    long version = -1;
    private JsonNode value = NullNode.getInstance();
    private final NavigableMap<String, JsonNode> meta = new TreeMap<>();
    private final Map<String, JsonNode> metaView = Collections.unmodifiableMap(meta);
    final List<Listener> listeners = new ArrayList<>(2);

    ValueEntry(ClientDocument document, String path) {
        this.document = document;
        this.path = path;
        setServerPath(path);
    }

    void setServerPath(String canonical) {
        serverPath = canonical;
        serverSegments = PathRules.segments(canonical);
    }

    JsonNode value() {
        return value;
    }

    boolean current() {
        return state == State.LIVE || state == State.REPLAYING;
    }

    // ---- server frames ------------------------------------------------------------------------

    void snapshot(long snapshotVersion, JsonNode snapshotValue, JsonNode snapshotMeta, boolean reset) {
        value = snapshotValue == null || snapshotValue.isMissingNode() ? NullNode.getInstance() : snapshotValue;
        meta.clear();
        if (snapshotMeta != null && snapshotMeta.isObject()) {
            for (Map.Entry<String, JsonNode> field : snapshotMeta.properties()) {
                meta.put(field.getKey(), field.getValue());
            }
        }
        version = snapshotVersion;
        hasData = true;
        state = State.LIVE;
        ChangeInfo info = info(reset, null, null);
        for (Listener listener : listeners.toArray(new Listener[0])) {
            listener.primed = true;
            call(listener, info);
        }
    }

    /** Acked with a replay: the value at {@code since} stands; give it to listeners that have none yet. */
    void replaying(long until) {
        state = State.REPLAYING;
        replayUntil = until;
        ChangeInfo info = null;
        for (Listener listener : listeners.toArray(new Listener[0])) {
            if (!listener.primed) {
                listener.primed = true;
                info = info == null ? info(false, null, null) : info;
                call(listener, info);
            }
        }
    }

    /** @return whether the change applies here: the entry is current, older than it, and touched by it */
    boolean accepts(long changeVersion, String changedPath) {
        return (state == State.LIVE || state == State.REPLAYING) && changeVersion > version
                && PathRules.touches(serverPath, changedPath);
    }

    void apply(long changeVersion, Operation op, String changedPath, JsonNode changeValue, JsonNode changeMeta,
               String origin) {
        List<String> changed = PathRules.segments(changedPath);
        if (PathRules.isAncestorOrSelf(serverPath, changedPath)) {
            applyBelow(op, changed, changedPath, changeValue, changeMeta);
        } else {
            applyAbove(op, changed.size(), changeValue);
        }
        version = changeVersion;
        ChangeInfo info = info(false, changedPath, origin);
        for (Listener listener : listeners.toArray(new Listener[0])) {
            if (listener.primed) {
                call(listener, info);
            }
        }
    }

    void failed(HooklineException error) {
        for (Listener listener : listeners.toArray(new Listener[0])) {
            if (listener.onError != null) {
                try {
                    listener.onError.accept(error);
                } catch (RuntimeException e) {
                    log.warn("subscription error listener failed", e);
                }
            } else {
                log.warn("subscription to {} of document {} refused: {}", path, document.name(), error.getMessage());
            }
        }
    }

    /** Lost the server's confirmation (the connection closed): the value waits for a resume. */
    void disconnected(long confirmedVersion) {
        if (state == State.LIVE && confirmedVersion > version) {
            // Every change that touched this path up to confirmedVersion arrived: the value is at it.
            version = confirmedVersion;
        }
        state = State.IDLE;
        subId = 0;
    }

    /** Delivers the current value to a listener added to a current entry. */
    void prime(Listener listener) {
        listener.primed = true;
        call(listener, info(false, null, null));
    }

    // ---- applying changes ----------------------------------------------------------------------

    /** A change at or below the subscribed path. */
    private void applyBelow(Operation op, List<String> changed, String changedPath, JsonNode changeValue,
                            JsonNode changeMeta) {
        value = applyAt(value, changed, serverSegments.size(), op, changeValue, changedPath);
        if (value.isNull() && serverSegments.isEmpty()) {
            value = NODES.objectNode(); // the root is always an object: deleting it leaves {}
        }
        JsonNode storedMeta = changeMeta == null || changeMeta.isNull() || changeMeta.isMissingNode() ? null : changeMeta;
        switch (op) {
            case SET -> {
                removeMeta(changedPath, true);
                if (storedMeta != null) {
                    meta.put(changedPath, storedMeta);
                }
            }
            case MERGE -> {
                if (storedMeta != null) {
                    meta.put(changedPath, storedMeta);
                }
            }
            case DELETE -> removeMeta(changedPath, true);
        }
    }

    /** Applies the operation at {@code segments[from..]} under {@code node}; returns the new node. */
    private JsonNode applyAt(JsonNode node, List<String> segments, int from, Operation op, JsonNode changeValue,
                             String changedPath) {
        if (from == segments.size()) {
            return switch (op) {
                case SET -> changeValue == null ? NullNode.getInstance() : changeValue.deepCopy();
                case DELETE -> NullNode.getInstance();
                case MERGE -> {
                    if (node instanceof ObjectNode target && changeValue instanceof ObjectNode patch) {
                        mergeInto(target, patch, changedPath);
                        yield target;
                    }
                    yield changeValue == null ? NullNode.getInstance() : changeValue.deepCopy();
                }
            };
        }
        ObjectNode object;
        if (node instanceof ObjectNode existing) {
            object = existing;
        } else if (op == Operation.DELETE) {
            return node; // nothing there to delete
        } else {
            object = NODES.objectNode(); // set and merge create missing parents
        }
        String key = segments.get(from);
        if (op == Operation.DELETE && from == segments.size() - 1) {
            object.remove(key);
            return object;
        }
        JsonNode child = object.get(key);
        if (child == null && op == Operation.DELETE) {
            return object;
        }
        JsonNode updated = applyAt(child, segments, from + 1, op, changeValue, changedPath);
        if (updated != child) {
            object.set(key, updated);
        }
        return object;
    }

    /** A change at a strict ancestor of the subscribed path: it replaced, deleted or merged into it. */
    private void applyAbove(Operation op, int changedDepth, JsonNode changeValue) {
        switch (op) {
            case SET -> {
                JsonNode node = changeValue;
                for (int i = changedDepth; i < serverSegments.size() && node != null; i++) {
                    node = node instanceof ObjectNode object ? object.get(serverSegments.get(i)) : null;
                }
                value = node == null ? NullNode.getInstance() : node.deepCopy();
                meta.clear();
            }
            case DELETE -> {
                value = NullNode.getInstance();
                meta.clear();
            }
            case MERGE -> {
                JsonNode patch = changeValue;
                for (int i = changedDepth; i < serverSegments.size(); i++) {
                    if (!(patch instanceof ObjectNode object)) {
                        // A non-object replaced an ancestor of the path: the node is gone.
                        value = NullNode.getInstance();
                        meta.clear();
                        return;
                    }
                    patch = object.get(serverSegments.get(i));
                    if (patch == null) {
                        return; // the merge does not reach this path
                    }
                }
                if (value instanceof ObjectNode target && patch instanceof ObjectNode objectPatch) {
                    mergeInto(target, objectPatch, serverPath);
                } else {
                    if (value instanceof ObjectNode) {
                        removeMeta(serverPath, false);
                    }
                    value = patch.deepCopy();
                }
            }
        }
    }

    private void mergeInto(ObjectNode target, ObjectNode patch, String targetPath) {
        for (Map.Entry<String, JsonNode> field : patch.properties()) {
            String key = field.getKey();
            JsonNode incoming = field.getValue();
            JsonNode existing = target.get(key);
            if (incoming instanceof ObjectNode incomingObject && existing instanceof ObjectNode existingObject) {
                mergeInto(existingObject, incomingObject, PathRules.child(targetPath, key));
                continue;
            }
            target.set(key, incoming.deepCopy());
            if (existing instanceof ObjectNode && !meta.isEmpty()) {
                removeMeta(PathRules.child(targetPath, key), false);
            }
        }
    }

    /** Removes the meta strictly below {@code at}, and at it too if {@code self}. */
    private void removeMeta(String at, boolean self) {
        if (meta.isEmpty()) {
            return;
        }
        if (self) {
            meta.remove(at);
        }
        Map<String, JsonNode> below = at.isEmpty() ? meta : meta.subMap(at + "/", true, at + "0", false);
        for (Iterator<?> it = below.entrySet().iterator(); it.hasNext(); ) {
            it.next();
            it.remove();
        }
    }

    // ---- listeners ------------------------------------------------------------------------------

    private ChangeInfo info(boolean reset, String changedPath, String origin) {
        return new ChangeInfo(version, meta.get(serverPath), metaView, reset, changedPath, origin);
    }

    private void call(Listener listener, ChangeInfo info) {
        try {
            listener.onValue.accept(value, info);
        } catch (RuntimeException e) {
            log.warn("listener of {} in document {} failed", path, document.name(), e);
        }
    }
}
