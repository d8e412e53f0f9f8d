package dev.hookline.server.documents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A change as {@link DocumentState#apply} applied it: what to broadcast, log and hand to hooks.
 *
 * <p>The operation, path, value and meta are normalized arguments: applying them again to the
 * state the document had before gives the state it has after. They are private copies, never
 * part of the live tree, so they stay as they are whatever happens to the document later.
 * Callers must not modify them (they are shared by everyone the change is handed to).
 *
 * @param version   the document version this change produced
 * @param operation SET, MERGE or DELETE
 * @param path      the canonical path changed ({@code ""} is the root)
 * @param value     SET: the value now at the path; MERGE: the object merged in (the patch, not
 *                  the result: read {@link DocumentState#get} for that); DELETE: {@code null}
 * @param meta      the meta the change stored at the path; {@code null} when it stored none
 *                  (SET then cleared the path's meta, MERGE left it as it was) and for DELETE
 * @param undo      what {@link DocumentState#revert} needs; opaque, and released (emptied) as
 *                  soon as a later change is applied, so a logged change holds no old trees
 */
public record AppliedChange(long version, Operation operation, String path, JsonNode value, JsonNode meta, Undo undo) {

    /**
     * What a change replaced, kept so that the change can be reverted while it is the last one.
     * Opaque outside this package.
     */
    public static final class Undo {

        /** The version before the change. */
        final long previousVersion;
        /** The root object before the change, when the change replaced the whole root. */
        ObjectNode previousRoot;
        /** Fields changed in the tree, in the order changed; reverted last to first. */
        private List<TreeEdit> edits;
        /** Meta before the change for every path whose meta changed; {@code null} = had none. */
        private Map<String, JsonNode> previousMeta;
        /** Set when the change can no longer be reverted. */
        private boolean released;

        Undo(long previousVersion) {
            this.previousVersion = previousVersion;
        }

        void edited(ObjectNode object, String key, JsonNode previous) {
            edit(new TreeEdit(object, key, previous, -1));
        }

        void removed(ObjectNode object, String key, JsonNode previous, int index) {
            edit(new TreeEdit(object, key, previous, index));
        }

        private void edit(TreeEdit edit) {
            if (edits == null) {
                edits = new ArrayList<>(4);
            }
            edits.add(edit);
        }

        /** Notes the meta a path had; only the first note per path counts: it is the original. */
        void metaWas(String path, JsonNode previous) {
            if (previousMeta == null) {
                previousMeta = new LinkedHashMap<>();
            }
            if (!previousMeta.containsKey(path)) {
                previousMeta.put(path, previous);
            }
        }

        /** Reverts the tree edits (not the root swap, meta or version: the state owns those). */
        void revertEdits() {
            if (edits != null) {
                for (int i = edits.size() - 1; i >= 0; i--) {
                    edits.get(i).revert();
                }
            }
        }

        Map<String, JsonNode> previousMeta() {
            return previousMeta == null ? Map.of() : previousMeta;
        }

        boolean released() {
            return released;
        }

        /** Drops the references to old trees: the change can no longer be reverted. */
        void release() {
            released = true;
            previousRoot = null;
            edits = null;
            previousMeta = null;
        }
    }
}
