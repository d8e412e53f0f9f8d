package dev.hookline.server.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.server.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A protocol v1 test client over a real {@link java.net.http.WebSocket} on loopback. Frames are
 * collected as they arrive; tests wait for the ones they expect. {@link #stopReading()} stops
 * asking for frames, so TCP backpressure builds up as with a client that no longer reads.
 */
public final class WsClient implements AutoCloseable {

    /** How long a wait for a frame lasts before the test fails. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    private final WebSocket socket;
    private final List<JsonNode> frames = new ArrayList<>();
    private final CompletableFuture<int[]> closed = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong(100);
    private volatile String closeReason;
    private volatile boolean reading = true;

    private WsClient(URI uri, Map<String, String> headers) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(builder::header);
        this.socket = builder.buildAsync(uri, new Listener()).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Connects to {@code ws://127.0.0.1:port/ws}. */
    public static WsClient connect(int port) {
        return connect(port, "", Map.of());
    }

    /** Connects with a query string (without '?') and extra handshake headers. */
    public static WsClient connect(int port, String query, Map<String, String> headers) {
        return new WsClient(URI.create("ws://127.0.0.1:" + port + "/ws" + (query.isEmpty() ? "" : "?" + query)), headers);
    }

    /** Connects and waits for the welcome frame. */
    public static WsClient connectWelcomed(int port) {
        WsClient client = connect(port);
        client.await("welcome");
        return client;
    }

    private final class Listener implements WebSocket.Listener {
        private StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                JsonNode frame;
                try {
                    frame = Json.MAPPER.readTree(text.toString());
                } catch (java.io.IOException e) {
                    frame = Json.object().put("type", "unparseable").put("text", text.toString());
                }
                text = new StringBuilder();
                synchronized (frames) {
                    frames.add(frame);
                    frames.notifyAll();
                }
            }
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closed.complete(new int[] {statusCode});
            synchronized (frames) {
                frames.notifyAll();
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new int[] {-1});
            synchronized (frames) {
                frames.notifyAll();
            }
        }
    }

    // ---- sending ------------------------------------------------------------------------------

    /** Sends a frame as is. */
    public WsClient send(String text) {
        socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
        return this;
    }

    /** Sends a frame. */
    public WsClient send(JsonNode frame) {
        return send(Json.text(frame));
    }

    /** Sends a binary frame. */
    public WsClient sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(10, TimeUnit.SECONDS).join();
        return this;
    }

    /** @return a new frame of the given type, with a fresh id */
    public ObjectNode frame(String type) {
        return Json.object().put("type", type).put("id", ids.incrementAndGet());
    }

    /** Sends a request (a frame with an id) and returns its ack or error. */
    public JsonNode request(ObjectNode frame) {
        long id = frame.get("id").asLong();
        send(frame);
        return await(f -> (f.path("type").asText().equals("ack") || f.path("type").asText().equals("error"))
                && f.path("id").asLong(-1) == id, "ack or error for id " + id);
    }

    /** Opens a document; returns the ack or error. */
    public JsonNode open(String doc, String token) {
        return request(frame("open").put("doc", doc).put("token", token));
    }

    /** Opens a document and fails unless it was acknowledged. */
    public JsonNode openOk(String doc) {
        return ok(open(doc, ""));
    }

    /** Subscribes to a path; returns the ack or error. */
    public JsonNode subscribe(String doc, String path) {
        return request(frame("sub").put("doc", doc).put("path", path));
    }

    /** Sets a value; returns the ack or error. */
    public JsonNode set(String doc, String path, JsonNode value) {
        ObjectNode frame = frame("set").put("doc", doc).put("path", path);
        frame.set("value", value);
        return request(frame);
    }

    /** @return the frame if it is an ack, otherwise fails with it */
    public static JsonNode ok(JsonNode answer) {
        if (!answer.path("type").asText().equals("ack")) {
            throw new AssertionError("expected an ack, got " + answer);
        }
        return answer;
    }

    /** Stops asking for frames: the server's writes back up, as with a client that stopped reading. */
    public void stopReading() {
        reading = false;
    }

    /** Asks for frames again after {@link #stopReading()}: what the client finds once it reads. */
    public void resumeReading() {
        reading = true;
        socket.request(1);
    }

    // ---- receiving ------------------------------------------------------------------------------

    /** Waits for, and removes, the first frame of this type. */
    public JsonNode await(String type) {
        return await(f -> f.path("type").asText().equals(type), "a " + type + " frame");
    }

    /** Waits for, and removes, the first frame matching {@code test}. */
    public JsonNode await(Predicate<JsonNode> test, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (frames) {
            while (true) {
                for (Iterator<JsonNode> it = frames.iterator(); it.hasNext(); ) {
                    JsonNode frame = it.next();
                    if (test.test(frame)) {
                        it.remove();
                        return frame;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no " + what + " within " + WAIT.toSeconds() + " s; received " + frames
                            + (closed.isDone() ? " (socket closed " + closed.join()[0] + " " + closeReason + ")" : ""));
                }
                try {
                    frames.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted");
                }
            }
        }
    }

    /**
     * Waits {@code quiet} and returns every frame matching {@code test} that arrived, removing
     * them: to check that something was NOT sent.
     */
    public List<JsonNode> collect(Predicate<JsonNode> test, Duration quiet) {
        try {
            Thread.sleep(quiet.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<JsonNode> matching = new ArrayList<>();
        synchronized (frames) {
            for (Iterator<JsonNode> it = frames.iterator(); it.hasNext(); ) {
                JsonNode frame = it.next();
                if (test.test(frame)) {
                    matching.add(frame);
                    it.remove();
                }
            }
        }
        return matching;
    }

    /** @return the frames received and not yet awaited */
    public List<JsonNode> pending() {
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    /** Waits for the socket to close; returns the close code (-1 if it broke without a close frame). */
    public int awaitClose() {
        return closed.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join()[0];
    }

    /** @return the close reason, once closed */
    public String closeReason() {
        return closeReason;
    }

    /** @return whether the socket closed */
    public boolean isClosed() {
        return closed.isDone();
    }

    /** Closes normally (1000) if still open, and drops the connection. */
    @Override
    public void close() {
        if (!closed.isDone()) {
            try {
                socket.sendClose(1000, "bye").orTimeout(2, TimeUnit.SECONDS).join();
            } catch (RuntimeException ignored) {
                // already closing
            }
        }
        socket.abort();
    }
}
