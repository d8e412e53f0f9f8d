package dev.hookline.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hookline.api.Connection;
import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Destroy;
import dev.hookline.api.payload.Disconnect;
import dev.hookline.api.payload.StoreDocument;
import dev.hookline.server.Hookline;
import dev.hookline.server.config.ServerConfig;
import dev.hookline.server.testsupport.WsClient;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A graceful stop: goodbye and 1001 for every socket, onDisconnect each, documents stored, then onDestroy. */
class ShutdownTest {

    private Hookline server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void stopSaysGoodbyeClosesWith1001StoresDocumentsThenDestroys() {
        List<String> events = new CopyOnWriteArrayList<>();
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public void onDisconnect(Disconnect disconnect, HookContext context) {
                events.add("disconnect " + context.connection().map(Connection::id).orElse("?") + " "
                        + disconnect.code());
            }

            @Override
            public void onStoreDocument(StoreDocument store, HookContext context) {
                events.add("store " + store.document() + " v" + store.version() + " " + store.state());
            }

            @Override
            public void onDestroy(Destroy destroy, HookContext context) {
                events.add("destroy");
            }
        });
        int port = server.port();
        WsClient ann = WsClient.connect(port);
        WsClient bob = WsClient.connect(port);
        try {
            String annId = ann.await("welcome").get("conn").asText();
            String bobId = bob.await("welcome").get("conn").asText();
            ann.openOk("board");
            bob.openOk("board");
            WsClient.ok(ann.set("board", "title", TextNode.valueOf("unsaved")));
            assertThat(events).isEmpty(); // stores are debounced: nothing stored yet

            server.stop();

            for (WsClient client : List.of(ann, bob)) {
                JsonNode goodbye = client.await("goodbye");
                assertThat(goodbye.get("code").asInt()).isEqualTo(1001);
                assertThat(goodbye.get("reason").asText()).isNotEmpty();
                assertThat(client.awaitClose()).isEqualTo(1001);
            }
            // The last leave and the shutdown flush race to store the document: it is stored once,
            // possibly before the last onDisconnect, and always before onDestroy, which comes last.
            assertThat(events).containsExactlyInAnyOrder("disconnect " + annId + " 1001",
                    "disconnect " + bobId + " 1001", "store board v1 {\"title\":\"unsaved\"}", "destroy");
            assertThat(events.get(events.size() - 1)).isEqualTo("destroy");
            assertThat(server.connectionCount()).isZero();
        } finally {
            ann.close();
            bob.close();
        }

        assertThatThrownBy(() -> WsClient.connect(port)).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    @Test
    void aClientThatNeverAnswersTheCloseDoesNotHoldTheStopPastTheGrace() {
        List<String> events = new CopyOnWriteArrayList<>();
        ServerConfig oneSecondGrace = ServerConfig.DEFAULTS.withAddress("127.0.0.1", 0)
                .withShutdownGrace(Duration.ofSeconds(1));
        server = Net.start(oneSecondGrace, new ServerHooks() {
            @Override
            public void onDisconnect(Disconnect disconnect, HookContext context) {
                events.add("disconnect");
            }

            @Override
            public void onStoreDocument(StoreDocument store, HookContext context) {
                events.add("store " + store.document());
            }

            @Override
            public void onDestroy(Destroy destroy, HookContext context) {
                events.add("destroy");
            }
        });
        try (WsClient deaf = WsClient.connectWelcomed(server.port())) {
            deaf.openOk("notes");
            WsClient.ok(deaf.set("notes", "n", TextNode.valueOf("1")));
            deaf.stopReading();

            long started = System.nanoTime();
            server.stop();

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
            assertThat(events).containsExactlyInAnyOrder("disconnect", "store notes", "destroy");
            assertThat(events.get(events.size() - 1)).isEqualTo("destroy");
        }
    }

    @Test
    void stopWithoutConnectionsStillStoresAndDestroysOnce() {
        List<String> events = new CopyOnWriteArrayList<>();
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public void onDisconnect(Disconnect disconnect, HookContext context) {
                events.add("disconnect");
            }

            @Override
            public void onDestroy(Destroy destroy, HookContext context) {
                events.add("destroy");
            }
        });
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.openOk("x");
        }
        org.awaitility.Awaitility.await().until(() -> server.connectionCount() == 0);

        server.stop();
        server.stop();

        assertThat(events).containsExactly("disconnect", "destroy");
    }
}
