package dev.hookline.server.observe;

import static dev.hookline.server.observe.Scrape.get;
import static dev.hookline.server.observe.Scrape.value;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.Stop;
import dev.hookline.api.payload.Update;
import dev.hookline.server.Hookline;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.testsupport.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What {@code /metrics} says about slow hook calls and about a {@code Stop} with the wrong payload. */
class HookMeasurementTest {

    /** Takes 400 ms on "slow"; answers a Stop with a payload that is not an Update on "wrong". */
    public static final class Hooks implements ServerHooks {
        @Override
        public Update onUpdate(Update update, HookContext context) throws InterruptedException {
            switch (update.path()) {
                case "slow" -> Thread.sleep(400);
                case "wrong" -> throw Stop.with("not an update");
                default -> {
                }
            }
            return null;
        }
    }

    private static final String[] ON_UPDATE = {"hook", "onUpdate", "class", Hooks.class.getName()};

    private Hookline server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private void start() {
        // Sampling practically never picks a call: only what is measured regardless shows.
        server = Hookline.builder().host("127.0.0.1").port(0).classpathHooks(false)
                .engineOptions(HookEngine.Options.DEFAULTS.withTimingSample(1 << 30)).hooks(new Hooks()).start();
    }

    @Test
    void aSlowCallIsMeasuredEvenWhenItIsNotSampled() {
        start();
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.openOk("d");
            WsClient.ok(client.set("d", "slow", JsonNodeFactory.instance.numberNode(1)));
        }
        String metrics = get(server.port(), "/metrics").body();
        assertThat(value(metrics, "hookline_hook_duration_max_seconds", ON_UPDATE)).isGreaterThan(0.3);
        assertThat(value(metrics, "hookline_hook_duration_seconds_count", ON_UPDATE)).isEqualTo(1);
        assertThat(value(metrics, "hookline_hook_duration_seconds_sum", ON_UPDATE)).isGreaterThan(0.3);
    }

    @Test
    void aStopWithAPayloadOfTheWrongTypeCountsOnceAsAnError() {
        start();
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.openOk("d");
            JsonNode error = client.set("d", "wrong", JsonNodeFactory.instance.numberNode(1));
            assertThat(error.get("code").asInt()).as("%s", error).isEqualTo(4500);
        }
        String metrics = get(server.port(), "/metrics").body();
        assertThat(value(metrics, "hookline_hook_errors_total", ON_UPDATE)).isEqualTo(1);
        assertThat(value(metrics, "hookline_hook_stops_total", ON_UPDATE)).isZero();
    }
}
