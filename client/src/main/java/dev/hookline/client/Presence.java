package dev.hookline.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence in one document: this connection's state (who is here, a cursor...) and the states of
 * the other members, by connection id. Not part of the document; no versions. The state set here
 * is sent again after a reconnect.
 */
public final class Presence {

    private static final Logger log = LoggerFactory.getLogger(Presence.class);

    private final ClientDocument document;
    private volatile JsonNode own;
    private final CopyOnWriteArrayList<Consumer<Map<String, JsonNode>>> listeners = new CopyOnWriteArrayList<>();
    /** Event thread only. */
    private final Map<String, JsonNode> states = new LinkedHashMap<>();
    private volatile Map<String, JsonNode> published = Map.of();

    Presence(ClientDocument document) {
        this.document = document;
    }

    /**
     * Sets this connection's state; the other members get it.
     *
     * @param state any JSON; {@code null} clears it
     * @return completes when the server acknowledged it
     */
    public CompletableFuture<Void> set(JsonNode state) {
        own = state == null || state.isNull() ? null : state;
        return document.send("presence", "state", state);
    }

    /** Clears this connection's state. */
    public CompletableFuture<Void> clear() {
        return set(null);
    }

    /** @return the other members' states by connection id, as last received; unmodifiable */
    public Map<String, JsonNode> states() {
        return published;
    }

    /**
     * Calls {@code listener} on the event thread with the others' states (connection id → state,
     * unmodifiable) whenever one changes.
     */
    public Subscription onChange(Consumer<Map<String, JsonNode>> listener) {
        listeners.add(Objects.requireNonNull(listener));
        return () -> listeners.remove(listener);
    }

    JsonNode own() {
        return own;
    }

    /** The document is being opened again: the server sends every state anew before the ack. */
    void rejoining() {
        states.clear();
    }

    void rejoined() {
        publish();
    }

    void onFrame(String connection, JsonNode state) {
        if (state == null || state.isNull()) {
            states.remove(connection);
        } else {
            states.put(connection, state);
        }
        publish();
    }

    private void publish() {
        Map<String, JsonNode> next = ClientDocument.copy(states);
        if (next.equals(published)) {
            return;
        }
        published = next;
        for (Consumer<Map<String, JsonNode>> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                log.warn("presence listener failed", e);
            }
        }
    }
}
