package dev.hookline.faults.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A protocol v1 client written from docs/protocol.md on a bare {@link WebSocket}: JSON frames in,
 * JSON frames out, nothing hidden. Unlike the Java client it never reconnects or resubscribes by
 * itself, so a test sees exactly which frames a node sent (a {@code reset}, a gap, an error).
 *
 * <p>Every received frame is kept in arrival order; requests are answered through futures keyed by
 * id; pings are answered at once. When the connection ends, every request still waiting fails
 * with {@link Closed}: a dead node's clients learn it, and a test can tell "answered" from "the
 * socket died".
 */
final class JsonClient implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration CONNECT = Duration.ofSeconds(5);

    /** The connection ended before the request was answered. */
    static final class Closed extends IOException {
        Closed(String message) {
            super(message);
        }
    }

    private final String name;
    private final WebSocket socket;
    private final List<JsonNode> frames = new ArrayList<>();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final CompletableFuture<String> welcome = new CompletableFuture<>();
    private volatile Consumer<JsonNode> listener = frame -> { };

    private JsonClient(String name, int port) {
        this.name = name;
        Listener listener = new Listener();
        try {
            this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(CONNECT)
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), listener)
                    .get(CONNECT.toSeconds() + 1, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(name + ": no WebSocket to 127.0.0.1:" + port + ": " + e, e);
        }
    }

    /**
     * Connects and waits (bounded) for the welcome.
     *
     * @param name for messages and logs, e.g. {@code "writer n1/2"}
     */
    static JsonClient connect(String name, int port) {
        JsonClient client = new JsonClient(name, port);
        try {
            client.welcome.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            client.close();
            throw new AssertionError(name + ": no welcome from 127.0.0.1:" + port + " within 10 s: " + e, e);
        }
        return client;
    }

    String name() {
        return name;
    }

    /** This connection's id, from the welcome. */
    String conn() {
        return welcome.join();
    }

    boolean isOpen() {
        return !closed.isDone();
    }

    /** Completes with a description when the connection ends (close frame or error). */
    CompletableFuture<String> closed() {
        return closed;
    }

    /** Called (on the socket's thread, in arrival order) with every frame after it was recorded. */
    void onFrame(Consumer<JsonNode> listener) {
        this.listener = listener;
    }

    // ---- requests -----------------------------------------------------------------------------

    ObjectNode frame(String type, String doc) {
        ObjectNode frame = JSON.createObjectNode().put("type", type).put("id", ids.incrementAndGet());
        if (doc != null) {
            frame.put("doc", doc);
        }
        return frame;
    }

    /**
     * Sends a request; the future completes with its {@code ack} or {@code error} frame, or fails
     * with {@link Closed} when the connection ends first.
     */
    CompletableFuture<JsonNode> request(ObjectNode frame) {
        long id = frame.get("id").asLong();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        if (closed.isDone()) {
            fail(id, answer);
            return answer;
        }
        try {
            synchronized (socket) { // one text frame at a time: WebSocket allows no concurrent sends
                socket.sendText(JSON.writeValueAsString(frame), true).get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            pending.remove(id);
            answer.completeExceptionally(new Closed(name + ": could not send " + frame + ": " + e));
        }
        return answer;
    }

    CompletableFuture<JsonNode> open(String doc) {
        return request(frame("open", doc));
    }

    /** A value subscription at {@code path}; {@code since} null for a fresh snapshot. */
    CompletableFuture<JsonNode> sub(String doc, String path, Long since) {
        ObjectNode frame = frame("sub", doc).put("path", path);
        if (since != null) {
            frame.put("since", since);
        }
        return request(frame);
    }

    CompletableFuture<JsonNode> set(String doc, String path, JsonNode value) {
        ObjectNode frame = frame("set", doc).put("path", path);
        frame.set("value", value);
        return request(frame);
    }

    CompletableFuture<JsonNode> presence(String doc, JsonNode state) {
        ObjectNode frame = frame("presence", doc);
        frame.set("state", state);
        return request(frame);
    }

    CompletableFuture<JsonNode> stateless(String doc, JsonNode payload) {
        ObjectNode frame = frame("stateless", doc);
        frame.set("payload", payload);
        return request(frame);
    }

    /** Sends a request and waits (bounded) for an ack; an error or no answer fails the test. */
    JsonNode ack(CompletableFuture<JsonNode> answer, String what) {
        JsonNode frame = await(answer, what);
        if (!"ack".equals(frame.path("type").asText())) {
            throw new AssertionError(name + ": " + what + " was refused: " + frame);
        }
        return frame;
    }

    /** Waits (bounded) for an answer, ack or error. */
    JsonNode await(CompletableFuture<JsonNode> answer, String what) {
        try {
            return answer.get(15, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(name + ": " + what + " was not answered within 15 s", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(name + ": " + what + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(name + ": interrupted", e);
        }
    }

    /** Requests not answered yet. */
    int pendingCount() {
        return pending.size();
    }

    // ---- frames -------------------------------------------------------------------------------

    /** Every frame received so far, in arrival order. */
    List<JsonNode> frames() {
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    /** Waits (bounded) for a frame matching {@code test}, among those received so far or later. */
    JsonNode awaitFrame(Predicate<JsonNode> test, Duration within, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (frames) {
            int seen = 0;
            while (true) {
                for (; seen < frames.size(); seen++) {
                    if (test.test(frames.get(seen))) {
                        return frames.get(seen);
                    }
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError(name + ": no " + what + " within " + within + "; frames: " + tail(frames));
                }
                try {
                    frames.wait(Math.min(left, 200));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(name + ": interrupted", e);
                }
            }
        }
    }

    private static String tail(List<JsonNode> frames) {
        int from = Math.max(0, frames.size() - 10);
        return (from > 0 ? "... " : "") + frames.subList(from, frames.size());
    }

    private final class Listener implements WebSocket.Listener {
        private StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received(text.toString());
                text = new StringBuilder();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended("closed " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended("failed: " + error);
        }
    }

    private void received(String text) {
        JsonNode frame;
        try {
            frame = JSON.readTree(text);
        } catch (IOException e) {
            frame = JSON.createObjectNode().put("type", "unparseable").put("text", text);
        }
        String type = frame.path("type").asText();
        if (type.equals("ping")) {
            ObjectNode pong = JSON.createObjectNode().put("type", "pong");
            pong.set("payload", frame.get("payload"));
            synchronized (socket) {
                socket.sendText(pong.toString(), true);
            }
        }
        if (type.equals("welcome")) {
            welcome.complete(frame.path("conn").asText());
        }
        synchronized (frames) {
            frames.add(frame);
            frames.notifyAll();
        }
        listener.accept(frame);
        if ((type.equals("ack") || type.equals("error")) && frame.hasNonNull("id")) {
            CompletableFuture<JsonNode> answer = pending.remove(frame.get("id").asLong());
            if (answer != null) {
                answer.complete(frame);
            }
        }
    }

    private void ended(String how) {
        closed.complete(how);
        welcome.completeExceptionally(new Closed(name + ": " + how));
        pending.forEach(this::fail);
        synchronized (frames) {
            frames.notifyAll();
        }
    }

    private void fail(long id, CompletableFuture<JsonNode> answer) {
        pending.remove(id);
        answer.completeExceptionally(new Closed(name + ": the connection ended (" + closed.getNow("?") + ") before request "
                + id + " was answered"));
    }

    /** Drops the TCP connection without a close handshake, as a client whose node died would see it. */
    void abort() {
        socket.abort();
        ended("aborted by the test");
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                // the node may be dead or paused: drop the socket
            }
            socket.abort();
            ended("closed by the test");
        }
    }
}
