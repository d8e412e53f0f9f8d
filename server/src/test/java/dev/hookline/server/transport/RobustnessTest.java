package dev.hookline.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hookline.api.Connection;
import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Authenticate;
import dev.hookline.api.payload.Connect;
import dev.hookline.api.payload.Disconnect;
import dev.hookline.api.payload.Heartbeat;
import dev.hookline.api.payload.InboundMessage;
import dev.hookline.api.payload.Update;
import dev.hookline.server.Hookline;
import dev.hookline.server.config.ServerConfig;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.protocol.Json;
import dev.hookline.server.testsupport.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input, failing and hanging hooks, slow and flooding clients: the offender gets the documented
 * code, and the server keeps serving everyone else.
 */
class RobustnessTest {

    private Hookline server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static ServerConfig limits(int maxFrameBytes, int maxOpenDocuments, int maxQueuedFrames,
                                       long maxOutboundBytes) {
        ServerConfig d = ServerConfig.DEFAULTS;
        return Net.LOOPBACK.withLimits(maxFrameBytes, maxOpenDocuments, maxQueuedFrames, maxOutboundBytes,
                d.maxOutboundFrames());
    }

    private static void assertError(JsonNode frame, int code) {
        assertThat(frame.get("type").asText()).as("frame %s", frame).isEqualTo("error");
        assertThat(frame.get("code").asInt()).as("frame %s", frame).isEqualTo(code);
    }

    // ---- bad frames -----------------------------------------------------------------------------

