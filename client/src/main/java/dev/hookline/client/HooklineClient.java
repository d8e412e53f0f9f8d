package dev.hookline.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.hookline.api.client.ClientHooks;
import dev.hookline.api.client.Goodbye;
import dev.hookline.api.client.Heartbeat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to a Hookline server: one WebSocket carrying any number of
 * {@linkplain #open(String, String) documents}, kept alive and re-established on its own.
 *
 * <pre>{@code
 * HooklineClient client = HooklineClient.builder(URI.create("ws://localhost:1234/ws"))
 *         .hooks(new MyClientHooks())
 *         .reconnect(Duration.ofMillis(250), Duration.ofSeconds(10))
 *         .build();
 * client.ready().join();
 * ClientDocument board = client.open("board", "token").join();
 * Subscription sub = board.ref("cards/1").on((value, info) -> render(value));
 * long version = board.ref("cards/1/title").set(TextNode.valueOf("Hello")).join();
 * client.close();
 * }</pre>
 *
 * <h2>Threading</h2>
 * The client has a single event thread of its own. Every listener, every event hook
 * ({@code firstConnect}, {@code reconnect}, {@code serverDisconnectMessage}, {@code disconnect},
 * {@code heartbeat}) runs on it, and every future the client returns completes on it: callbacks
 * never run concurrently and see the cache consistently. Do not block in them (in particular, do
 * not {@code join()} a future of this client in a callback). Public methods may be called from any
 * thread. A write runs its {@code set}/{@code delete} hooks on the calling thread, is encoded there
 * and handed straight to the socket.
 *
 * <h2>Reconnect and resume</h2>
 * When the socket closes without {@link #close()}, the client reconnects with exponential backoff
 * and full jitter (a random delay between 0 and {@code min(maxDelay, initialDelay × 2^attempt)}).
 * After the welcome it re-opens every document with its token, re-subscribes every path with
 * {@code since} = the version its cache is at, and applies what the server answers: the replayed
 * changes ({@code resume: "replay"}), or a fresh snapshot that replaces the cache
 * ({@code "reset"}, listeners see {@link ChangeInfo#reset()}). Until a path is resumed its
 * listeners hear nothing: no stale value is ever presented as current. Requests that were sent
 * but not answered when the socket closed fail with a {@link HooklineException} carrying the close
 * code; writes made while disconnected are queued and sent after the document is re-opened.
 *
 * <h2>Several servers</h2>
 * Given several URIs (the nodes of a cluster, see {@code docs/scaling.md}), the client connects
 * to the first, and every later connection attempt (after a lost connection or a failed attempt)
 * goes to the next one, round the list: a client whose node died reconnects to another node by
 * itself and resumes there as above. {@link #serverUri()} says which one it is on.
 */
public final class HooklineClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HooklineClient.class);
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    /** Configures a {@link HooklineClient}. */
    public static final class Builder {

        private final List<URI> uris;
        private final List<ClientHooks> hooks = new ArrayList<>();
        private Duration initialDelay = Duration.ofMillis(250);
        private Duration maxDelay = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder(List<URI> uris) {
            this.uris = List.copyOf(uris); // no nulls
            if (uris.isEmpty()) {
                throw new IllegalArgumentException("at least one server URI");
            }
        }

        /** Registers client hooks; chains run by priority (higher first), ties in registration order. */
        public Builder hooks(ClientHooks... hooks) {
            for (ClientHooks hook : hooks) {
                this.hooks.add(Objects.requireNonNull(hook, "hook"));
            }
            return this;
        }

        /**
         * The reconnect backoff: exponential from {@code initialDelay}, capped at {@code maxDelay},
         * with full jitter. Defaults: 250 ms and 10 s.
         */
        public Builder reconnect(Duration initialDelay, Duration maxDelay) {
            if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
                throw new IllegalArgumentException("need 0 <= initialDelay <= maxDelay");
            }
            this.initialDelay = initialDelay;
            this.maxDelay = maxDelay;
            return this;
        }

        /** How long one connection attempt may take; default 10 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** A header of the WebSocket handshake (connection credentials for {@code onConnect} hooks). */
        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** Creates the client and starts connecting. */
        public HooklineClient build() {
            return new HooklineClient(this);
        }
    }

    /**
     * @param uri the server's WebSocket endpoint, e.g. {@code ws://localhost:1234/ws}; connection
     *            credentials may go in its query string
     * @return a builder
     */
    public static Builder builder(URI uri) {
        return new Builder(List.of(Objects.requireNonNull(uri, "uri")));
    }

    /**
     * A client of several servers (the nodes of a cluster): it connects to {@code first}, and each
     * later connection attempt goes to the next URI, round the list.
     *
     * @param first the server of the first connection
     * @param more  the others, in the order they are tried after {@code first}
     * @return a builder
     */
    public static Builder builder(URI first, URI... more) {
        List<URI> uris = new ArrayList<>();
        uris.add(Objects.requireNonNull(first, "uri"));
        uris.addAll(List.of(more));
        return new Builder(uris);
    }

    /**
     * Same as {@link #builder(URI, URI...)}.
     *
     * @param uris the servers, first tried first; not empty
     * @return a builder
     */
    public static Builder builder(List<URI> uris) {
        return new Builder(uris);
    }

    private final Endpoints endpoints;
    final HookChain hooks;
    private final long initialDelayMs;
    private final long maxDelayMs;
    private final Duration connectTimeout;
    private final Map<String, String> headers;
    private final HttpClient http;
    private final ScheduledThreadPoolExecutor loop;
    private volatile Thread loopThread;

    /** Guards {@link #current}, and each document's {@code joined}, {@code gone} and backlog. */
    final Object lock = new Object();
    private Conn current;
    final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final CopyOnWriteArrayList<Consumer<Status>> statusListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private volatile Status status = Status.CONNECTING;
    private volatile String connectionId;
    private volatile URI serverUri;

    // Event thread only.
    private final Map<String, ClientDocument> documents = new LinkedHashMap<>();
    private boolean welcomedOnce;
    private int attempts;
    private int generation;
    private volatile boolean closing;
    private Conn connecting;
    private ScheduledFuture<?> reconnectTask;

    private HooklineClient(Builder builder) {
        this.endpoints = new Endpoints(builder.uris);
        this.serverUri = builder.uris.get(0);
        this.hooks = new HookChain(builder.hooks);
        this.initialDelayMs = Math.max(1, builder.initialDelay.toMillis());
        this.maxDelayMs = Math.max(initialDelayMs, builder.maxDelay.toMillis());
        this.connectTimeout = builder.connectTimeout;
        this.headers = Map.copyOf(builder.headers);
        int number = CLIENTS.incrementAndGet();
        this.loop = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "hookline-client-" + number);
            thread.setDaemon(true);
            loopThread = thread;
            return thread;
        });
        loop.setRemoveOnCancelPolicy(true);
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        execute(this::connect);
    }

    // ---- public API -----------------------------------------------------------------------------

    /** @return a future completed (on the event thread) at the first welcome from the server; failed if the client is closed first */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** @return the connection's status */
    public Status status() {
        return status;
    }

    /**
     * @return the server of the current connection, or of the attempt under way (the first URI
     *         before any): with several URIs, where the client is now
     */
    public URI serverUri() {
        return serverUri;
    }

    /** @return this connection's id as the server named it in its welcome ({@code presence} maps use it); {@code null} before */
    public String connectionId() {
        return connectionId;
    }

    /**
     * Calls {@code listener} on the event thread with each new status.
     *
     * @return a subscription that removes the listener
     */
    public Subscription onStatus(Consumer<Status> listener) {
        statusListeners.add(Objects.requireNonNull(listener));
        return () -> statusListeners.remove(listener);
    }

    /** Same as {@link #open(String, String)} with no token. */
    public CompletableFuture<ClientDocument> open(String document) {
        return open(document, "");
    }

    /**
     * Opens (joins) a document on this connection. The request waits for the connection if it is
     * not open yet; after a reconnect the document is re-opened with the same token (see
     * {@link ClientDocument#refreshToken}).
     *
     * @param document the document name
     * @param token    credentials for this document, passed to the server's {@code onAuthenticate}; {@code null} = none
     * @return the document, once the server acknowledged the open; fails with a
     *         {@link HooklineException} ({@code 4401} refused, {@code 4404} no such document,
     *         {@code 4409} already open in this client, {@code 4429} too many open...)
     */
    public CompletableFuture<ClientDocument> open(String document, String token) {
        Objects.requireNonNull(document, "document");
        CompletableFuture<ClientDocument> opened = new CompletableFuture<>();
        execute(() -> {
            if (closing) {
                opened.completeExceptionally(new HooklineException(1000, "client closed"));
            } else if (document.isEmpty()) {
                opened.completeExceptionally(new HooklineException(4400, "a document name is not empty"));
            } else if (documents.containsKey(document)) {
                opened.completeExceptionally(new HooklineException(4409, "document " + document + " is already open"));
            } else {
                ClientDocument created = new ClientDocument(this, document, token == null ? "" : token, opened);
                documents.put(document, created);
                Conn conn = currentConn();
                if (conn != null && conn.welcomed) {
                    created.sendOpen(conn);
                }
            }
        }, () -> opened.completeExceptionally(new HooklineException(1000, "client closed")));
        return opened;
    }

    /**
     * Closes the connection (code 1000) and stops reconnecting. Requests still unanswered fail
     * with code 1000; the {@code disconnect} hooks run. Waits up to a few seconds for the close
     * handshake, unless called on the event thread. Idempotent.
     */
    @Override
    public void close() {
        if (closeRequested.compareAndSet(false, true)) {
            execute(this::shutdown, () -> terminated.complete(null));
        }
        if (!onLoop()) {
            try {
                terminated.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    // ---- event loop -----------------------------------------------------------------------------

    boolean onLoop() {
        return Thread.currentThread() == loopThread;
    }

    /** Runs on the event thread: at once when already there. */
    void execute(Runnable task) {
        execute(task, () -> {
        });
    }

    void execute(Runnable task, Runnable ifClosed) {
        if (onLoop()) {
            guarded(task);
            return;
        }
        try {
            loop.execute(() -> guarded(task));
        } catch (RejectedExecutionException e) {
            ifClosed.run();
        }
    }

    private static void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            log.error("hookline client event failed", e);
        }
    }

    /** Completes a future on the event thread (or here, when the client is gone). */
    <T> void completeLater(CompletableFuture<T> future, T value, Throwable error) {
        Runnable task = () -> {
            if (error != null) {
                future.completeExceptionally(error);
            } else {
                future.complete(value);
            }
        };
        execute(task, task);
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    Conn currentConn() {
        synchronized (lock) {
            return current;
        }
    }

    // ---- sending --------------------------------------------------------------------------------

    /**
     * Sends a document-level request from any thread: now if the document is open on the current
     * connection, else queued until it is re-opened.
     */
    void sendDocFrame(ClientDocument document, Pending request, String text) {
        Outbox outbox;
        synchronized (lock) {
            if (document.gone) {
                completeLater(request.future, null,
                        new HooklineException(4404, "document " + document.name() + " is not open"));
                return;
            }
            if (!document.joined || current == null) {
                document.backlog.add(new ClientDocument.Queued(request, text));
                return;
            }
            request.generation = current.generation;
            if (request.id >= 0) {
                pending.put(request.id, request);
            }
            outbox = current.outbox;
        }
        outbox.send(text);
    }

    /** Sends a request on the current connection (event thread; the connection is welcomed). */
    void sendNow(Conn conn, Pending request, String text) {
        if (request != null) {
            request.generation = conn.generation;
            pending.put(request.id, request);
        }
        conn.outbox.send(text);
    }

    // ---- connection lifecycle -------------------------------------------------------------------

    private void connect() {
        reconnectTask = null;
        if (closing) {
            return;
        }
        attempts++;
        URI uri = endpoints.advance();
        serverUri = uri;
        Conn conn = new Conn(++generation, uri);
        connecting = conn;
        setStatus(Status.CONNECTING);
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(connectTimeout);
        headers.forEach(builder::header);
        try {
            builder.buildAsync(uri, conn).whenComplete((socket, error) -> {
                if (error != null) {
                    execute(() -> connectFailed(conn, error));
                } else if (closing) {
                    socket.abort();
                }
            });
        } catch (RuntimeException e) {
            connectFailed(conn, e);
        }
    }

    private void connectFailed(Conn conn, Throwable error) {
        if (conn.generation != generation || conn.ended || closing) {
            return;
        }
        conn.ended = true;
        log.debug("connecting to {} failed (attempt {}): {}", conn.uri, attempts, error.toString());
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        try {
            reconnectTask = loop.schedule(() -> guarded(this::connect), backoff(attempts), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** Full jitter: uniform in [0, min(max, initial * 2^(tries - 1))]. */
    private long backoff(int tries) {
        int exponent = Math.min(Math.max(tries - 1, 0), 30);
        long cap = initialDelayMs > (maxDelayMs >> exponent) ? maxDelayMs : initialDelayMs << exponent;
        return ThreadLocalRandom.current().nextLong(cap + 1);
    }

    /**
     * A document's re-open was answered 4503 (unavailable now): sends it again after the reconnect
     * backoff, if {@code conn} is still the connection and the document still open. (A connection
     * lost meanwhile re-opens it at its own welcome.)
     */
    void reopenLater(ClientDocument document, Conn conn, int tries, HooklineException why) {
        long delay = backoff(tries);
        log.debug("re-opening {} on {} failed ({} {}); again in {} ms", document.name(), conn.uri, why.code(),
                why.reason(), delay);
        try {
            loop.schedule(() -> guarded(() -> {
                if (conn.generation == generation && conn.welcomed && !conn.ended && !closing
                        && documents.get(document.name()) == document) {
                    document.sendOpen(conn);
                }
            }), delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void opened(Conn conn) {
        if (conn.generation != generation || closing) {
            conn.socket.abort();
            return;
        }
        conn.opened = true;
        synchronized (lock) {
            current = conn;
        }
    }

    private void welcomed(Conn conn, JsonNode frame) {
        conn.welcomed = true;
        connectionId = frame.path("conn").asText(null);
        int tries = attempts;
        attempts = 0;
        if (frame.path("protocol").asInt(1) != 1) {
            log.warn("the server speaks protocol {}, this client protocol 1", frame.path("protocol"));
        }
        setStatus(Status.OPEN);
        if (!welcomedOnce) {
            welcomedOnce = true;
            hooks.firstConnect();
            ready.complete(null);
        } else {
            hooks.reconnect(tries);
        }
        for (ClientDocument document : List.copyOf(documents.values())) {
            document.sendOpen(conn);
        }
    }

    /** The socket closed (or broke): fail what waited for it, hand the caches over to the resume. */
    private void ended(Conn conn, int code, String reason) {
        if (conn.ended) {
            return;
        }
        conn.ended = true;
        synchronized (lock) {
            if (current == conn) {
                current = null;
            }
            for (ClientDocument document : documents.values()) {
                document.joined = false;
            }
        }
        if (conn.outbox != null) {
            conn.outbox.close();
        }
        if (conn.generation != generation) {
            return;
        }
        HooklineException lost = new HooklineException(code, "connection closed before the answer"
                + (reason == null || reason.isEmpty() ? "" : ": " + reason));
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending request = it.next();
            if (request.generation == conn.generation) {
                it.remove();
                if (request.kind != Pending.Kind.OPEN && request.kind != Pending.Kind.SUB) {
                    request.future.completeExceptionally(lost);
                }
            }
        }
        for (ClientDocument document : documents.values()) {
            document.disconnected();
        }
        setStatus(Status.CLOSED);
        if (conn.opened) {
            hooks.disconnect(code, reason == null ? "" : reason);
        }
        if (closing) {
            finish();
        } else {
            scheduleReconnect();
        }
    }

    private void shutdown() {
        closing = true;
        if (reconnectTask != null) {
            reconnectTask.cancel(false);
        }
        Conn conn = connecting;
        if (conn != null && conn.opened && !conn.ended) {
            conn.socket.sendClose(WebSocket.NORMAL_CLOSURE, "client closed");
            loop.schedule(() -> guarded(() -> {
                if (!conn.ended) {
                    // The server did not answer the closing handshake in time: the close is ours anyway.
                    conn.socket.abort();
                    ended(conn, WebSocket.NORMAL_CLOSURE, "client closed");
                }
            }), 3, TimeUnit.SECONDS);
        } else {
            finish();
        }
    }

    private void finish() {
        setStatus(Status.CLOSED);
        HooklineException closed = new HooklineException(1000, "client closed");
        for (Pending request : pending.values()) {
            request.future.completeExceptionally(closed);
        }
        pending.clear();
        for (ClientDocument document : List.copyOf(documents.values())) {
            document.clientClosed(closed);
        }
        documents.clear();
        ready.completeExceptionally(closed);
        loop.shutdown();
        http.shutdownNow();
        terminated.complete(null);
    }

    private void setStatus(Status next) {
        if (status == next) {
            return;
        }
        status = next;
        for (Consumer<Status> listener : statusListeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                log.warn("status listener failed", e);
            }
        }
    }

    // ---- documents ------------------------------------------------------------------------------

    void forget(ClientDocument document) {
        documents.remove(document.name(), document);
    }

    // ---- inbound frames -------------------------------------------------------------------------

    private void onFrame(Conn conn, JsonNode frame) {
        if (conn.ended || conn.generation != generation) {
            return;
        }
        String type = frame.path("type").asText("");
        switch (type) {
            case "welcome" -> welcomed(conn, frame);
            case "ack", "error" -> answer(conn, frame, type.equals("error"));
            case "ping" -> {
                JsonNode payload = frame.has("payload") ? frame.get("payload") : NullNode.getInstance();
                Heartbeat beat = hooks.heartbeat(new Heartbeat(payload, payload));
                conn.outbox.send(Frames.withNode("pong", Frames.NO_ID, null, "payload", beat.pong()));
            }
            case "goodbye" -> hooks.serverDisconnectMessage(
                    new Goodbye(frame.path("code").asInt(), frame.path("reason").asText("")));
            case "snapshot", "change", "keys", "presence", "stateless", "closed" -> {
                ClientDocument document = documents.get(frame.path("doc").asText());
                if (document != null) {
                    document.onFrame(type, frame);
                }
            }
            default -> log.debug("ignoring a frame of type {}", type);
        }
    }

    private void answer(Conn conn, JsonNode frame, boolean error) {
        JsonNode id = frame.get("id");
        if (id == null || !id.canConvertToLong()) {
            if (error) {
                log.warn("the server reported an error without id: {}", frame);
            }
            return;
        }
        Pending request = pending.remove(id.asLong());
        if (request == null) {
            return;
        }
        if (!error && request.kind == Pending.Kind.WRITE) {
            // A write's ack is sequenced with the document's frames: any replay before it is over.
            // (Errors are not: some are answered before the request reaches the document.)
            request.document.beforeDocFrame("ack", frame);
        }
        HooklineException failure = error
                ? new HooklineException(frame.path("code").asInt(4500), frame.path("reason").asText(""))
                : null;
        switch (request.kind) {
            case OPEN -> request.document.onOpenAnswer(conn, request, frame, failure);
            case SUB -> request.document.onSubAnswer(request, frame, failure);
            case WRITE -> {
                if (failure != null) {
                    request.future.completeExceptionally(failure);
                } else {
                    long version = frame.path("version").asLong();
                    request.document.confirmed(version);
                    request.future.complete(version);
                }
            }
            case TOKEN -> {
                if (failure == null) {
                    request.document.token = (String) request.subject;
                    request.future.complete(null);
                } else {
                    request.future.completeExceptionally(failure);
                }
            }
            case VOID -> {
                if (failure == null) {
                    request.future.complete(null);
                } else {
                    request.future.completeExceptionally(failure);
                }
            }
        }
    }

    // ---- the socket -----------------------------------------------------------------------------

    /** One socket (one connection attempt); its listener hands everything to the event thread. */
    final class Conn implements WebSocket.Listener {

        final int generation;
        final URI uri;
        volatile WebSocket socket;
        volatile Outbox outbox;
        // Event thread only.
        boolean opened;
        boolean welcomed;
        boolean ended;
        // Listener thread only (the WebSocket calls its listener one call at a time).
        private StringBuilder partial;

        Conn(int generation, URI uri) {
            this.generation = generation;
            this.uri = uri;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            outbox = new Outbox(webSocket);
            execute(() -> opened(this), webSocket::abort);
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (!last) {
                (partial == null ? partial = new StringBuilder() : partial).append(data);
                webSocket.request(1);
                return null;
            }
            String text = partial == null ? data.toString() : partial.append(data).toString();
            partial = null;
            try {
                JsonNode frame = Frames.parse(text);
                if (frame != null && frame.isObject()) {
                    execute(() -> onFrame(this, frame));
                }
            } catch (java.io.IOException | RuntimeException e) {
                log.warn("unreadable frame from the server: {}", e.toString());
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            execute(() -> ended(this, statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            execute(() -> ended(this, 1006, String.valueOf(error.getMessage())));
        }
    }
}
