package dev.hookline.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Operation;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A path in a {@link ClientDocument}: read it ({@link #on}, {@link #once}, {@link #keys}) and
 * write it ({@link #set}, {@link #merge}, {@link #delete}). Refs are cheap values; every ref to
 * the same path of a document shares one cached value and one server subscription.
 *
 * <p>Values passed to listeners are the client's cache: read them during the callback and do not
 * modify them ({@code deepCopy()} what you keep). {@code JSON null} stands for "no node there".
 */
public final class Ref {

    private final ClientDocument document;
    private final String path;

    Ref(ClientDocument document, String path) {
        this.document = document;
        this.path = path;
    }

    /** @return the document */
    public ClientDocument document() {
        return document;
    }

    /** @return the canonical path; {@code ""} for the root */
    public String path() {
        return path;
    }

    /**
     * @param relative a path below this one
     * @return the ref to {@code this path + "/" + relative}
     */
    public Ref child(String relative) {
        String tail = PathRules.normalize(relative);
        return new Ref(document, path.isEmpty() ? tail : tail.isEmpty() ? path : path + "/" + tail);
    }

    /**
     * Listens to the value at this path: called with the current value (a snapshot) once the
     * server sent it, then after every change that touches the path: at it, below it, or at an
     * ancestor that replaced or deleted it (whole segments: {@code players/1} does not hear
     * {@code players/10}). After a reconnect that could not be replayed it is called with a fresh
     * snapshot and {@link ChangeInfo#reset()} = true.
     *
     * @param listener called on the client's event thread with the value (JSON null when absent) and its info
     * @return the subscription; the server subscription ends with the path's last listener
     */
    public Subscription on(BiConsumer<JsonNode, ChangeInfo> listener) {
        return on(listener, null);
    }

    /**
     * Like {@link #on(BiConsumer)}, with a listener for a refused subscription (the server's
     * {@code onSubscribe} hooks may deny it, e.g. 4403). Without one, a refusal is logged.
     */
    public Subscription on(BiConsumer<JsonNode, ChangeInfo> listener, Consumer<HooklineException> onError) {
        ValueEntry.Listener registered = new ValueEntry.Listener(Objects.requireNonNull(listener), onError);
        HooklineClient client = document.client();
        client.execute(() -> document.addValueListener(path, registered));
        return () -> client.execute(() -> document.removeValueListener(path, registered));
    }

    /**
     * @return the current value (a copy; JSON null when absent): from the cache when a listener
     *         keeps this path current, else from a one-off subscription
     */
    public CompletableFuture<JsonNode> once() {
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        HooklineClient client = document.client();
        client.execute(() -> {
            JsonNode cached = document.cached(path);
            if (cached != null) {
                result.complete(cached.deepCopy());
                return;
            }
            ValueEntry.Listener[] self = new ValueEntry.Listener[1];
            self[0] = new ValueEntry.Listener((value, info) -> {
                result.complete(value.deepCopy());
                document.removeValueListener(path, self[0]);
            }, result::completeExceptionally);
            document.addValueListener(path, self[0]);
        }, () -> result.completeExceptionally(new HooklineException(1000, "client closed")));
        return result;
    }

    /**
     * Follows the child keys of the object at this path (insertion order; empty when there is no
     * object there).
     *
     * @param listener called on the event thread with an unmodifiable list: first the current keys, then on every change of them
     * @return the subscription
     */
    public Subscription keys(Consumer<List<String>> listener) {
        Objects.requireNonNull(listener);
        HooklineClient client = document.client();
        client.execute(() -> document.addKeysListener(path, listener));
        return () -> client.execute(() -> document.removeKeysListener(path, listener));
    }

    /** Same as {@link #set(JsonNode, JsonNode)} without meta (which clears the path's meta). */
    public CompletableFuture<Long> set(JsonNode value) {
        return set(value, null);
    }

    /**
     * Replaces the node at this path, creating missing parents. Runs the {@code set} hooks first
     * (on the calling thread); a hook's exception drops the write and fails the future with it.
     *
     * @param value the new value ({@code null} = JSON null); at the root, an object
     * @param meta  meta to store at the path, or {@code null} to clear it
     * @return the version the change produced, once the server acknowledged it; fails with a
     *         {@link HooklineException} (code and reason) when the server refuses it
     */
    public CompletableFuture<Long> set(JsonNode value, JsonNode meta) {
        return document.write(Operation.SET, path, value, meta);
    }

    /** Same as {@link #merge(ObjectNode, JsonNode)} without meta (the path's meta stays). */
    public CompletableFuture<Long> merge(ObjectNode patch) {
        return merge(patch, null);
    }

    /**
     * Deep-merges {@code patch} into the object at this path (created if absent): objects merge
     * recursively, anything else replaces ({@code null} does not delete). Runs the {@code set}
     * hooks (with operation MERGE).
     *
     * @return the version the change produced
     */
    public CompletableFuture<Long> merge(ObjectNode patch, JsonNode meta) {
        return document.write(Operation.MERGE, path, Objects.requireNonNull(patch, "patch"), meta);
    }

    /**
     * Deletes the node at this path (the root becomes {@code {}}). Runs the {@code delete} hooks.
     *
     * @return the version the change produced (deleting nothing is a change too)
     */
    public CompletableFuture<Long> delete() {
        return document.write(Operation.DELETE, path, null, null);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Ref ref && ref.document == document && ref.path.equals(path);
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(document) * 31 + path.hashCode();
    }

    @Override
    public String toString() {
        return "Ref[" + document.name() + ":" + path + "]";
    }
}
