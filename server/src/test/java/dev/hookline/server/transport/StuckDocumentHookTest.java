package dev.hookline.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Change;
import dev.hookline.api.payload.LoadDocument;
import dev.hookline.server.Hookline;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.hooks.PluginSettings;
import dev.hookline.server.testsupport.WsClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hook on a document's lane (onChange, onLoadDocument) that ignores the interrupt at its
 * deadline and keeps running: the request waiting on it is answered 4504 at once, while the hook
 * still runs, and gets no second answer when it returns; the change is not applied.
 */
class StuckDocumentHookTest {

    /** The spinning hooks run while this is set; every test clears it, so no thread is left spinning. */
    private static volatile boolean spinning;
    private static final AtomicInteger returned = new AtomicInteger();

    /** Spins on a change whose value is "spin", and on loading a document named "stuck-load*". */
    public static final class Spinner implements ServerHooks {
        @Override
        public void onChange(Change change, HookContext context) {
            if (change.value() != null && change.value().asText().equals("spin")) {
                spin();
            }
        }

        @Override
        public LoadDocument onLoadDocument(LoadDocument load, HookContext context) {
            if (load.document().startsWith("stuck-load")) {
                spin();
            }
            return null;
        }

        private static void spin() {
            while (spinning) {
                Thread.onSpinWait();
            }
            returned.incrementAndGet();
        }
    }

    private Hookline server;

    @BeforeEach
    void start() {
        spinning = true;
        returned.set(0);
        server = Net.start(Net.LOOPBACK, new HookEngine.Options(Duration.ofMillis(300), Duration.ofMillis(50),
                Duration.ofSeconds(30), 64, id -> PluginSettings.DEFAULTS), new Spinner());
    }

    @AfterEach
    void stop() {
        spinning = false;
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aWriteWhoseOnChangeSpinsIsAnswered4504WhileItSpinsOnceAndNotApplied() {
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.openOk("trap");
            WsClient.ok(client.set("trap", "before", IntNode.valueOf(1)));

            JsonNode error = client.set("trap", "x", TextNode.valueOf("spin"));

            assertThat(error.get("type").asText()).as("%s", error).isEqualTo("error");
            assertThat(error.get("code").asInt()).isEqualTo(4504);
            assertThat(error.get("doc").asText()).isEqualTo("trap");
            assertThat(returned.get()).as("the hook still spins").isZero();
            // The rest of the server is served meanwhile (writes are not: onChange is quarantined).
            try (WsClient other = WsClient.connectWelcomed(server.port())) {
                other.openOk("elsewhere");
                WsClient.ok(other.subscribe("elsewhere", "a"));
            }
            assertThat(Net.http(server.port(), "GET", "/health").statusCode()).isEqualTo(200);

            long id = error.get("id").asLong();
            spinning = false;
            await().atMost(Duration.ofSeconds(5)).until(() -> returned.get() == 1);
            // The late answer is dropped: one answer per request.
            assertThat(client.collect(f -> f.path("id").asLong(-1) == id, Duration.ofMillis(500))).isEmpty();
            assertThat(server.api().get("trap", "x")).as("the change whose hook overran").isEmpty();
            WsClient.ok(client.set("trap", "after", IntNode.valueOf(2)));
            assertThat(server.api().get("trap", "before")).contains(IntNode.valueOf(1));
        }
    }

    @Test
    void anOpenWhoseLoadSpinsIsAnswered4504WhileItSpinsAndSoAreOpensAfterItUntilTheLoadHasFailed() {
        try (WsClient first = WsClient.connectWelcomed(server.port());
             WsClient second = WsClient.connectWelcomed(server.port())) {
            second.openOk("calm");
            JsonNode error = first.open("stuck-load-1", "");

            assertThat(error.get("type").asText()).as("%s", error).isEqualTo("error");
            assertThat(error.get("code").asInt()).isEqualTo(4504);
            assertThat(returned.get()).as("the load hook still spins").isZero();
            // Another open of the same document does not pile up behind the stuck load.
            JsonNode again = second.open("stuck-load-1", "");
            assertThat(again.get("code").asInt()).as("%s", again).isEqualTo(4504);
            // Documents already in memory are served meanwhile (loads are not: onLoadDocument is quarantined).
            WsClient.ok(second.set("calm", "still", IntNode.valueOf(1)));
            assertThat(Net.http(server.port(), "GET", "/health").statusCode()).isEqualTo(200);

            spinning = false;
            await().atMost(Duration.ofSeconds(5)).until(() -> returned.get() == 1);
            // Once the load has failed closed, the document is forgotten and loads afresh.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(
                    () -> assertThat(second.open("stuck-load-1", "").get("type").asText()).isEqualTo("ack"));
        }
    }
}
