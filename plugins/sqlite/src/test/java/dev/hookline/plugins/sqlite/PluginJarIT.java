package dev.hookline.plugins.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hookline.server.Hookline;
import dev.hookline.server.hooks.Hooks;
import dev.hookline.server.hooks.PluginSettings;
import dev.hookline.testkit.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged plugin jar (shaded sqlite-jdbc) in a server's plugins folder, as operators deploy it. */
class PluginJarIT {

    @TempDir
    Path dir;

    static Path pluginJar() {
        String jar = System.getProperty("hookline.sqlite.pluginJar");
        assertThat(jar).as("system property hookline.sqlite.pluginJar (set by failsafe)").isNotNull();
        assertThat(Path.of(jar)).exists();
        return Path.of(jar);
    }

    private Hookline server(Path plugins, Path db) throws Exception {
        JsonNode settings = WsClient.JSON.createObjectNode().put("file", db.toString());
        return Hookline.builder().host("127.0.0.1").port(0).classpathHooks(false).pluginsDirectory(plugins)
                .pluginSettings(id -> id.equals("sqlite") ? PluginSettings.DEFAULTS.withSettings(settings) : PluginSettings.DEFAULTS)
                .start();
    }

    @Test
    void theJarLoadsStoresAndRestartsWithTheSameData() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(pluginJar(), plugins.resolve("hookline-plugin-sqlite.jar"));
        Path db = dir.resolve("data/jar.db");

        try (Hookline server = server(plugins, db)) {
            assertThat(server.plugins().problems()).isEmpty();
            assertThat(server.engine().chains().of(Hooks.ON_CHANGE).links()).extracting(l -> l.pluginId()).containsExactly("sqlite");
            try (WsClient client = WsClient.connect(server.port())) {
                client.open("notes");
                for (int i = 1; i <= 20; i++) {
                    assertThat(client.write("set", "notes", "n" + i, JsonNodeFactory.instance.numberNode(i), null)
                            .path("version").asLong()).isEqualTo(i);
                }
            }
        } // stop: stores, then the plugin's stop() closes the database

        assertThat(db).exists();
        try (Hookline server = server(plugins, db)) {
            try (WsClient client = WsClient.connect(server.port())) {
                assertThat(client.open("notes").path("version").asLong()).isEqualTo(20);
                JsonNode snapshot = client.snapshot("notes");
                assertThat(snapshot.get("value").size()).isEqualTo(20);
                assertThat(snapshot.get("value").get("n20").asInt()).isEqualTo(20);
            }
        }
    }
}
