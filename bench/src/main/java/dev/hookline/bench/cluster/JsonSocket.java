package dev.hookline.bench.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One raw WebSocket client of the protocol (docs/protocol.md): text frames in, text frames out.
 * Each whole frame goes to the handler with the {@link System#nanoTime()} at which its last
 * fragment arrived, on the client's reader thread. Sends are serialised here because
 * {@link WebSocket#sendText} refuses a send while the previous one is still under way.
 */
final class JsonSocket {

    /** Receives one whole text frame. */
    interface Handler {
        void frame(JsonSocket socket, String frame, long receivedNanos);
    }

    private final WebSocket socket;
    private CompletableFuture<WebSocket> lastSend = CompletableFuture.completedFuture(null);
    private volatile boolean closed;

    private JsonSocket(WebSocket socket) {
        this.socket = socket;
    }

    /** Connects to {@code ws://127.0.0.1:port/ws}, completing when the upgrade is done. */
    static CompletableFuture<JsonSocket> connect(HttpClient http, int port, Handler handler) {
        JsonSocket[] self = new JsonSocket[1];
        CompletableFuture<JsonSocket> ready = new CompletableFuture<>();
        http.newWebSocketBuilder().connectTimeout(java.time.Duration.ofSeconds(20))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public void onOpen(WebSocket ws) {
                        synchronized (self) {
                            self[0] = new JsonSocket(ws);
                        }
                        ready.complete(self[0]);
                        ws.request(1);
                    }

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            long now = System.nanoTime();
                            String frame = text.toString();
                            text.setLength(0);
                            handler.frame(self[0], frame, now);
                        }
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                        self[0].closed = true;
                        return null;
                    }

                    @Override
                    public void onError(WebSocket ws, Throwable error) {
                        if (self[0] != null) {
                            self[0].closed = true;
                        }
                        ready.completeExceptionally(error);
                    }
                });
        return ready;
    }

    /** Queues a frame behind the previous one; never blocks. */
    synchronized void send(String frame) {
        if (closed) {
            return;
        }
        lastSend = lastSend.handle((ok, failed) -> null).thenCompose(ignored -> socket.sendText(frame, true));
    }

    boolean isClosed() {
        return closed || socket.isInputClosed();
    }

    /** Closes politely, or drops the connection if that does not finish within 3 s. */
    void close() {
        if (closed) {
            socket.abort();
            return;
        }
        closed = true;
        try {
            lastSend.handle((ok, failed) -> null).thenCompose(ignored -> socket.sendClose(1000, "done"))
                    .get(3, TimeUnit.SECONDS);
        } catch (Exception e) {
            socket.abort();
        }
    }
}
