package dev.hookline.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.hookline.api.Operation;
import dev.hookline.api.client.DeleteRequest;
import dev.hookline.api.client.SetRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A document opened on a {@link HooklineClient}: {@linkplain #ref(String) refs} to read and write
 * its paths, {@linkplain #presence() presence}, {@linkplain #stateless() stateless messages}.
 *
 * <p>The client caches the value of every path something listens to, applies the server's
 * changes to it (deduplicated by version) and keeps it across reconnects by resuming. Callbacks
 * run on the client's event thread.
 */
public final class ClientDocument {

    /** A request written while the document was not open on the connection. */
    record Queued(Pending request, String text) {
    }

    /** The error code of "unavailable now, try again" (the server's 4503). */
    static final int UNAVAILABLE = 4503;

    private final HooklineClient client;
    private final String name;
    volatile String token;
    private final Presence presence;
    private final Stateless stateless;
    private final CopyOnWriteArrayList<Consumer<HooklineException>> closedListeners = new CopyOnWriteArrayList<>();
    private volatile long lastVersion;

    // Guarded by client.lock.
    boolean joined;
    boolean gone;
    final ArrayDeque<Queued> backlog = new ArrayDeque<>();

    // Event thread only.
    private final CompletableFuture<ClientDocument> opened;
    private final Map<String, ValueEntry> values = new HashMap<>();
    private final Map<Long, ValueEntry> valuesBySub = new HashMap<>();
    private final Map<String, KeysEntry> keys = new HashMap<>();
    private final Map<Long, KeysEntry> keysBySub = new HashMap<>();
    private final List<ValueEntry> replaying = new ArrayList<>(2);
    /** The highest version every current subscription is known to be up to date with, on this connection. */
    private long confirmed;
    private long openRequest;
    /** Re-opens answered 4503 in a row on this connection (for the retry's backoff). */
    private int unavailableReopens;

    ClientDocument(HooklineClient client, String name, String token, CompletableFuture<ClientDocument> opened) {
        this.client = client;
        this.name = name;
        this.token = token;
        this.opened = opened;
        this.presence = new Presence(this);
        this.stateless = new Stateless(this);
    }

    // ---- public API -----------------------------------------------------------------------------

    /** @return the document name */
    public String name() {
        return name;
    }

    /** @return the highest document version this client has seen (informational) */
    public long version() {
        return lastVersion;
    }

    /** @return whether the document is still open in this client (not left, not closed by the server) */
    public boolean isOpen() {
        synchronized (client.lock) {
            return !gone;
        }
    }

    /**
     * @param path a path: {@code /}-separated object keys; {@code ""} is the root
     * @return a ref to the node at the path
     * @throws IllegalArgumentException for a path the server would refuse (empty segment, control character, too long)
     */
    public Ref ref(String path) {
        return new Ref(this, PathRules.normalize(path));
    }

    /** @return this connection's presence in the document, and the others' */
    public Presence presence() {
        return presence;
    }

    /** @return stateless messages to and from the document's other members */
    public Stateless stateless() {
        return stateless;
    }

    /**
     * Sends a fresh token (for example before the old one expires); later re-opens use it.
     *
     * @return completes when the server accepted it; a refused token fails with 4401 and the
     *         document is then closed ({@link #onClosed})
     */
    public CompletableFuture<Void> refreshToken(String token) {
        String fresh = token == null ? "" : token;
        CompletableFuture<Object> done = new CompletableFuture<>();
        Pending request = new Pending(client.nextId(), Pending.Kind.TOKEN, this, done, fresh);
        boolean now;
        synchronized (client.lock) {
            now = joined && !gone;
            if (!now && !gone) {
                this.token = fresh; // used by the next open
            }
        }
        if (now) {
            client.sendDocFrame(this, request, Frames.frame("token", request.id, name, g -> g.writeStringField("token", fresh)));
        } else {
            client.completeLater(done, null, isOpen() ? null : notOpen());
        }
        return asVoid(done);
    }

    /**
     * Leaves the document: its listeners stop, this connection's presence is cleared for the
     * others. The document may be opened again with {@link HooklineClient#open}.
     *
     * @return completes once the server acknowledged (at once when disconnected)
     */
    public CompletableFuture<Void> leave() {
        CompletableFuture<Object> done = new CompletableFuture<>();
        client.execute(() -> {
            boolean wasJoined;
            List<Queued> dropped;
            synchronized (client.lock) {
                wasJoined = joined;
                gone = true;
                joined = false;
                dropped = new ArrayList<>(backlog);
                backlog.clear();
            }
            HooklineException left = new HooklineException(4404, "document " + name + " was left");
            dropped.forEach(q -> q.request().future.completeExceptionally(left));
            client.forget(this);
            clearEntries(left);
            opened.completeExceptionally(left);
            HooklineClient.Conn conn = client.currentConn();
            if (wasJoined && conn != null) {
                CompletableFuture<Object> answer = new CompletableFuture<>();
                answer.whenComplete((ok, error) -> done.complete(null));
                Pending request = new Pending(client.nextId(), Pending.Kind.VOID, this, answer, null);
                client.sendNow(conn, request, Frames.frame("leave", request.id, name, null));
            } else {
                done.complete(null);
            }
        }, () -> done.complete(null));
        return asVoid(done);
    }

    /**
     * Calls {@code listener} (on the event thread) when the document session ends without
     * {@link #leave()}: the server refused a token ({@code closed} frame) or refused to re-open the
     * document after a reconnect. The exception carries the server's code and reason.
     */
    public Subscription onClosed(Consumer<HooklineException> listener) {
        closedListeners.add(Objects.requireNonNull(listener));
        return () -> closedListeners.remove(listener);
    }

    @Override
    public String toString() {
        return "ClientDocument[" + name + "]";
    }

    // ---- writes (any thread) --------------------------------------------------------------------

    CompletableFuture<Long> write(Operation operation, String path, JsonNode value, JsonNode meta) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        String type;
        String writePath = path;
        JsonNode writeValue = value;
        JsonNode writeMeta = meta;
        try {
            if (operation == Operation.DELETE) {
                type = "delete";
                if (client.hooks.hasDelete()) {
                    writePath = client.hooks.delete(new DeleteRequest(name, path)).path();
                }
                writeValue = null;
                writeMeta = null;
            } else {
                Operation op = operation;
                if (client.hooks.hasSet()) {
                    SetRequest rewritten = client.hooks.set(new SetRequest(name, operation, path, value, meta));
                    op = rewritten.operation();
                    writePath = rewritten.path();
                    writeValue = rewritten.value();
                    writeMeta = rewritten.meta();
                }
                if (op == Operation.SET) {
                    type = "set";
                } else if (op == Operation.MERGE) {
                    type = "merge";
                } else {
                    throw new IllegalStateException("a set hook turned the write into " + op);
                }
                if (writeValue == null) {
                    writeValue = NullNode.getInstance();
                }
            }
        } catch (Exception e) {
            client.completeLater(done, null, e);
            return asLong(done);
        }
        Pending request = new Pending(client.nextId(), Pending.Kind.WRITE, this, done, null);
        client.sendDocFrame(this, request,
                Frames.write(type, request.id, name, writePath == null ? "" : writePath, writeValue, writeMeta));
        return asLong(done);
    }

    /** Presence and stateless: a request acknowledged without data. */
    CompletableFuture<Void> send(String type, String field, JsonNode node) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        Pending request = new Pending(client.nextId(), Pending.Kind.VOID, this, done, null);
        client.sendDocFrame(this, request, Frames.withNode(type, request.id, name, field, node));
        return asVoid(done);
    }

    HooklineClient client() {
        return client;
    }

    // ---- listeners (event thread) ---------------------------------------------------------------

    void addValueListener(String path, ValueEntry.Listener listener) {
        if (isGone()) {
            if (listener.onError != null) {
                listener.onError.accept(notOpen());
            }
            return;
        }
        ValueEntry entry = values.computeIfAbsent(path, p -> new ValueEntry(this, p));
        entry.listeners.add(listener);
        if (entry.current()) {
            entry.prime(listener);
        } else if (entry.state == ValueEntry.State.IDLE) {
            subscribeIfJoined(entry);
        }
    }

    void removeValueListener(String path, ValueEntry.Listener listener) {
        ValueEntry entry = values.get(path);
        if (entry == null || !entry.listeners.remove(listener) || !entry.listeners.isEmpty()) {
            return;
        }
        values.remove(path);
        unsubscribe(entry.subId);
        valuesBySub.remove(entry.subId);
        replaying.remove(entry);
    }

    /** The cached value at a path when some listener keeps it current; {@code null} otherwise. */
    JsonNode cached(String path) {
        ValueEntry entry = values.get(path);
        return entry != null && entry.current() ? entry.value() : null;
    }

    void addKeysListener(String path, Consumer<List<String>> listener) {
        if (isGone()) {
            return;
        }
        KeysEntry entry = keys.computeIfAbsent(path, p -> new KeysEntry(this, p));
        entry.listeners.add(listener);
        if (entry.live) {
            entry.prime(listener);
        } else if (entry.subId == 0) {
            subscribeIfJoined(entry);
        }
    }

    void removeKeysListener(String path, Consumer<List<String>> listener) {
        KeysEntry entry = keys.get(path);
        if (entry == null || !entry.listeners.remove(listener) || !entry.listeners.isEmpty()) {
            return;
        }
        keys.remove(path);
        unsubscribe(entry.subId);
        keysBySub.remove(entry.subId);
    }

    private boolean isGone() {
        synchronized (client.lock) {
            return gone;
        }
    }

    private void subscribeIfJoined(Object entry) {
        HooklineClient.Conn conn;
        synchronized (client.lock) {
            if (!joined) {
                return; // subscribed when the document is (re-)opened
            }
            conn = client.currentConn();
        }
        if (conn != null) {
            subscribe(conn, entry);
        }
    }

    private void subscribe(HooklineClient.Conn conn, Object target) {
        long id = client.nextId();
        Pending request = new Pending(id, Pending.Kind.SUB, this, new CompletableFuture<>(), target);
        String text;
        if (target instanceof ValueEntry entry) {
            entry.subId = id;
            entry.state = ValueEntry.State.SUBSCRIBING;
            valuesBySub.put(id, entry);
            boolean resume = entry.hasData;
            long since = entry.version;
            text = Frames.frame("sub", id, name, g -> {
                g.writeStringField("path", entry.path);
                if (resume) {
                    g.writeNumberField("since", since);
                }
            });
        } else {
            KeysEntry entry = (KeysEntry) target;
            entry.subId = id;
            keysBySub.put(id, entry);
            text = Frames.frame("sub", id, name, g -> {
                g.writeStringField("path", entry.path);
                g.writeBooleanField("keys", true);
            });
        }
        client.sendNow(conn, request, text);
    }

    private void unsubscribe(long subId) {
        if (subId == 0) {
            return;
        }
        HooklineClient.Conn conn;
        synchronized (client.lock) {
            conn = joined ? client.currentConn() : null;
        }
        if (conn != null) {
            Pending request = new Pending(client.nextId(), Pending.Kind.VOID, this, new CompletableFuture<>(), null);
            client.sendNow(conn, request, Frames.frame("unsub", request.id, name, g -> g.writeNumberField("sub", subId)));
        }
    }

    // ---- connection events (event thread) -------------------------------------------------------

    void sendOpen(HooklineClient.Conn conn) {
        confirmed = 0;
        presence.rejoining();
        Pending request = new Pending(client.nextId(), Pending.Kind.OPEN, this, new CompletableFuture<>(), null);
        openRequest = request.id;
        String currentToken = token;
        client.sendNow(conn, request, Frames.frame("open", request.id, name, g -> {
            if (currentToken != null && !currentToken.isEmpty()) {
                g.writeStringField("token", currentToken);
            }
        }));
    }

    void onOpenAnswer(HooklineClient.Conn conn, Pending request, JsonNode frame, HooklineException failure) {
        if (request.id != openRequest || isGone()) {
            return;
        }
        if (failure != null) {
            if (failure.code() == UNAVAILABLE && opened.isDone()) {
                // A re-open the server cannot serve *now* is not a refusal: in a cluster, a client
                // whose node died reconnects while the document is still moving to a new owner
                // (docs/scaling.md, Failover). Try again on this connection; writes stay queued.
                client.reopenLater(this, conn, ++unavailableReopens, failure);
                return;
            }
            end(failure, !opened.isDone());
            return;
        }
        unavailableReopens = 0;
        seen(frame.path("version").asLong());
        // Resume every path, then what was written meanwhile: the server handles them in order.
        for (ValueEntry entry : List.copyOf(values.values())) {
            subscribe(conn, entry);
        }
        for (KeysEntry entry : List.copyOf(keys.values())) {
            subscribe(conn, entry);
        }
        JsonNode own = presence.own();
        if (own != null) {
            client.sendNow(conn, null, Frames.withNode("presence", Frames.NO_ID, name, "state", own));
        }
        synchronized (client.lock) {
            joined = true;
            for (Queued queued; (queued = backlog.poll()) != null; ) {
                queued.request().generation = conn.generation;
                if (queued.request().id >= 0) {
                    client.pending.put(queued.request().id, queued.request());
                }
                conn.outbox.send(queued.text());
            }
        }
        presence.rejoined();
        opened.complete(this);
    }

    void onSubAnswer(Pending request, JsonNode frame, HooklineException failure) {
        if (request.subject instanceof ValueEntry entry) {
            if (valuesBySub.get(request.id) != entry) {
                return;
            }
            if (failure != null) {
                valuesBySub.remove(request.id);
                values.remove(entry.path, entry);
                entry.failed(failure);
                return;
            }
            entry.setServerPath(frame.path("path").asText(entry.path));
            if ("replay".equals(frame.path("resume").asText())) {
                entry.replaying(frame.path("version").asLong());
                replaying.add(entry);
            } else {
                entry.state = ValueEntry.State.AWAIT_SNAPSHOT;
            }
        } else if (request.subject instanceof KeysEntry entry) {
            if (keysBySub.get(request.id) != entry) {
                return;
            }
            if (failure != null) {
                keysBySub.remove(request.id);
                keys.remove(entry.path, entry);
                return;
            }
            entry.serverPath = frame.path("path").asText(entry.path);
        }
    }

    /** The connection closed: keep the caches, but nothing is current until resumed. */
    void disconnected() {
        for (ValueEntry entry : values.values()) {
            entry.disconnected(confirmed);
        }
        for (KeysEntry entry : keys.values()) {
            entry.disconnected();
        }
        valuesBySub.clear();
        keysBySub.clear();
        replaying.clear();
        confirmed = 0;
        openRequest = 0;
        unavailableReopens = 0;
    }

    /** A write's ack: every change up to it has arrived. */
    void confirmed(long version) {
        seen(version);
        confirmed = Math.max(confirmed, version);
    }

    void clientClosed(HooklineException closed) {
        synchronized (client.lock) {
            gone = true;
            joined = false;
            backlog.forEach(q -> q.request().future.completeExceptionally(closed));
            backlog.clear();
        }
        opened.completeExceptionally(closed);
    }

    /** The session ended on the server's side (or a re-open was refused). */
    private void end(HooklineException why, boolean failOpen) {
        List<Queued> dropped;
        synchronized (client.lock) {
            gone = true;
            joined = false;
            dropped = new ArrayList<>(backlog);
            backlog.clear();
        }
        dropped.forEach(q -> q.request().future.completeExceptionally(why));
        client.forget(this);
        clearEntries(why);
        if (failOpen) {
            opened.completeExceptionally(why);
        } else {
            for (Consumer<HooklineException> listener : closedListeners) {
                try {
                    listener.accept(why);
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(ClientDocument.class).warn("closed listener failed", e);
                }
            }
        }
    }

    private void clearEntries(HooklineException why) {
        for (ValueEntry entry : values.values()) {
            entry.state = ValueEntry.State.IDLE;
            entry.failed(why);
        }
        values.clear();
        valuesBySub.clear();
        keys.clear();
        keysBySub.clear();
        replaying.clear();
    }

    // ---- document frames (event thread) ---------------------------------------------------------

    /** Ends the replays this frame shows to be over: any frame but a replayed change. */
    void beforeDocFrame(String type, JsonNode frame) {
        if (replaying.isEmpty()) {
            return;
        }
        long version = frame.path("version").asLong(Long.MAX_VALUE);
        for (int i = replaying.size() - 1; i >= 0; i--) {
            ValueEntry entry = replaying.get(i);
            if (!type.equals("change") || version > entry.replayUntil) {
                replaying.remove(i);
                if (entry.state == ValueEntry.State.REPLAYING) {
                    entry.state = ValueEntry.State.LIVE;
                    entry.version = Math.max(entry.version, entry.replayUntil);
                    confirmed = Math.max(confirmed, entry.replayUntil);
                }
            }
        }
    }

    void onFrame(String type, JsonNode frame) {
        beforeDocFrame(type, frame);
        switch (type) {
            case "change" -> onChange(frame);
            case "snapshot" -> onSnapshot(frame);
            case "keys" -> {
                long version = frame.path("version").asLong();
                String path = frame.path("path").asText("");
                for (KeysEntry entry : List.copyOf(keys.values())) {
                    if (entry.serverPath.equals(path)) {
                        entry.changed(version, frame.get("added"), frame.get("removed"));
                    }
                }
                seen(version);
                confirmed = Math.max(confirmed, version);
            }
            case "presence" -> presence.onFrame(frame.path("conn").asText(), frame.get("state"));
            case "stateless" -> stateless.onFrame(frame.has("payload") ? frame.get("payload") : NullNode.getInstance());
            case "closed" -> end(new HooklineException(frame.path("code").asInt(4401), frame.path("reason").asText("")),
                    false);
            default -> {
            }
        }
    }

    private void onChange(JsonNode frame) {
        long version = frame.path("version").asLong();
        String path = frame.path("path").asText("");
        Operation op = switch (frame.path("op").asText()) {
            case "set" -> Operation.SET;
            case "merge" -> Operation.MERGE;
            case "delete" -> Operation.DELETE;
            default -> null;
        };
        if (op == null) {
            return;
        }
        JsonNode value = frame.get("value");
        JsonNode meta = frame.get("meta");
        String origin = frame.path("origin").asText(null);
        for (ValueEntry entry : List.copyOf(values.values())) {
            if (entry.accepts(version, path)) {
                entry.apply(version, op, path, value, meta, origin);
            }
        }
        seen(version);
        confirmed = Math.max(confirmed, version);
    }

    private void onSnapshot(JsonNode frame) {
        long sub = frame.path("sub").asLong();
        long version = frame.path("version").asLong();
        boolean reset = frame.path("reset").asBoolean(false);
        ValueEntry entry = valuesBySub.get(sub);
        if (entry != null) {
            entry.snapshot(version, frame.get("value"), frame.get("meta"), reset);
        } else {
            KeysEntry keysEntry = keysBySub.get(sub);
            if (keysEntry == null) {
                return;
            }
            keysEntry.snapshot(version, frame.get("keys"));
        }
        seen(version);
        confirmed = Math.max(confirmed, version);
    }

    private void seen(long version) {
        if (version > lastVersion) {
            lastVersion = version;
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    HooklineException notOpen() {
        return new HooklineException(4404, "document " + name + " is not open");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static CompletableFuture<Long> asLong(CompletableFuture<Object> future) {
        return (CompletableFuture) future;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static CompletableFuture<Void> asVoid(CompletableFuture<Object> future) {
        return (CompletableFuture) future;
    }

    static Map<String, JsonNode> copy(Map<String, JsonNode> states) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(states));
    }
}
