package dev.hookline.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stateless messages in one document: sent to the other members, never stored. */
public final class Stateless {

    private static final Logger log = LoggerFactory.getLogger(Stateless.class);

    private final ClientDocument document;
    private final CopyOnWriteArrayList<Consumer<JsonNode>> listeners = new CopyOnWriteArrayList<>();

    Stateless(ClientDocument document) {
        this.document = document;
    }

    /**
     * Sends a message to the document's other members (not to this connection).
     *
     * @param payload any JSON ({@code null} = JSON null)
     * @return completes when the server acknowledged it
     */
    public CompletableFuture<Void> send(JsonNode payload) {
        return document.send("stateless", "payload", payload);
    }

    /** Calls {@code listener} on the event thread with each message from another member or the server. */
    public Subscription onMessage(Consumer<JsonNode> listener) {
        listeners.add(Objects.requireNonNull(listener));
        return () -> listeners.remove(listener);
    }

    void onFrame(JsonNode payload) {
        for (Consumer<JsonNode> listener : listeners) {
            try {
                listener.accept(payload);
            } catch (RuntimeException e) {
                log.warn("stateless listener failed", e);
            }
        }
    }
}
