package dev.hookline.server.hooks;

import static dev.hookline.server.testsupport.TestPlugins.plugin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.server.observe.Scrape;
import dev.hookline.server.testsupport.ServerProcess;
import dev.hookline.server.testsupport.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin whose hook spins ignoring interrupts, called from more connections than the machine
 * has cores, in a server JVM of its own started as operators start it ({@code Main}): every
 * spinning call pins a virtual-thread carrier. The server must keep serving (it lends the JDK's
 * scheduler a carrier per spinning call), answer each caller with 4504 at its deadline while the
 * hook still spins, refuse further calls of the hook at once while it is overdue, and measure the
 * spinning calls.
 */
class SpinningHookTest {

    /** How long the plugin's hook spins: bounded, and the JVM is killed after the test anyway. */
    private static final long SPIN_SECONDS = 8;
    private static final String[] SPINNER = {"hook", "onUpdate", "plugin", "spinner"};

    @TempDir
    Path dir;

    private ServerProcess server;
    private final List<WsClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(WsClient::close);
        if (server != null) {
            server.close();
        }
    }

    private WsClient client() {
        WsClient client = WsClient.connectWelcomed(server.port());
        clients.add(client);
        return client;
    }

    private double metric(String name, String... labels) {
        return Scrape.value(server.get("/metrics").body(), name, labels);
    }

    @Test
    void spinningCallsOnMoreConnectionsThanCoresLeaveTheServerServingAndAreAnsweredQuarantinedAndMeasured()
            throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        plugin("spinner", 100, """
                    @Override
                    public Update onUpdate(Update update, HookContext context) {
                        if (update.path().equals("spin")) {
                            // Busy and deaf to interrupts, as a buggy plugin would be; bounded so it ends.
                            long until = System.nanoTime() + %d_000_000_000L;
                            long spins = 0;
                            while (System.nanoTime() < until) {
                                spins++;
                            }
                            Probe.put("spins", spins);
                        }
                        return null;
                    }
                """.formatted(SPIN_SECONDS)).writeTo(plugins);
        server = ServerProcess.start(dir, Map.of(), "--plugins", plugins.toString(),
                "--set", "plugin.spinner.timeout=3s");
        int spinning = Runtime.getRuntime().availableProcessors() + 1; // more than the default carriers

        List<WsClient> spinners = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < spinning; i++) {
            WsClient spinner = client();
            spinner.openOk("trap-" + i);
            spinners.add(spinner);
        }
        WsClient other = client();
        other.openOk("calm");
        for (int i = 0; i < spinning; i++) {
            ObjectNode write = spinners.get(i).frame("set").put("doc", "trap-" + i).put("path", "spin").put("value", 1);
            ids.add(write.get("id").asLong());
            spinners.get(i).send(write);
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> metric("hookline_hook_calls_total", SPINNER) == spinning);

        // Every spinning call holds a carrier, and another client on another document is served.
        assertThat(WsClient.ok(other.set("calm", "before", JsonNodeFactory.instance.numberNode(1))).get("version").asLong())
                .isEqualTo(1);
        assertThat(server.get("/health").statusCode()).isEqualTo(200);
        // ... because the server lends the scheduler a carrier for each spinning call.
        await().atMost(Duration.ofSeconds(2)).until(() -> metric("hookline_hook_carriers_lent") == spinning);

        // At the deadline each caller gets its 4504 while its hook still spins (the hook is overdue).
        for (int i = 0; i < spinning; i++) {
            long id = ids.get(i);
            JsonNode error = spinners.get(i).await(f -> f.path("id").asLong(-1) == id, "the 4504 for the spinning write");
            assertThat(error.get("code").asInt()).as("%s", error).isEqualTo(4504);
            assertThat(error.get("doc").asText()).isEqualTo("trap-" + i);
        }
        assertThat(metric("hookline_hook_overdue", SPINNER)).as("calls still spinning").isEqualTo(spinning);
        assertThat(metric("hookline_hook_timeouts_total", SPINNER)).isEqualTo(spinning);

        // While it is overdue, the hook is quarantined: a new call fails at once, without running it.
        JsonNode refused = other.set("calm", "during", JsonNodeFactory.instance.numberNode(2));
        assertThat(refused.get("code").asInt()).as("%s", refused).isEqualTo(4504);
        assertThat(refused.get("reason").asText()).contains("quarantined");
        assertThat(metric("hookline_hook_quarantined_total", SPINNER)).isEqualTo(1);
        assertThat(server.get("/health").statusCode()).isEqualTo(200);

        // The spins end: the hook is reinstated, and the spinning calls are in its durations.
        await().atMost(Duration.ofSeconds(SPIN_SECONDS + 10)).until(() -> metric("hookline_hook_overdue", SPINNER) == 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> metric("hookline_hook_carriers_lent") == 0);
        assertThat(metric("hookline_hook_duration_max_seconds", SPINNER)).isGreaterThan(SPIN_SECONDS - 1.0);
        assertThat(WsClient.ok(other.set("calm", "after", JsonNodeFactory.instance.numberNode(3))).get("version").asLong())
                .isEqualTo(2);
        // Each spinning write got one answer: the late one, when its hook returned, was not sent again.
        for (int i = 0; i < spinning; i++) {
            long id = ids.get(i);
            assertThat(spinners.get(i).collect(f -> f.path("id").asLong(-1) == id, Duration.ofMillis(300))).isEmpty();
            WsClient.ok(spinners.get(i).set("trap-" + i, "fine", JsonNodeFactory.instance.numberNode(4)));
        }
    }
}
