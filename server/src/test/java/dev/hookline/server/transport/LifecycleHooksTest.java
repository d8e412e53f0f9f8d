package dev.hookline.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Configure;
import dev.hookline.api.payload.Destroy;
import dev.hookline.api.payload.Listen;
import dev.hookline.api.payload.StoreDocument;
import dev.hookline.api.payload.UnloadDocument;
import dev.hookline.server.Hookline;
import dev.hookline.server.testsupport.WsClient;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** onConfigure, onListen and onDestroy on a real server. */
class LifecycleHooksTest {

    private Hookline server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void onConfigureSeesTheConfigurationAndItsRewriteIsEnforced() {
        AtomicReference<JsonNode> seen = new AtomicReference<>();
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public Configure onConfigure(Configure configure, HookContext context) {
                seen.set(configure.config());
                ObjectNode rewritten = configure.config().deepCopy();
                rewritten.set("maxOpenDocuments", IntNode.valueOf(1));
                return configure.withConfig(rewritten);
            }
        });

        assertThat(seen.get().get("host").asText()).isEqualTo("127.0.0.1");
        assertThat(seen.get().get("maxOpenDocuments").asInt()).isEqualTo(64);
        assertThat(server.config().maxOpenDocuments()).isEqualTo(1);
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.openOk("first");
            JsonNode second = client.open("second", "");
            assertThat(second.get("type").asText()).isEqualTo("error");
            assertThat(second.get("code").asInt()).isEqualTo(4429);
        }
    }

    @Test
    void onConfigureCanMoveTheWebSocketPath() throws Exception {
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public Configure onConfigure(Configure configure, HookContext context) {
                ObjectNode rewritten = configure.config().deepCopy();
                rewritten.put("webSocketPath", "/live");
                return configure.withConfig(rewritten);
            }
        });

        assertThat(server.config().webSocketPath()).isEqualTo("/live");
        try (Net.RawSocket live = new Net.RawSocket(URI.create("ws://127.0.0.1:" + server.port() + "/live"))) {
            assertThat(live.next().get("type").asText()).isEqualTo("welcome");
        }
        // The old path is no WebSocket endpoint any more: the handshake lands on the HTTP routes.
        assertThat(Net.refusedHandshakeStatus(URI.create("ws://127.0.0.1:" + server.port() + "/ws"))).isEqualTo(404);
    }

    @Test
    void onConfigureRejectFailsTheStartWithTheReason() {
        AtomicInteger listens = new AtomicInteger();
        assertThatThrownBy(() -> Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public Configure onConfigure(Configure configure, HookContext context) {
                throw new Reject(4403, "config vetoed by policy");
            }

            @Override
            public void onListen(Listen listen, HookContext context) {
                listens.incrementAndGet();
            }
        })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("onConfigure")
                .hasMessageContaining("config vetoed by policy");
        assertThat(listens).hasValue(0);
    }

    @Test
    void onListenSeesTheRealPort() {
        List<Listen> listens = new CopyOnWriteArrayList<>();
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public void onListen(Listen listen, HookContext context) {
                listens.add(listen);
            }
        });

        assertThat(listens).hasSize(1);
        assertThat(listens.get(0).port()).isPositive().isEqualTo(server.port());
        assertThat(listens.get(0).host()).isEqualTo("127.0.0.1");
    }

    @Test
    void onListenRejectFailsTheStartAndReleasesThePort() {
        AtomicInteger boundPort = new AtomicInteger();
        assertThatThrownBy(() -> Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public void onListen(Listen listen, HookContext context) {
                boundPort.set(listen.port());
                throw new Reject(4503, "not today");
            }
        })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("onListen")
                .hasMessageContaining("not today");

        assertThat(boundPort.get()).isPositive();
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", boundPort.get()), 2000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    @Test
    void onDestroyRunsOnceAtStopAfterTheDocumentsWereStored() {
        List<String> events = new CopyOnWriteArrayList<>();
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public void onStoreDocument(StoreDocument store, HookContext context) {
                events.add("store " + store.document() + " v" + store.version() + " " + store.state());
            }

            @Override
            public void beforeUnloadDocument(UnloadDocument unload, HookContext context) {
                throw new Reject(4409, "keep it in memory"); // so only the shutdown can store it
            }

            @Override
            public void onDestroy(Destroy destroy, HookContext context) {
                events.add("destroy");
            }
        });
        server.api().set("pinned", "title", com.fasterxml.jackson.databind.node.TextNode.valueOf("kept"));
        await().atMost(Duration.ofSeconds(3)).until(() -> server.documentCount() == 1);
        assertThat(events).isEmpty();

        server.stop();

        assertThat(events).containsExactly("store pinned v1 {\"title\":\"kept\"}", "destroy");
        server.stop(); // idempotent: onDestroy does not run twice
        assertThat(events).containsOnlyOnce("destroy");
    }
}
