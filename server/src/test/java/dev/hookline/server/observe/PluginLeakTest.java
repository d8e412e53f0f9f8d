package dev.hookline.server.observe;

import static dev.hookline.server.observe.Scrape.get;
import static dev.hookline.server.testsupport.TestPlugins.packageOf;
import static dev.hookline.server.testsupport.TestPlugins.plugin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hookline.server.Hookline;
import dev.hookline.server.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9, item 6: an unloaded plugin that leaves a thread running stays in memory. Nothing can
 * kill the thread; {@code /admin/plugins} says so, naming the plugin and the thread, and a
 * well-behaved plugin unloaded at the same time is not listed.
 */
class PluginLeakTest {

    private static final String TOKEN = "leak-test-token";
    private static final String THREAD = "leaky-poller";

    @TempDir
    Path plugins;

    private Hookline server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(THREAD)).forEach(Thread::interrupt);
    }

    @Test
    void anUnloadedPluginWhoseThreadStillRunsIsListedAsLeakedWithItsThreadAndATidyOneIsNot() throws Exception {
        plugin("tidy", 100, """
                    @Override
                    public Update onUpdate(Update update, HookContext context) {
                        return update.withValue(TextNode.valueOf("tidy:" + update.value().asText()));
                    }
                """).writeTo(plugins);
        String pkg = packageOf("leaky");
        plugin("leaky", 200, "").version("2.1.0").source(pkg + ".Lifecycle", """
                package %s;
                public class Lifecycle extends org.pf4j.Plugin {
                    @Override public void start() {
                        Thread poller = new Thread(() -> {
                            while (!Thread.currentThread().isInterrupted()) {
                                try {
                                    Thread.sleep(50);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        }, "%s");
                        poller.setDaemon(true);
                        poller.start(); // and never stopped
                    }
                }
                """.formatted(pkg, THREAD)).pluginClass(pkg + ".Lifecycle").writeTo(plugins);
        server = Hookline.builder().host("127.0.0.1").port(0).classpathHooks(false).pluginsDirectory(plugins)
                .watchPlugins(false).pluginCloseGrace(Duration.ofMillis(200)).adminToken(TOKEN).start();
        server.api().set("board", "title", TextNode.valueOf("x")); // the tidy plugin's hook has run
        assertThat(server.api().get("board", "title").map(JsonNode::asText)).hasValue("tidy:x");
        assertThat(leaked()).isEmpty();

        assertThat(server.plugins().unload("tidy")).isTrue();
        assertThat(server.plugins().unload("leaky")).isTrue();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> !leaked().isEmpty());
        List<JsonNode> leaked = leaked();
        assertThat(leaked).hasSize(1);
        JsonNode leak = leaked.get(0);
        assertThat(leak.get("id").asText()).isEqualTo("leaky");
        assertThat(leak.get("version").asText()).isEqualTo("2.1.0");
        assertThat(leak.get("file").asText()).endsWith("leaky-2.1.0.jar");
        assertThat(leak.get("unloadedAt").asText()).isNotBlank();
        assertThat(leak.get("threads")).extracting(JsonNode::asText).containsExactly(THREAD);
    }

    private List<JsonNode> leaked() throws Exception {
        var response = get(server.port(), "/admin/plugins", "Authorization", "Bearer " + TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> result = new ArrayList<>();
        Json.MAPPER.readTree(response.body()).get("leaked").forEach(result::add);
        return result;
    }
}
