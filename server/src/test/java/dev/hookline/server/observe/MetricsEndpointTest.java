package dev.hookline.server.observe;

import static dev.hookline.server.observe.Scrape.get;
import static dev.hookline.server.observe.Scrape.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.StoreDocument;
import dev.hookline.api.payload.Update;
import dev.hookline.server.Hookline;
import dev.hookline.server.protocol.Json;
import dev.hookline.server.testsupport.WsClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} over real HTTP, with values moved by real WebSocket traffic. */
class MetricsEndpointTest {

    /** Counts nothing itself: the engine counts its calls. Stores succeed. */
    public static final class WriteHooks implements ServerHooks {
        @Override
        public Update onUpdate(Update update, HookContext context) {
            return null;
        }

        @Override
        public void onStoreDocument(StoreDocument store, HookContext context) {
        }
    }

    /** Fails on writes to paths starting with "boom": each failure is an error (4500). */
    public static final class FailingHooks implements ServerHooks {
        @Override
        public int priority() {
            return 50; // after WriteHooks
        }

        @Override
        public Update onUpdate(Update update, HookContext context) {
            if (update.path().startsWith("boom")) {
                throw new IllegalStateException("boom (thrown on purpose by the test)");
            }
            return null;
        }
    }

    private static final String WRITE = WriteHooks.class.getName();
    private static final String FAILING = FailingHooks.class.getName();

