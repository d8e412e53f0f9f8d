package dev.hookline.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The child keys of the object at one path, followed by one keys subscription. Keys
 * subscriptions are never replayed: every (re)subscription brings a fresh keys snapshot.
 * Confined to the client's event thread.
 */
final class KeysEntry {

    private static final Logger log = LoggerFactory.getLogger(KeysEntry.class);

    final ClientDocument document;
    final String path;
    String serverPath;
    /** Whether the keys snapshot of the current subscription arrived. */
    boolean live;
    long subId;
    long version = -1;
    private final LinkedHashSet<String> keys = new LinkedHashSet<>();
    private List<String> published = List.of();
    final List<Consumer<List<String>>> listeners = new ArrayList<>(2);

    KeysEntry(ClientDocument document, String path) {
        this.document = document;
        this.path = path;
        this.serverPath = path;
    }

    void snapshot(long snapshotVersion, JsonNode list) {
        keys.clear();
        if (list != null) {
            list.forEach(key -> keys.add(key.asText()));
        }
        version = snapshotVersion;
        live = true;
        publish(true);
    }

    void changed(long changeVersion, JsonNode added, JsonNode removed) {
        if (!live || changeVersion <= version) {
            return;
        }
        version = changeVersion;
        if (removed != null) {
            removed.forEach(key -> keys.remove(key.asText()));
        }
        if (added != null) {
            added.forEach(key -> keys.add(key.asText()));
        }
        publish(true);
    }

    void disconnected() {
        live = false;
        subId = 0;
    }

    List<String> keys() {
        return published;
    }

    void prime(Consumer<List<String>> listener) {
        call(listener);
    }

    private void publish(boolean notify) {
        published = List.copyOf(keys);
        if (!notify) {
            return;
        }
        for (Object listener : listeners.toArray()) {
            @SuppressWarnings("unchecked")
            Consumer<List<String>> consumer = (Consumer<List<String>>) listener;
            call(consumer);
        }
    }

    private void call(Consumer<List<String>> listener) {
        try {
            listener.accept(published);
        } catch (RuntimeException e) {
            log.warn("keys listener of {} in document {} failed", path, document.name(), e);
        }
    }
}
