package dev.hookline.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hookline.api.ServerHooks;
import dev.hookline.server.Hookline;
import dev.hookline.server.config.ServerConfig;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.protocol.Json;
import dev.hookline.server.testsupport.WsClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Shared helpers of the transport integration tests: servers on loopback, HTTP, raw sockets. */
final class Net {

    /** Loopback, any free port, every other setting at its default. */
    static final ServerConfig LOOPBACK = ServerConfig.DEFAULTS.withAddress("127.0.0.1", 0);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicLong DOCS = new AtomicLong();

    private Net() {
    }

    static Hookline start(ServerConfig config, ServerHooks... hooks) {
        return start(config, HookEngine.Options.DEFAULTS, hooks);
    }

    static Hookline start(ServerConfig config, HookEngine.Options options, ServerHooks... hooks) {
        return Hookline.builder().config(config).classpathHooks(false).engineOptions(options).hooks(hooks).start();
    }

    /** GET (or another method without a body) over plain HTTP on loopback. */
    static HttpResponse<String> http(int port, String method, String pathAndQuery, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(5)).method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("HTTP " + method + " " + pathAndQuery + " failed", e);
        }
    }

    /**
     * Proves the server still serves: a fresh client connects, opens a document, writes and gets
     * its ack with version 1 (a fresh document each time).
     */
    static void assertServesOthers(Hookline server) {
        String doc = "probe-" + DOCS.incrementAndGet();
        try (WsClient other = WsClient.connectWelcomed(server.port())) {
            WsClient.ok(other.openOk(doc));
            JsonNode ack = WsClient.ok(other.set(doc, "alive", JsonNodeFactory.instance.booleanNode(true)));
            assertThat(ack.get("version").asLong()).isEqualTo(1);
            assertThat(ack.get("doc").asText()).isEqualTo(doc);
        }
    }

    /** A handshake that must fail: returns the HTTP status of the refusal. */
    static int refusedHandshakeStatus(URI uri) {
        CompletableFuture<WebSocket> attempt = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, new WebSocket.Listener() { });
        try {
            WebSocket socket = attempt.orTimeout(5, TimeUnit.SECONDS).join();
            socket.abort();
            throw new AssertionError("the handshake to " + uri + " succeeded");
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }

    /**
     * What a server answered on a raw socket.
     *
     * @param text   every byte received, as text
     * @param closed whether the server closed the connection (end of stream) rather than leaving it open
     */
    record RawAnswer(String text, boolean closed) {

        /** @return the status code of the first response line, or -1 when there was none */
        int status() {
            return text.startsWith("HTTP/1.1 ") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
        }
    }

    /**
     * Sends bytes exactly as given on a fresh socket (no client-side checks or normalisation), then
     * reads until the server closes the connection or {@code wait} passes without a byte.
     */
    static RawAnswer raw(int port, String request, Duration wait) {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) wait.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            byte[] buffer = new byte[8192];
            for (int n; (n = socket.getInputStream().read(buffer)) >= 0; ) {
                answer.write(buffer, 0, n);
            }
            return new RawAnswer(answer.toString(StandardCharsets.ISO_8859_1), true);
        } catch (SocketTimeoutException e) {
            return new RawAnswer(answer.toString(StandardCharsets.ISO_8859_1), false);
        } catch (SocketException e) {
            return new RawAnswer(answer.toString(StandardCharsets.ISO_8859_1), true); // reset by the server
        } catch (IOException e) {
            throw new AssertionError("raw request to port " + port + " failed", e);
        }
    }

    /** A bare WebSocket that queues the text frames it receives. */
    static final class RawSocket implements AutoCloseable {
        final WebSocket socket;
        final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();

        RawSocket(URI uri) {
            socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(uri,
                    new WebSocket.Listener() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                try {
                                    frames.add(Json.MAPPER.readTree(text.toString()));
                                } catch (Exception e) {
                                    frames.add(Json.object().put("type", "unparseable"));
                                }
                                text.setLength(0);
                            }
                            webSocket.request(1);
                            return null;
                        }
                    }).orTimeout(5, TimeUnit.SECONDS).join();
        }

        JsonNode next() throws InterruptedException {
            JsonNode frame = frames.poll(5, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within 5 s");
            }
            return frame;
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
