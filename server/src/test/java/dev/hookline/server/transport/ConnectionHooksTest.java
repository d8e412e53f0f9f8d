package dev.hookline.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hookline.api.Connection;
import dev.hookline.api.HookContext;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Authenticate;
import dev.hookline.api.payload.Connect;
import dev.hookline.api.payload.Connected;
import dev.hookline.api.payload.Disconnect;
import dev.hookline.api.payload.Heartbeat;
import dev.hookline.api.payload.InboundMessage;
import dev.hookline.api.payload.KeepAlive;
import dev.hookline.server.Hookline;
import dev.hookline.server.config.ServerConfig;
import dev.hookline.server.protocol.Json;
import dev.hookline.server.testsupport.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connection-level hooks over real WebSockets: connect, keep-alive, heartbeat, disconnect, frames. */
class ConnectionHooksTest {

    /** Pings every 200 ms, idle after 2 s. */
    private static final ServerConfig FAST_PINGS = Net.LOOPBACK.withKeepAlive(Duration.ofMillis(200),
            Duration.ofMillis(2000));

    private Hookline server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static boolean isGoodbye(JsonNode frame) {
        return frame.path("type").asText().equals("goodbye");
    }

    // ---- onConnect / connected ------------------------------------------------------------------

    @Test
    void onConnectSeesTheHandshakeHeadersQueryAndAddress() {
        AtomicReference<Connect> seen = new AtomicReference<>();
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public Connect onConnect(Connect connect, HookContext context) {
                seen.set(connect);
                return null;
            }
        });

        try (WsClient client = WsClient.connect(server.port(), "token=abc&room=1", Map.of("X-User", "ann"))) {
            client.await("welcome");
        }

        assertThat(seen.get().query()).isEqualTo("token=abc&room=1");
        assertThat(seen.get().headers().get("x-user")).containsExactly("ann");
        assertThat(seen.get().headers()).containsKey("sec-websocket-key");
        assertThat(seen.get().remoteAddress()).startsWith("127.0.0.1:");
        assertThat(seen.get().attributes()).isEmpty();
    }

    @Test
    void onConnectAttributesReachTheNextHookAndLaterChains() {
        AtomicReference<Map<String, Object>> secondSaw = new AtomicReference<>();
        AtomicReference<Map<String, Object>> connectedSaw = new AtomicReference<>();
        AtomicReference<Map<String, Object>> authPayloadSaw = new AtomicReference<>();
        AtomicReference<Map<String, Object>> authConnectionSaw = new AtomicReference<>();
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public int priority() {
                return 200; // runs first
            }

            @Override
            public Connect onConnect(Connect connect, HookContext context) {
                return connect.withAttribute("user", connect.query().replace("user=", ""));
            }
        }, new ServerHooks() {
            @Override
            public Connect onConnect(Connect connect, HookContext context) {
                secondSaw.set(connect.attributes());
                return connect.withAttribute("role", "editor");
            }

            @Override
            public void connected(Connected connected, HookContext context) {
                connectedSaw.set(connected.attributes());
            }

            @Override
            public Authenticate onAuthenticate(Authenticate authenticate, HookContext context) {
                authPayloadSaw.set(authenticate.attributes());
                authConnectionSaw.set(context.connection().orElseThrow().attributes());
                return null;
            }
        });

        try (WsClient client = WsClient.connect(server.port(), "user=ann", Map.of())) {
            client.await("welcome");
            client.openOk("board");
        }

        assertThat(secondSaw.get()).containsExactly(Map.entry("user", "ann"));
        Map<String, Object> both = Map.of("user", "ann", "role", "editor");
        assertThat(connectedSaw.get()).isEqualTo(both);
        assertThat(authPayloadSaw.get()).isEqualTo(both);
        assertThat(authConnectionSaw.get()).isEqualTo(both);
    }

    @Test
    void onConnectCanMakeTheConnectionReadOnly() {
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public Connect onConnect(Connect connect, HookContext context) {
                return connect.withReadOnly(connect.query().equals("viewer"));
            }
        });

        try (WsClient viewer = WsClient.connect(server.port(), "viewer", Map.of())) {
            viewer.await("welcome");
            viewer.openOk("board");
            JsonNode refused = viewer.set("board", "x", TextNode.valueOf("no"));
            assertThat(refused.get("type").asText()).isEqualTo("error");
            assertThat(refused.get("code").asInt()).isEqualTo(4403);
        }
        Net.assertServesOthers(server); // a connection without the flag may write
    }

    @Test
    void onConnectRejectSaysGoodbyeThenClosesWithItsCodeAndReason() {
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicInteger disconnects = new AtomicInteger();
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public Connect onConnect(Connect connect, HookContext context) {
                events.add("onConnect");
                if (connect.query().contains("banned")) {
                    throw new Reject(4403, "you are banned");
                }
                return null;
            }

            @Override
            public void connected(Connected connected, HookContext context) {
                events.add("connected");
            }

            @Override
            public void onDisconnect(Disconnect disconnect, HookContext context) {
                disconnects.incrementAndGet();
            }
        });

        WsClient refused = WsClient.connect(server.port(), "banned", Map.of());
        JsonNode goodbye = refused.await("goodbye");
        assertThat(goodbye.get("code").asInt()).isEqualTo(4403);
        assertThat(goodbye.get("reason").asText()).isEqualTo("you are banned");
        assertThat(refused.awaitClose()).isEqualTo(4403);
        assertThat(refused.closeReason()).isEqualTo("you are banned");
        assertThat(refused.pending()).noneMatch(f -> f.path("type").asText().equals("welcome"));
        refused.close();

        assertThat(events).containsExactly("onConnect");
        await().atMost(Duration.ofSeconds(3)).until(() -> disconnects.get() == 1);
        Net.assertServesOthers(server);
        assertThat(events).containsExactly("onConnect", "onConnect", "connected");
    }

    @Test
    void connectedFiresAfterOnConnectAndBeforeTheWelcome() {
        List<String> events = new CopyOnWriteArrayList<>();
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public Connect onConnect(Connect connect, HookContext context) {
                events.add("onConnect");
                return null;
            }

            @Override
            public void connected(Connected connected, HookContext context) {
                events.add("connected " + context.connection().map(Connection::id).orElse("?"));
            }
        });

        try (WsClient client = WsClient.connect(server.port())) {
            String id = client.await("welcome").get("conn").asText();
            assertThat(events).containsExactly("onConnect", "connected " + id);
        }
    }

    // ---- keep-alive, heartbeat, idle ------------------------------------------------------------

    @Test
    void serverPingsWithATimestampByDefault() {
        server = Net.start(FAST_PINGS);
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            JsonNode ping = client.await("ping");
            assertThat(ping.get("payload").get("time").asLong()).isCloseTo(System.currentTimeMillis(),
                    org.assertj.core.data.Offset.offset(5_000L));
        }
    }

    @Test
    void onKeepAliveRewritesThePingPayload() {
        AtomicReference<JsonNode> original = new AtomicReference<>();
        AtomicInteger seq = new AtomicInteger();
        server = Net.start(FAST_PINGS, new ServerHooks() {
            @Override
            public KeepAlive onKeepAlive(KeepAlive keepAlive, HookContext context) {
                original.compareAndSet(null, keepAlive.payload());
                return keepAlive.withPayload(Json.object().put("from", "hook").put("seq", seq.incrementAndGet()));
            }
        });

        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            JsonNode first = client.await("ping");
            JsonNode second = client.await("ping");
            assertThat(first.get("payload")).isEqualTo(Json.object().put("from", "hook").put("seq", 1));
            assertThat(second.get("payload").get("seq").asInt()).isEqualTo(2);
            assertThat(original.get().has("time")).isTrue();
        }
    }

    @Test
    void onKeepAliveRejectSaysGoodbyeAndCloses() {
        AtomicInteger pings = new AtomicInteger();
        server = Net.start(FAST_PINGS, new ServerHooks() {
            @Override
            public KeepAlive onKeepAlive(KeepAlive keepAlive, HookContext context) {
                if (pings.incrementAndGet() >= 2) {
                    throw new Reject(4429, "enough pings");
                }
                return null;
            }
        });

        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.await("ping");
            JsonNode goodbye = client.await("goodbye");
            assertThat(goodbye.get("code").asInt()).isEqualTo(4429);
            assertThat(goodbye.get("reason").asText()).isEqualTo("enough pings");
            assertThat(client.awaitClose()).isEqualTo(4429);
            assertThat(client.closeReason()).isEqualTo("enough pings");
        }
    }

    @Test
    void onHeartbeatSeesEachPongPayload() {
        List<JsonNode> heartbeats = new CopyOnWriteArrayList<>();
        server = Net.start(FAST_PINGS, new ServerHooks() {
            @Override
            public void onHeartbeat(Heartbeat heartbeat, HookContext context) {
                heartbeats.add(heartbeat.payload());
            }
        });

        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            JsonNode ping = client.await("ping");
            ObjectNode pong = Json.object().put("type", "pong");
            pong.set("payload", ping.get("payload"));
            client.send(pong);
            client.send("{\"type\":\"pong\",\"payload\":{\"n\":7}}");

            await().atMost(Duration.ofSeconds(3)).until(() -> heartbeats.size() == 2);
            assertThat(heartbeats.get(0)).isEqualTo(ping.get("payload"));
            assertThat(heartbeats.get(1)).isEqualTo(Json.object().put("n", 7));
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void onHeartbeatRejectSaysGoodbyeAndCloses() {
        server = Net.start(FAST_PINGS, new ServerHooks() {
            @Override
            public void onHeartbeat(Heartbeat heartbeat, HookContext context) {
                if (heartbeat.payload() != null && heartbeat.payload().path("n").asInt() == 13) {
                    throw new Reject(4403, "unlucky pong");
                }
            }
        });

        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.send("{\"type\":\"pong\",\"payload\":{\"n\":1}}");
            client.send("{\"type\":\"pong\",\"payload\":{\"n\":13}}");
            JsonNode goodbye = client.await("goodbye");
            assertThat(goodbye.get("code").asInt()).isEqualTo(4403);
            assertThat(goodbye.get("reason").asText()).isEqualTo("unlucky pong");
            assertThat(client.awaitClose()).isEqualTo(4403);
        }
    }

    @Test
    void aClientThatNeverPongsIsClosedWith4408WhileOneThatPongsStays() {
        Duration idle = Duration.ofMillis(600);
        server = Net.start(Net.LOOPBACK.withKeepAlive(Duration.ofMillis(100), idle));
        try (WsClient silent = WsClient.connectWelcomed(server.port());
             WsClient answering = WsClient.connectWelcomed(server.port())) {
            long until = System.nanoTime() + idle.multipliedBy(3).toNanos();
            while (System.nanoTime() < until) {
                JsonNode ping = answering.await("ping");
                ObjectNode pong = Json.object().put("type", "pong");
                pong.set("payload", ping.get("payload"));
                answering.send(pong);
            }

            assertThat(silent.await(ConnectionHooksTest::isGoodbye, "goodbye").get("code").asInt()).isEqualTo(4408);
            assertThat(silent.awaitClose()).isEqualTo(4408);
            assertThat(answering.isClosed()).isFalse();
            assertThat(answering.pending()).noneMatch(ConnectionHooksTest::isGoodbye);
        }
    }

    @Test
    void aSlowOnConnectDoesNotCountAsIdleTime() {
        server = Net.start(Net.LOOPBACK.withKeepAlive(Duration.ofMillis(100), Duration.ofMillis(500)),
                new ServerHooks() {
                    @Override
                    public Connect onConnect(Connect connect, HookContext context) throws InterruptedException {
                        Thread.sleep(800); // a slow credential check, longer than the idle timeout
                        return null;
                    }
                });

        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            // Never pinged yet, so it cannot have missed a pong: it must get pings, not a 4408.
            JsonNode ping = client.await(f -> f.path("type").asText().matches("ping|goodbye"), "ping or goodbye");
            assertThat(ping.get("type").asText()).as("first frame after welcome: %s", ping).isEqualTo("ping");
            assertThat(client.isClosed()).isFalse();
        }
    }

    // ---- onDisconnect ---------------------------------------------------------------------------

    private Hookline serverCountingDisconnects(AtomicInteger count, List<Integer> codes) {
        return Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public InboundMessage beforeHandleMessage(InboundMessage message, HookContext context) {
                if (message.frame().path("type").asText().equals("kick")) {
                    context.connection().orElseThrow().close(4403, "kicked");
                    throw new Reject(4403, "kicked");
                }
                return null;
            }

            @Override
            public void onDisconnect(Disconnect disconnect, HookContext context) {
                count.incrementAndGet();
                codes.add(disconnect.code());
            }
        });
    }

    private static void assertExactlyOnce(AtomicInteger count) {
        await().atMost(Duration.ofSeconds(3)).until(() -> count.get() >= 1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> count.get() == 1);
    }

    @Test
    void onDisconnectFiresOnceWhenTheClientCloses() {
        AtomicInteger count = new AtomicInteger();
        List<Integer> codes = new CopyOnWriteArrayList<>();
        server = serverCountingDisconnects(count, codes);

        WsClient client = WsClient.connectWelcomed(server.port());
        client.openOk("board");
        client.close();

        assertExactlyOnce(count);
        assertThat(codes).containsExactly(1000);
        await().atMost(Duration.ofSeconds(3)).until(() -> server.connectionCount() == 0);
    }

    @Test
    void onDisconnectFiresOnceWhenTheServerCloses() {
        AtomicInteger count = new AtomicInteger();
        List<Integer> codes = new CopyOnWriteArrayList<>();
        server = serverCountingDisconnects(count, codes);

        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.send(client.frame("kick"));
            assertThat(client.await("goodbye").get("code").asInt()).isEqualTo(4403);
            assertThat(client.awaitClose()).isEqualTo(4403);
        }

        assertExactlyOnce(count);
        assertThat(codes).containsExactly(4403);
    }

    @Test
    void onDisconnectFiresOnceWhenTheClientDropsTheConnection() throws Exception {
        AtomicInteger count = new AtomicInteger();
        List<Integer> codes = new CopyOnWriteArrayList<>();
        server = serverCountingDisconnects(count, codes);

        Net.RawSocket raw = new Net.RawSocket(URI.create("ws://127.0.0.1:" + server.port() + "/ws"));
        assertThat(raw.next().get("type").asText()).isEqualTo("welcome");
        raw.close(); // abort: no closing handshake

        assertExactlyOnce(count);
        await().atMost(Duration.ofSeconds(3)).until(() -> server.connectionCount() == 0);
    }

    // ---- beforeHandleMessage --------------------------------------------------------------------

    @Test
    void beforeHandleMessageSeesEveryFrameInOrder() {
        List<String> types = new CopyOnWriteArrayList<>();
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public InboundMessage beforeHandleMessage(InboundMessage message, HookContext context) {
                types.add(message.frame().path("type").asText());
                return null;
            }
        });

        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.openOk("board");
            client.send("{\"type\":\"pong\"}");
            assertThat(client.request(client.frame("nope")).get("code").asInt()).isEqualTo(4400);
            WsClient.ok(client.set("board", "a", TextNode.valueOf("b")));
        }

        assertThat(types).containsExactly("open", "pong", "nope", "set");
    }

    @Test
    void beforeHandleMessageRewritesTheFrameTheServerHandles() {
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public InboundMessage beforeHandleMessage(InboundMessage message, HookContext context) {
                JsonNode frame = message.frame();
                if (frame.path("type").asText().equals("hello")) {
                    ObjectNode open = Json.object().put("type", "open").put("id", frame.get("id").asLong())
                            .put("doc", "greeting-" + frame.path("name").asText());
                    return message.withFrame(open);
                }
                return null;
            }
        });

        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            JsonNode ack = client.request(client.frame("hello").put("name", "ann"));

            assertThat(ack.get("type").asText()).isEqualTo("ack");
            assertThat(ack.get("doc").asText()).isEqualTo("greeting-ann");
            // The document really is open on this connection now.
            WsClient.ok(client.set("greeting-ann", "said", TextNode.valueOf("hi")));
        }
    }

    @Test
    void beforeHandleMessageRejectAnswersWithAnErrorAndKeepsTheConnection() {
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public InboundMessage beforeHandleMessage(InboundMessage message, HookContext context) {
                if (message.frame().path("doc").asText().equals("secret")) {
                    throw new Reject(4403, "no access to secret");
                }
                return null;
            }
        });

        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            JsonNode error = client.open("secret", "");

            assertThat(error.get("type").asText()).isEqualTo("error");
            assertThat(error.get("code").asInt()).isEqualTo(4403);
            assertThat(error.get("reason").asText()).isEqualTo("no access to secret");
            assertThat(client.isClosed()).isFalse();
            client.openOk("public");
            WsClient.ok(client.set("public", "a", TextNode.valueOf("b")));
            assertThat(client.set("secret", "a", TextNode.valueOf("b")).get("code").asInt()).isEqualTo(4403);
        }
    }
}
