package dev.hookline.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.Stop;
import dev.hookline.api.client.ClientHooks;
import dev.hookline.api.client.DeleteRequest;
import dev.hookline.api.client.Goodbye;
import dev.hookline.api.client.Heartbeat;
import dev.hookline.api.client.SetRequest;
import dev.hookline.server.config.ServerConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One test (at least) per client hook, against a real server over real WebSockets. */
class ClientHooksTest extends ClientTestSupport {

    @Test
    void setHookRewritesPathValueAndMetaForTheServerAndSubscribers() {
        start();
        HooklineClient writer = client(new ClientHooks() {
            @Override
            public SetRequest set(SetRequest request) {
                ObjectNode value = ((ObjectNode) request.value()).deepCopy().put("checked", true);
                return request.withPath("cards/" + request.path()).withValue(value).withMeta(json("{'by':'hook'}"));
            }
        });
        HooklineClient reader = client();
        ClientDocument readerDoc = get(reader.open("board"));
        List<JsonNode> seen = new CopyOnWriteArrayList<>();
        List<ChangeInfo> infos = new CopyOnWriteArrayList<>();
        readerDoc.ref("cards").on((value, info) -> {
            seen.add(value.deepCopy());
            infos.add(info);
        });
        await().until(() -> seen.size() == 1);

        long version = get(get(writer.open("board")).ref("1").set(json("{'title':'a'}")));

        assertThat(version).isEqualTo(1);
        assertThat(serverValue("board", "cards/1")).isEqualTo(json("{'title':'a','checked':true}"));
        assertThat(serverValue("board", "1")).isEqualTo(MAPPER.nullNode());
        await().untilAsserted(() -> assertThat(seen).last().isEqualTo(json("{'1':{'title':'a','checked':true}}")));
        assertThat(infos.get(infos.size() - 1).metaByPath()).containsEntry("cards/1", json("{'by':'hook'}"));
        assertThat(infos.get(infos.size() - 1).changedPath()).isEqualTo("cards/1");
    }

    @Test
    void setHookThrowingDropsTheWriteAndFailsItsFutureWhileLaterWritesWork() {
        start();
        IllegalStateException refusal = new IllegalStateException("no bad words");
        HooklineClient client = client(new ClientHooks() {
            @Override
            public SetRequest set(SetRequest request) {
                if (request.value().asText().equals("bad")) {
                    throw refusal;
                }
                return null;
            }
        });
        ClientDocument doc = get(client.open("notes"));

        assertThat(failure(doc.ref("word").set(TextNode.valueOf("bad")))).isSameAs(refusal);
        long version = get(doc.ref("word").set(TextNode.valueOf("good")));

        assertThat(version).isEqualTo(1); // the dropped write consumed no version: it never reached the server
        assertThat(serverValue("notes", "word")).isEqualTo(TextNode.valueOf("good"));
    }

    @Test
    void stopEndsTheSetChainSuccessfullyWithItsRewrite() {
        start();
        List<String> calls = new CopyOnWriteArrayList<>();
        HooklineClient client = client(new ClientHooks() {
            @Override
            public int priority() {
                return 100;
            }

            @Override
            public SetRequest set(SetRequest request) {
                calls.add("later");
                return request.withValue(IntNode.valueOf(999));
            }
        }, new ClientHooks() {
            @Override
            public int priority() {
                return 200;
            }

            @Override
            public SetRequest set(SetRequest request) {
                calls.add("first");
                if (request.path().equals("keep")) {
                    throw new Stop(); // as it stands
                }
                throw Stop.with(request.withValue(IntNode.valueOf(1)));
            }
        });
        ClientDocument doc = get(client.open("d"));

        get(doc.ref("n").set(IntNode.valueOf(5)));
        get(doc.ref("keep").set(IntNode.valueOf(7)));

        assertThat(calls).containsExactly("first", "first");
        assertThat(serverValue("d", "n")).isEqualTo(IntNode.valueOf(1));
        assertThat(serverValue("d", "keep")).isEqualTo(IntNode.valueOf(7));
    }

    @Test
    void prioritiesOrderTheChainHigherFirstTiesInRegistrationOrder() {
        start();
        HooklineClient client = client(suffix(10, "low"), suffix(50, "high"), suffix(10, "low2"));
        ClientDocument doc = get(client.open("d"));

        get(doc.ref("s").set(TextNode.valueOf("x")));

        assertThat(serverValue("d", "s").asText()).isEqualTo("x+high+low+low2");
    }

    private static ClientHooks suffix(int priority, String suffix) {
        return new ClientHooks() {
            @Override
            public int priority() {
                return priority;
            }

            @Override
            public SetRequest set(SetRequest request) {
                return request.withValue(TextNode.valueOf(request.value().asText() + "+" + suffix));
            }
        };
    }

