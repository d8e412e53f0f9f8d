package dev.hookline.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal protocol v1 client for tests against a running server: requests with ids, answered
 * by futures (the ack or the error frame); snapshot frames of {@link #snapshot} subscriptions;
 * other frames are ignored. Connects to {@code ws://127.0.0.1:<port>/ws}; every wait is bounded
 * by {@link #WAIT}.
 *
 * <pre>{@code
 * try (WsClient client = WsClient.connect(server.port())) {
 *     JsonNode ack = client.write("set", "board", "players/1", TextNode.valueOf("ann"), null);
 * }
 * }</pre>
 */
public final class WsClient implements AutoCloseable {

    /** Frames in and out. */
    public static final ObjectMapper JSON = new ObjectMapper();
    /** The longest any step waits: connecting, the welcome, a send, an answer. */
    public static final Duration WAIT = Duration.ofSeconds(15);

    private final WebSocket socket;
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<JsonNode>> snapshots = new ConcurrentHashMap<>();
    private final CompletableFuture<JsonNode> welcome = new CompletableFuture<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong();
    private final Object sendLock = new Object();

    private WsClient(int port) {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new Listener())
                .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Connects to the server on 127.0.0.1:{@code port} and waits for the welcome. */
    public static WsClient connect(int port) {
        WsClient ws = new WsClient(port);
        ws.welcome.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        return ws;
    }

    /** @return the welcome frame */
    public JsonNode welcome() {
        return welcome.join();
    }

    /** @return the close code, once the server closed the socket (-1 after an error) */
    public CompletableFuture<Integer> closed() {
        return closed;
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode frame = JSON.readTree(text.toString());
                    String type = frame.path("type").asText();
                    if (type.equals("welcome")) {
                        welcome.complete(frame);
                    } else if (type.equals("snapshot")) {
                        CompletableFuture<JsonNode> snapshot = snapshots.get(frame.path("sub").asLong());
                        if (snapshot != null) {
                            snapshot.complete(frame);
                        }
                    } else if ((type.equals("ack") || type.equals("error")) && frame.path("id").isIntegralNumber()) {
                        CompletableFuture<JsonNode> answer = pending.remove(frame.get("id").asLong());
                        if (answer != null) {
                            answer.complete(frame);
                        }
                    }
                } catch (Exception e) {
                    // not for us
                }
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            fail(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            fail(-1);
        }

        private void fail(int code) {
            closed.complete(code);
            pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("closed " + code)));
        }
    }

    /** Sends a request and returns the future of its ack or error. */
    public CompletableFuture<JsonNode> requestAsync(ObjectNode frame) {
        long id = ids.incrementAndGet();
        frame.put("id", id);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        if (closed.isDone()) {
            answer.completeExceptionally(new IllegalStateException("closed"));
            return answer;
        }
        try {
            String text = JSON.writeValueAsString(frame);
            synchronized (sendLock) { // one send at a time, as WebSocket requires
                socket.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            answer.completeExceptionally(e);
        }
        return answer;
    }

    /** Sends a request and waits for its ack or error. */
    public JsonNode request(ObjectNode frame) {
        return requestAsync(frame).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** @return a frame {@code {"type": type, "doc": doc}} to add to */
    public static ObjectNode frame(String type, String doc) {
        return JSON.createObjectNode().put("type", type).put("doc", doc);
    }

    /** Opens a document; returns the ack (with the version) or the error. */
    public JsonNode open(String doc) {
        return request(frame("open", doc));
    }

    /** Sends a set; returns the future of its ack or error. */
    public CompletableFuture<JsonNode> setAsync(String doc, String path, JsonNode value) {
        ObjectNode frame = frame("set", doc).put("path", path);
        frame.set("value", value);
        return requestAsync(frame);
    }

    /**
     * Subscribes to the whole document; returns its snapshot frame (value, meta, version). Not
     * while other requests of this client are in flight (it predicts the id of its request).
     */
    public JsonNode snapshot(String doc) {
        long id = ids.get() + 1; // the id requestAsync will use: no other request is in flight
        CompletableFuture<JsonNode> snapshot = new CompletableFuture<>();
        snapshots.put(id, snapshot);
        JsonNode ack = request(frame("sub", doc).put("path", ""));
        if (!ack.path("type").asText().equals("ack") || ack.path("id").asLong() != id) {
            throw new AssertionError("subscription failed: " + ack);
        }
        return snapshot.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Sends a set, merge or delete; returns the ack or error. */
    public JsonNode write(String type, String doc, String path, JsonNode value, JsonNode meta) {
        ObjectNode frame = frame(type, doc).put("path", path);
        if (value != null) {
            frame.set("value", value);
        }
        if (meta != null) {
            frame.set("meta", meta);
        }
        return request(frame);
    }

    /** Sends a set; returns the ack or error. */
    public JsonNode set(String doc, String path, JsonNode value) {
        return write("set", doc, path, value, null);
    }

    /**
     * Closes with 1000 and no reason, waits (up to 2 s) for the server's close, so that the server
     * sees a clean close, then drops the socket.
     */
    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
            closed.get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // already closed, or the server does not answer: dropped all the same
        }
        socket.abort();
    }
}