    private Hookline server;
    private final List<WsClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(WsClient::close);
        if (server != null) {
            server.stop();
        }
    }

    private Hookline start(boolean metrics) {
        server = Hookline.builder().host("127.0.0.1").port(0).classpathHooks(false).metricsEnabled(metrics)
                .hooks(new WriteHooks(), new FailingHooks()).start();
        return server;
    }

    private WsClient client() {
        WsClient client = WsClient.connectWelcomed(server.port());
        clients.add(client);
        return client;
    }

    private String scrape() {
        HttpResponse<String> response = get(server.port(), "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    @Test
    void answersInThePrometheusTextFormat() {
        start(true);
        HttpResponse<String> response = get(server.port(), "/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body())
                .contains("# TYPE hookline_frames_in_total counter")
                .contains("# TYPE hookline_connections gauge")
                .contains("# TYPE hookline_broadcast_recipients summary")
                .contains("jvm_memory_used_bytes")
                .contains("process_cpu_usage");
        // Hook meters exist from the start for every installed (hook, plugin, class).
        assertThat(value(response.body(), "hookline_hook_calls_total", "hook", "onUpdate", "plugin", "app",
                "class", WRITE)).isZero();
        assertThat(server.meterRegistry()).isInstanceOf(PrometheusMeterRegistry.class);
    }

    @Test
    void aWatchedPluginsFolderCountsItsFailedScans(@TempDir Path plugins) {
        server = Hookline.builder().host("127.0.0.1").port(0).classpathHooks(false).pluginsDirectory(plugins).start();

        assertThat(scrape()).contains("# TYPE hookline_plugin_scan_failures_total counter");
        assertThat(value(scrape(), "hookline_plugin_scan_failures_total")).isZero();
    }

    @Test
    void openMetricsWhenAskedFor() {
        start(true);
        HttpResponse<String> response = get(server.port(), "/metrics", "Accept", "application/openmetrics-text");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElseThrow()).startsWith("application/openmetrics-text");
        assertThat(response.body()).contains("hookline_frames_in_total").endsWith("# EOF\n");
    }

    @Test
    void trafficMovesTheMeters() {
        start(true);
        String before = scrape();
        assertThat(value(before, "hookline_connections")).isZero();
        assertThat(value(before, "hookline_documents")).isZero();
        double framesInBefore = value(before, "hookline_frames_in_total");
        double framesOutBefore = value(before, "hookline_frames_out_total");

        WsClient writer = client();
        WsClient reader = client();
        writer.openOk("board");
        reader.openOk("board");
        WsClient.ok(reader.subscribe("board", ""));
        WsClient.ok(writer.set("board", "title", Json.MAPPER.getNodeFactory().textNode("hello")));
        WsClient.ok(writer.set("board", "n", Json.MAPPER.getNodeFactory().numberNode(2)));
        JsonNode failed = writer.set("board", "boom", Json.MAPPER.getNodeFactory().numberNode(1));
        assertThat(failed.path("type").asText()).isEqualTo("error");
        assertThat(failed.path("code").asInt()).isEqualTo(4500);

        String during = scrape();
        assertThat(value(during, "hookline_connections")).isEqualTo(2);
        assertThat(value(during, "hookline_documents")).isEqualTo(1);
        // open x2, sub, set x3: six frames in at least
        assertThat(value(during, "hookline_frames_in_total")).isGreaterThanOrEqualTo(framesInBefore + 6);
        // welcome x2, acks, snapshot, two changes to the reader
        assertThat(value(during, "hookline_frames_out_total")).isGreaterThanOrEqualTo(framesOutBefore + 9);
        assertThat(value(during, "hookline_bytes_out_total")).isGreaterThan(100);
        // two applied changes, each to one subscriber
        assertThat(value(during, "hookline_broadcast_recipients_count")).isEqualTo(2);
        assertThat(value(during, "hookline_broadcast_recipients_sum")).isEqualTo(2);
        assertThat(value(during, "hookline_broadcast_recipients_max")).isEqualTo(1);
        // onUpdate ran three times in WriteHooks, three in FailingHooks, whose last call failed
        assertThat(value(during, "hookline_hook_calls_total", "hook", "onUpdate", "plugin", "app", "class", WRITE))
                .isEqualTo(3);
        assertThat(value(during, "hookline_hook_calls_total", "hook", "onUpdate", "plugin", "app", "class", FAILING))
                .isEqualTo(3);
        assertThat(value(during, "hookline_hook_errors_total", "hook", "onUpdate", "plugin", "app", "class", FAILING))
                .isEqualTo(1);
        assertThat(value(during, "hookline_hook_errors_total", "hook", "onUpdate", "plugin", "app", "class", WRITE))
                .isZero();
        assertThat(value(during, "hookline_hook_rejects_total", "hook", "onUpdate", "plugin", "app", "class", FAILING))
                .isZero();
        assertThat(value(during, "hookline_hook_timeouts_total", "hook", "onUpdate", "plugin", "app", "class", FAILING))
                .isZero();
        assertThat(value(during, "hookline_hook_duration_seconds_count", "hook", "onUpdate", "plugin", "app",
                "class", WRITE)).isGreaterThanOrEqualTo(0);
        assertThat(value(during, "hookline_hook_duration_max_seconds", "hook", "onUpdate", "plugin", "app",
                "class", WRITE)).isGreaterThanOrEqualTo(0);
        assertThat(value(during, "hookline_stores_total", "result", "stored")).isZero();

        // The last leave stores the document, then unloads it.
        WsClient.ok(writer.request(writer.frame("leave").put("doc", "board")));
        WsClient.ok(reader.request(reader.frame("leave").put("doc", "board")));
        await().atMost(Duration.ofSeconds(5)).until(() -> value(scrape(), "hookline_documents") == 0);

        String after = scrape();
        assertThat(value(after, "hookline_stores_total", "result", "stored")).isEqualTo(1);
        assertThat(value(after, "hookline_stores_total", "result", "failed")).isZero();
        assertThat(value(after, "hookline_store_duration_seconds_count")).isEqualTo(1);
        assertThat(value(after, "hookline_store_duration_seconds_sum")).isGreaterThan(0);
        assertThat(value(after, "hookline_hook_calls_total", "hook", "onStoreDocument", "plugin", "app", "class", WRITE))
                .isEqualTo(1);

        writer.close();
        reader.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> value(scrape(), "hookline_connections") == 0);
    }

    @Test
    void hookMetersAppearForHooksInstalledLater() {
        start(true);
        assertThat(value(scrape(), "hookline_hook_calls_total", "hook", "onStateless", "plugin", "late")).isEqualTo(-1);

        server.engine().install(dev.hookline.server.hooks.HookSource.of("late", new ServerHooks() {
            @Override
            public dev.hookline.api.payload.Stateless onStateless(dev.hookline.api.payload.Stateless message,
                                                                 HookContext context) {
                return null;
            }
        }));

        assertThat(value(scrape(), "hookline_hook_calls_total", "hook", "onStateless", "plugin", "late")).isZero();
    }

    @Test
    void disabledMetricsAreNotARoute() {
        start(false);
        WsClient client = client();
        client.openOk("board");
        WsClient.ok(client.set("board", "x", Json.MAPPER.getNodeFactory().numberNode(1))); // traffic still flows

        HttpResponse<String> response = get(server.port(), "/metrics");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(server.meterRegistry()).isNotInstanceOf(PrometheusMeterRegistry.class);
        assertThat(server.meterRegistry().getMeters()).isEmpty();
    }
}