    @Test
    void deleteHookRewritesThePathAndCanDropTheDelete() {
        start();
        HooklineClient client = client(new ClientHooks() {
            @Override
            public DeleteRequest delete(DeleteRequest request) {
                if (request.path().equals("locked")) {
                    throw new IllegalArgumentException("locked");
                }
                return request.withPath("trash/" + request.path());
            }
        });
        ClientDocument doc = get(client.open("d"));
        get(doc.ref("").set(json("{'a':1,'locked':2,'trash':{'a':3}}")));

        get(doc.ref("a").delete());

        assertThat(serverValue("d", "")).isEqualTo(json("{'a':1,'locked':2,'trash':{}}"));
        assertThat(failure(doc.ref("locked").delete())).isInstanceOf(IllegalArgumentException.class);
        assertThat(serverValue("d", "locked")).isEqualTo(IntNode.valueOf(2));
    }

    @Test
    void firstConnectRunsOnceAndReconnectGetsTheAttemptsAfterAServerSideClose() {
        start();
        AtomicInteger first = new AtomicInteger();
        List<Integer> reconnects = new CopyOnWriteArrayList<>();
        HooklineClient client = client(new ClientHooks() {
            @Override
            public void firstConnect() {
                first.incrementAndGet();
            }

            @Override
            public void reconnect(int attempts) {
                reconnects.add(attempts);
            }
        });
        assertThat(first).hasValue(1);
        String before = client.connectionId();

        kick(client, 4408, "kicked");

        await().until(() -> reconnects.size() == 1);
        await().until(() -> client.status() == Status.OPEN);
        assertThat(reconnects.get(0)).isGreaterThanOrEqualTo(1);
        assertThat(client.connectionId()).isNotEqualTo(before);
        assertThat(first).hasValue(1);
        ClientDocument doc = get(client.open("after"));
        assertThat(get(doc.ref("x").set(IntNode.valueOf(1)))).isEqualTo(1);
    }

    @Test
    void serverDisconnectMessageGetsTheGoodbyeBeforeDisconnectGetsTheCloseCode() {
        start();
        List<String> events = new CopyOnWriteArrayList<>();
        HooklineClient client = client(recorder(events));

        kick(client, 4403, "go away");

        await().until(() -> events.size() >= 2);
        assertThat(events.subList(0, 2)).containsExactly("goodbye 4403 go away", "disconnect 4403 go away");
    }

    @Test
    void disconnectGetsTheServersShutdownCodeAndTheClientsOwnClose() {
        start();
        List<String> events = new CopyOnWriteArrayList<>();
        HooklineClient client = client(recorder(events));

        server.stop();
        await().until(() -> events.contains("disconnect 1001 server shutting down"));
        assertThat(events).startsWith("goodbye 1001 server shutting down", "disconnect 1001 server shutting down");

        start();
        List<String> second = new CopyOnWriteArrayList<>();
        HooklineClient other = client(recorder(second));
        other.close();
        assertThat(second).containsExactly("disconnect 1000 client closed");
        assertThat(other.status()).isEqualTo(Status.CLOSED);
        client.close();
    }

    private static ClientHooks recorder(List<String> events) {
        return new ClientHooks() {
            @Override
            public void serverDisconnectMessage(Goodbye goodbye) {
                events.add("goodbye " + goodbye.code() + " " + goodbye.reason());
            }

            @Override
            public void disconnect(int code, String reason) {
                events.add("disconnect " + code + " " + reason);
            }
        };
    }

    @Test
    void heartbeatRewritesThePongPayloadTheServerSees() {
        List<JsonNode> pongs = new CopyOnWriteArrayList<>();
        start(ServerConfig.DEFAULTS.withAddress("127.0.0.1", 0)
                        .withKeepAlive(Duration.ofMillis(200), Duration.ofSeconds(5)),
                new ServerHooks() {
                    @Override
                    public void onHeartbeat(dev.hookline.api.payload.Heartbeat heartbeat, HookContext context) {
                        pongs.add(heartbeat.payload());
                    }
                });
        List<JsonNode> pings = new CopyOnWriteArrayList<>();
        client(new ClientHooks() {
            @Override
            public Heartbeat heartbeat(Heartbeat heartbeat) {
                pings.add(heartbeat.ping());
                ObjectNode pong = MAPPER.createObjectNode().put("client", "java");
                pong.set("echo", heartbeat.pong());
                return heartbeat.withPong(pong);
            }
        });

        await().until(() -> !pongs.isEmpty());
        JsonNode pong = pongs.get(0);
        assertThat(pong.path("client").asText()).isEqualTo("java");
        assertThat(pong.path("echo").has("time")).isTrue();
        assertThat(pings).contains(pong.get("echo"));
    }
}