    @Test
    void malformedJsonGets4400WithANullIdAndTheConnectionStaysUsable() {
        server = Net.start(Net.LOOPBACK);
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.send("{\"type\":\"open\",\"id\":5,");

            JsonNode error = client.await("error");
            assertError(error, 4400);
            assertThat(error.get("id").isNull()).isTrue();
            client.send("[1,2,3]");
            assertError(client.await("error"), 4400);
            client.openOk("still-here");
        }
        Net.assertServesOthers(server);
    }

    @Test
    void anUnknownTypeGets4400WithTheId() {
        server = Net.start(Net.LOOPBACK);
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            JsonNode error = client.request(client.frame("frobnicate"));

            assertError(error, 4400);
            assertThat(error.get("reason").asText()).contains("frobnicate");
            client.openOk("still-here");
        }
        Net.assertServesOthers(server);
    }

    @Test
    void aFrameOverTheSizeLimitClosesWith1009() {
        server = Net.start(limits(1024, 64, 256, 16L * 1024 * 1024));
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.openOk("big");
            ObjectNode set = client.frame("set").put("doc", "big").put("path", "blob");
            set.put("value", "x".repeat(4096));
            client.send(set);

            assertThat(client.awaitClose()).isEqualTo(1009);
            // Undertow sends this close itself, before the server hears of the frame: no goodbye precedes it.
        }
        Net.assertServesOthers(server);
        assertThat(server.api().get("big", "blob")).isEmpty();
    }

    @Test
    void aBinaryFrameGets4400AndTheConnectionStaysUsable() {
        server = Net.start(Net.LOOPBACK);
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.sendBinary("{\"type\":\"open\",\"id\":1,\"doc\":\"d\"}".getBytes(StandardCharsets.UTF_8));

            JsonNode error = client.await("error");
            assertError(error, 4400);
            assertThat(error.get("id").isNull()).isTrue();
            assertThat(client.isClosed()).isFalse();
            client.openOk("d");
        }
        Net.assertServesOthers(server);
    }

    @Test
    void aBinaryFrameIsAnsweredInOrderWithTheFramesBeforeIt() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public Authenticate onAuthenticate(Authenticate authenticate, HookContext context)
                    throws InterruptedException {
                entered.countDown();
                release.await(5, TimeUnit.SECONDS);
                return null;
            }
        });
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            ObjectNode open = client.frame("open").put("doc", "gated");
            long id = open.get("id").asLong();
            client.send(open);
            assertThat(entered.await(3, TimeUnit.SECONDS)).isTrue();
            client.sendBinary(new byte[] {1, 2, 3});

            // The open is still being handled: the binary frame's answer waits behind it.
            assertThat(client.collect(f -> f.path("type").asText().equals("error"), Duration.ofMillis(300))).isEmpty();
            release.countDown();
            assertError(client.await("error"), 4400);
            assertThat(client.pending()).anyMatch(f -> f.path("type").asText().equals("ack")
                    && f.path("id").asLong() == id);
        } finally {
            release.countDown();
        }
    }

    // ---- failing and hanging hooks --------------------------------------------------------------

    @Test
    void anOnConnectHookThatThrowsClosesThatSocketWith4500AndHidesTheException() {
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public Connect onConnect(Connect connect, HookContext context) {
                if (connect.query().equals("boom")) {
                    throw new IllegalStateException("db password is hunter2");
                }
                return null;
            }
        });

        WsClient victim = WsClient.connect(server.port(), "boom", Map.of());
        JsonNode goodbye = victim.await("goodbye");
        assertThat(goodbye.get("code").asInt()).isEqualTo(4500);
        assertThat(goodbye.get("reason").asText()).isEqualTo("internal error");
        assertThat(victim.awaitClose()).isEqualTo(4500);
        assertThat(victim.closeReason()).isEqualTo("internal error");
        assertThat(goodbye.toString() + victim.pending()).doesNotContain("hunter2").doesNotContain("IllegalState");
        victim.close();

        Net.assertServesOthers(server);
    }

    @Test
    void aMessageHookThatThrowsAnswers4500AndTheConnectionStaysOpen() {
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public InboundMessage beforeHandleMessage(InboundMessage message, HookContext context) {
                if (message.frame().path("doc").asText().equals("cursed")) {
                    throw new IllegalStateException("stack trace material: hunter2");
                }
                return null;
            }

            @Override
            public Update onUpdate(Update update, HookContext context) {
                if (update.path().equals("explode")) {
                    throw new ArithmeticException("/ by zero in hunter2");
                }
                return null;
            }
        });

        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            JsonNode error = client.open("cursed", "");
            assertError(error, 4500);
            assertThat(error.get("reason").asText()).isEqualTo("internal error");

            client.openOk("fine");
            JsonNode updateError = client.set("fine", "explode", TextNode.valueOf("now"));
            assertError(updateError, 4500);
            assertThat(updateError.get("reason").asText()).isEqualTo("internal error");
            assertThat(error.toString() + updateError).doesNotContain("hunter2");

            WsClient.ok(client.set("fine", "calm", TextNode.valueOf("ok")));
            assertThat(client.isClosed()).isFalse();
        }
        Net.assertServesOthers(server);
    }

    @Test
    void aHangingHookTimesOutWith4504WhileOthersKeepWorking() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        server = Net.start(Net.LOOPBACK, HookEngine.Options.DEFAULTS.withDefaultTimeout(Duration.ofMillis(300)),
                new ServerHooks() {
                    @Override
                    public InboundMessage beforeHandleMessage(InboundMessage message, HookContext context)
                            throws InterruptedException {
                        if (message.frame().path("hang").asBoolean()) {
                            entered.countDown();
                            try {
                                never.await(5, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                interrupted.incrementAndGet();
                                throw e;
                            }
                        }
                        return null;
                    }
                });

        try (WsClient stuck = WsClient.connectWelcomed(server.port())) {
            ObjectNode hang = stuck.frame("open").put("doc", "slow").put("hang", true);
            long id = hang.get("id").asLong();
            long started = System.nanoTime();
            stuck.send(hang);
            assertThat(entered.await(3, TimeUnit.SECONDS)).isTrue();

            Net.assertServesOthers(server); // while the hook hangs

            JsonNode error = stuck.await(f -> f.path("id").asLong(-1) == id, "answer to the hanging open");
            assertError(error, 4504);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            await().atMost(Duration.ofSeconds(2)).until(() -> interrupted.get() == 1);
            // Its lane is free again: the same connection works.
            stuck.openOk("slow");
        } finally {
            never.countDown();
        }
    }

    // ---- limits ---------------------------------------------------------------------------------

    @Test
    void openingMoreDocumentsThanAllowedGets4429() {
        server = Net.start(limits(1024 * 1024, 2, 256, 16L * 1024 * 1024));
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.openOk("one");
            client.openOk("two");

            JsonNode error = client.open("three", "");

            assertError(error, 4429);
            assertThat(error.get("reason").asText()).contains("2");
            WsClient.ok(client.set("two", "still", TextNode.valueOf("works")));
            // Leaving one makes room again.
            WsClient.ok(client.request(client.frame("leave").put("doc", "one")));
            client.openOk("three");
        }
        Net.assertServesOthers(server);
    }

    @Test
    void aSubscriberThatStopsReadingIsClosedWith4507AndTheOthersKeepReceiving() {
        Map<String, Integer> disconnectCodes = new ConcurrentHashMap<>();
        // 2 MiB: 32 changes of 64 KiB. A frame counts as queued until Undertow's write callback
        // runs, which can come after the client has already read the frame; with 256 KiB (4 frames)
        // the lock-step fast subscriber was itself closed as a slow consumer in 2 of 7 full-suite runs.
        server = Net.start(limits(1024 * 1024, 64, 256, 2 * 1024 * 1024), new ServerHooks() {
            @Override
            public void onDisconnect(Disconnect disconnect, HookContext context) {
                disconnectCodes.put(context.connection().map(Connection::id).orElse("?"), disconnect.code());
            }
        });
        String value = "v".repeat(64 * 1024);
        try (WsClient slow = WsClient.connect(server.port()); WsClient fast = WsClient.connect(server.port())) {
            String slowId = slow.await("welcome").get("conn").asText();
            fast.await("welcome");
            for (WsClient client : List.of(slow, fast)) {
                client.openOk("feed");
                WsClient.ok(client.subscribe("feed", "items"));
                client.await("snapshot");
            }
            slow.stopReading();

            // Lock-step with the fast subscriber, so only the slow one can fall behind. The loopback
            // socket buffers hold tens of MB before the server's own queue grows: bounded at 4,000 x 64 KiB.
            int written = 0;
            while (!disconnectCodes.containsKey(slowId) && written < 4000) {
                long version = server.api().set("feed", "items/" + (written % 8), TextNode.valueOf(value + written));
                written++;
                fast.await(f -> f.path("type").asText().equals("change") && f.path("version").asLong() == version,
                        "change v" + version);
            }

            assertThat(disconnectCodes).as("after %d writes", written).containsEntry(slowId, 4507);
            // What the client finds once it reads again: the frames already in transit, then the
            // connection ends without a goodbye or close frame (the close could only queue behind
            // the full queue): an abnormal closure, 1006 (-1 if the client library calls it an error).
            slow.resumeReading();
            assertThat(slow.awaitClose()).isIn(1006, -1);
            assertThat(slow.pending()).noneMatch(f -> f.path("type").asText().equals("goodbye"));
            // The fast subscriber is still served.
            long after = server.api().set("feed", "items/final", TextNode.valueOf("done"));
            JsonNode last = fast.await(f -> f.path("type").asText().equals("change") && f.path("version").asLong() == after,
                    "the change after the slow one was closed");
            assertThat(last.get("value").asText()).isEqualTo("done");
            assertThat(fast.isClosed()).isFalse();
            assertThat(disconnectCodes).doesNotContainValue(1000).hasSize(1);
        }
        Net.assertServesOthers(server);
    }

    @Test
    void aClientFloodingWhileItsOpenIsAuthenticatingIsNoLongerReadUntilTheLaneCatchesUp() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger heartbeats = new AtomicInteger();
        server = Net.start(limits(1024 * 1024, 64, 8, 16L * 1024 * 1024), new ServerHooks() {
            @Override
            public Authenticate onAuthenticate(Authenticate authenticate, HookContext context)
                    throws InterruptedException {
                if (authenticate.document().equals("gated")) {
                    release.await(8, TimeUnit.SECONDS);
                }
                return null;
            }

            @Override
            public void onHeartbeat(Heartbeat heartbeat, HookContext context) {
                heartbeats.incrementAndGet();
            }
        });

        // A raw socket: its sends can be watched without blocking the test.
        List<JsonNode> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        WebSocket flooder = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            try {
                                received.add(Json.MAPPER.readTree(text.toString()));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            text.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }
                }).orTimeout(5, TimeUnit.SECONDS).join();
        try {
            flooder.sendText("{\"type\":\"open\",\"id\":1,\"doc\":\"gated\"}", true).get(5, TimeUnit.SECONDS);
            String pong = "{\"type\":\"pong\",\"payload\":{\"pad\":\"" + "p".repeat(64 * 1024) + "\"}}";
            int sent = 0;
            CompletableFuture<WebSocket> blocked = null;
            // Bounded: 4,000 x 64 KiB. The loopback buffers fill long before that if the server stops reading.
            while (sent < 4000) {
                CompletableFuture<WebSocket> send = flooder.sendText(pong, true);
                try {
                    send.get(500, TimeUnit.MILLISECONDS);
                    sent++;
                } catch (TimeoutException e) {
                    blocked = send;
                    break;
                }
            }
            assertThat(blocked).as("the server kept reading all %d frames while the open was blocked", sent).isNotNull();
            assertThat(heartbeats).hasValue(0); // nothing behind the blocked open ran

            Net.assertServesOthers(server); // a flooded, blocked connection costs the others nothing

            release.countDown();
            blocked.get(10, TimeUnit.SECONDS);
            int total = sent + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> heartbeats.get() == total);
            await().atMost(Duration.ofSeconds(3)).until(() -> received.stream().anyMatch(
                    f -> f.path("type").asText().equals("ack") && f.path("id").asLong() == 1));
            assertThat(received).noneMatch(f -> f.path("type").asText().equals("error"));
        } finally {
            release.countDown();
            flooder.abort();
        }
    }
}
