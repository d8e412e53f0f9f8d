package dev.hookline.server.documents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One field of one object as it was before a change touched it, enough to put it back. Holds the
 * live objects of the tree: valid only while the change it belongs to is the last one applied.
 *
 * @param object   the object whose field changed
 * @param key      the field
 * @param previous the value before the change, {@code null} if the field did not exist
 * @param index    where a deleted field stood among its siblings; -1 when the field was not
 *                 removed (a replaced value keeps its place in a {@code LinkedHashMap}, and an
 *                 added one is last, so neither needs it)
 */
record TreeEdit(ObjectNode object, String key, JsonNode previous, int index) {

    /** Puts the field back as it was, including its position among its siblings. */
    void revert() {
        if (previous == null) {
            object.remove(key);
        } else if (index < 0) {
            object.replace(key, previous);
        } else {
            reinsert();
        }
    }

    /**
     * ObjectNode cannot insert at a position, so the fields are laid out again. O(siblings), but
     * only on revert, which is rare (an {@code onChange} hook said no), so a delete stays cheap.
     */
    private void reinsert() {
        // Copied out as pairs: the map's own entries are not to be trusted once it is cleared.
        List<String> keys = new ArrayList<>(object.size());
        List<JsonNode> values = new ArrayList<>(object.size());
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            keys.add(field.getKey());
            values.add(field.getValue());
        }
        object.removeAll();
        for (int i = 0; i < keys.size(); i++) {
            if (i == index) {
                object.set(key, previous);
            }
            object.set(keys.get(i), values.get(i));
        }
        if (index >= keys.size()) {
            object.set(key, previous);
        }
    }
}
