package dev.hookline.plugins.postgres;

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
 * A minimal protocol v1 client for these tests (the server's own test client is not published):
 * requests with ids, answered by futures; other frames are ignored. 127.0.0.1 only.
 */
final class Ws implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(15);

    private final WebSocket socket;
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<JsonNode>> snapshots = new ConcurrentHashMap<>();
    private final CompletableFuture<JsonNode> welcome = new CompletableFuture<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong();
    private final Object sendLock = new Object();

    private Ws(int port) {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new Listener())
                .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Connects and waits for the welcome. */
    static Ws connect(int port) {
        Ws ws = new Ws(port);
        ws.welcome.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        return ws;
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
    CompletableFuture<JsonNode> requestAsync(ObjectNode frame) {
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

    JsonNode request(ObjectNode frame) {
        return requestAsync(frame).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    static ObjectNode frame(String type, String doc) {
        return JSON.createObjectNode().put("type", type).put("doc", doc);
    }

    /** Opens a document; returns the ack (with the version) or the error. */
    JsonNode open(String doc) {
        return request(frame("open", doc));
    }

    CompletableFuture<JsonNode> setAsync(String doc, String path, JsonNode value) {
        ObjectNode frame = frame("set", doc).put("path", path);
        frame.set("value", value);
        return requestAsync(frame);
    }

    /** Subscribes to the whole document; returns its snapshot frame (value, meta, version). */
    JsonNode snapshot(String doc) {
        long id = ids.get() + 1; // the id requestAsync will use: requests of this client are not concurrent here
        CompletableFuture<JsonNode> snapshot = new CompletableFuture<>();
        snapshots.put(id, snapshot);
        JsonNode ack = request(frame("sub", doc).put("path", ""));
        if (!ack.path("type").asText().equals("ack") || ack.path("id").asLong() != id) {
            throw new AssertionError("subscription failed: " + ack);
        }
        return snapshot.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Sends a set, merge or delete; returns the ack or error. */
    JsonNode write(String type, String doc, String path, JsonNode value, JsonNode meta) {
        ObjectNode frame = frame(type, doc).put("path", path);
        if (value != null) {
            frame.set("value", value);
        }
        if (meta != null) {
            frame.set("meta", meta);
        }
        return request(frame);
    }

    @Override
    public void close() {
        try {
            socket.sendClose(1000, "bye").get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // already closed
        }
        socket.abort();
    }
}
