package dev.hookline.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Disconnect;
import dev.hookline.api.payload.Stateless;
import dev.hookline.server.Hookline;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.hooks.PluginSettings;
import dev.hookline.server.testsupport.WsClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hook that ignores the interrupt at its deadline and keeps running: its caller is answered
 * with 4504 at once, its connection is closed with a goodbye at the stuck threshold, and the
 * frames queued behind it are never applied.
 */
class StuckHookTest {

    /** The spinning hook runs while this is set; every test clears it, so no thread is left spinning. */
    private static volatile boolean spinning;
    private static final AtomicInteger returned = new AtomicInteger();
    private static final Map<String, Integer> disconnects = new ConcurrentHashMap<>();

    /** Spins on a stateless message "spin", deaf to interrupts. Writes go through other hooks. */
    public static final class Spinner implements ServerHooks {
        @Override
        public Stateless onStateless(Stateless stateless, HookContext context) {
            if (stateless.payload().asText().equals("spin")) {
                while (spinning) {
                    Thread.onSpinWait();
                }
                returned.incrementAndGet();
            }
            return null;
        }

        @Override
        public void onDisconnect(Disconnect disconnect, HookContext context) {
            disconnects.put(context.connection().orElseThrow().id(), disconnect.code());
        }
    }

    private Hookline server;

    @AfterEach
    void stop() {
        spinning = false;
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void theCallerGets4504AtTheDeadlineItsConnectionGetsAGoodbyeWhenStuckAndWhatWasQueuedIsNotApplied() {
        spinning = true;
        server = Net.start(Net.LOOPBACK, new HookEngine.Options(Duration.ofMillis(300), Duration.ofMillis(50),
                Duration.ofSeconds(1), 64, id -> PluginSettings.DEFAULTS), new Spinner());
        try (WsClient client = WsClient.connect(server.port())) {
            String conn = client.await("welcome").get("conn").asText();
            client.openOk("trap");
            ObjectNode spin = client.frame("stateless").put("doc", "trap").put("payload", "spin");
            long id = spin.get("id").asLong();
            client.send(spin);
            ObjectNode queued = client.frame("set").put("doc", "trap").put("path", "after").put("value", 1);
            client.send(queued);

            JsonNode error = client.await(f -> f.path("id").asLong(-1) == id, "the answer to the spinning message");
            assertThat(error.get("code").asInt()).as("%s", error).isEqualTo(4504);
            assertThat(error.get("doc").asText()).isEqualTo("trap");
            assertThat(returned.get()).as("the hook still spins").isZero();
            Net.assertServesOthers(server);
            assertThat(Net.http(server.port(), "GET", "/health").statusCode()).isEqualTo(200);

            JsonNode goodbye = client.await("goodbye");
            assertThat(goodbye.get("code").asInt()).isEqualTo(4504);
            assertThat(client.awaitClose()).isEqualTo(4504);
            assertThat(returned.get()).as("the hook still spins").isZero();

            spinning = false;
            await().atMost(Duration.ofSeconds(5)).until(() -> returned.get() == 1 && disconnects.containsKey(conn));
            assertThat(disconnects.get(conn)).isEqualTo(4504);
            assertThat(server.api().get("trap", "after")).as("the write queued behind the stuck hook").isEmpty();
        }
    }
}
