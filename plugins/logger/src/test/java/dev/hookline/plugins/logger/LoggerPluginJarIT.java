package dev.hookline.plugins.logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.server.Hookline;
import dev.hookline.server.hooks.HookChain;
import dev.hookline.server.hooks.Hooks;
import dev.hookline.server.hooks.PluginSettings;
import dev.hookline.testkit.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged plugin jar in a real server's plugins folder, with a real WebSocket client. */
class LoggerPluginJarIT {

    @TempDir
    Path dir;

    static Path pluginJar() {
        String jar = System.getProperty("hookline.logger.pluginJar");
        assertThat(jar).as("system property hookline.logger.pluginJar (set by failsafe)").isNotNull();
        assertThat(Path.of(jar)).exists();
        return Path.of(jar);
    }

    private Hookline server(JsonNode settings) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(pluginJar(), plugins.resolve("hookline-plugin-logger.jar"));
        return Hookline.builder().host("127.0.0.1").port(0).classpathHooks(false).pluginsDirectory(plugins)
                .pluginSettings(id -> id.equals("logger") && settings != null
                        ? PluginSettings.DEFAULTS.withSettings(settings) : PluginSettings.DEFAULTS)
                .start();
    }

    @Test
    void defaultSettingsLogAConnectionsLifeButNotItsWrites() throws Exception {
        try (LogCapture log = LogCapture.plugin()) {
            int port;
            String id;
            try (Hookline server = server(null)) {
                port = server.port();
                assertThat(server.plugins().problems()).isEmpty();
                // Last in the chains it joins; absent from those it does not override.
                assertThat(server.engine().chains().of(Hooks.ON_CONNECT).links())
                        .extracting(l -> l.pluginId()).containsExactly("logger");
                assertThat(server.engine().chains().of(Hooks.ON_STORE_DOCUMENT).links()).isEmpty();
                assertThat(server.engine().chains().of(Hooks.ON_UPDATE).links()).isEmpty();

                try (WsClient client = WsClient.connect(port)) {
                    assertThat(client.open("board").path("type").asText()).isEqualTo("ack");
                    assertThat(client.set("board", "players/1", WsClient.JSON.getNodeFactory().textNode("ann"))
                            .path("version").asLong()).isEqualTo(1);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> log.lines().stream().anyMatch(l -> l.contains("disconnect")));
                id = log.lines().stream().filter(l -> l.startsWith("[hookline] connected ")).findFirst().orElseThrow()
                        .substring("[hookline] connected ".length());
            }
            List<String> lines = log.lines();
            assertThat(lines).containsSubsequence(
                    "[hookline] configuring 127.0.0.1:0",
                    "[hookline] listening on 127.0.0.1:" + port,
                    "[hookline] connected " + id,
                    "[hookline] loading document \"board\" at version 0",
                    "[hookline] document \"board\" loaded at version 0",
                    "[hookline] " + id + " joined \"board\"",
                    "[hookline] " + id + " left \"board\"",
                    "[hookline] disconnect " + id + " (1000)",
                    "[hookline] shut down");
            assertThat(lines).anyMatch(l -> l.matches("\\[hookline\\] upgrade /ws from 127\\.0\\.0\\.1:\\d+"));
            assertThat(lines).anyMatch(l -> l.matches("\\[hookline\\] connect " + id + " from 127\\.0\\.0\\.1:\\d+"));
            assertThat(lines).noneMatch(l -> l.contains("change"));
        }
    }

    @Test
    void configuredEventsIncludingChanges() throws Exception {
        ObjectNode settings = WsClient.JSON.createObjectNode().put("prefix", "it").put("level", "info");
        settings.putArray("events").add("onChange").add("onDisconnect");
        try (LogCapture log = LogCapture.plugin()) {
            try (Hookline server = server(settings)) {
                assertThat(server.engine().chains().of(Hooks.ON_CHANGE).links())
                        .extracting(HookChain.Link::priority).containsExactly(LoggerHooks.PRIORITY);
                try (WsClient client = WsClient.connect(server.port())) {
                    client.open("board");
                    client.set("board", "players/1", WsClient.JSON.getNodeFactory().numberNode(1));
                    client.set("board", "players/2", WsClient.JSON.getNodeFactory().numberNode(2));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> log.lines().stream().anyMatch(l -> l.contains("disconnect")));
            }
            List<String> lines = log.lines();
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).matches("\\[it\\] change board#1 set players/1 by connection c\\d+");
            assertThat(lines.get(1)).matches("\\[it\\] change board#2 set players/2 by connection c\\d+");
            assertThat(lines.get(2)).matches("\\[it\\] disconnect c\\d+ \\(1000\\)");
        }
    }
}
