package dev.hookline.plugins.logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A tiny protocol client for the tests: requests with ids answered by futures, other frames ignored. */
final class Ws implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final long WAIT_SECONDS = 15;

    private final WebSocket socket;
    private final CompletableFuture<JsonNode> welcome = new CompletableFuture<>();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** Connects to ws://127.0.0.1:port/ws and waits for the welcome frame. */
    Ws(int port) {
        socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new Listener())
                .orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
        welcome.orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode frame = JSON.readTree(text.toString());
                    if (frame.path("type").asText().equals("welcome")) {
                        welcome.complete(frame);
                    } else if (frame.path("id").isIntegralNumber()) {
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
    }

    /** Sends a request (one at a time) and waits for its ack or error. */
    synchronized JsonNode request(ObjectNode frame) {
        long id = ids.incrementAndGet();
        frame.put("id", id);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            socket.sendText(JSON.writeValueAsString(frame), true).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return answer.orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
    }

    JsonNode open(String doc) {
        return request(JSON.createObjectNode().put("type", "open").put("doc", doc));
    }

    JsonNode set(String doc, String path, JsonNode value) {
        ObjectNode frame = JSON.createObjectNode().put("type", "set").put("doc", doc).put("path", path);
        frame.set("value", value);
        return request(frame);
    }

    /** Closes with 1000. */
    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // already closed
        }
    }
}
