package dev.hookline.plugins.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hookline.server.Hookline;
import dev.hookline.server.Main;
import dev.hookline.server.config.ConfigLoader;
import dev.hookline.server.config.HooklineConfig;
import dev.hookline.server.hooks.Hooks;
import dev.hookline.testkit.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged plugin jar (shaded pgjdbc and HikariCP) in a server's plugins folder, configured
 * as operators do: the distribution's conf/hookline.yaml (where the plugin is disabled) plus the
 * documented {@code --set} flags.
 */
class PluginJarIT {

    /** Failsafe runs in the module's directory. */
    static final Path SHIPPED_CONFIG = Path.of("..", "..", "distribution", "src", "main", "dist", "conf", "hookline.yaml");

    @TempDir
    Path dir;

    @RegisterExtension
    final TestDatabase db = TestDatabase.perTest();

    static Path pluginJar() {
        String jar = System.getProperty("hookline.postgres.pluginJar");
        assertThat(jar).as("system property hookline.postgres.pluginJar (set by failsafe)").isNotNull();
        assertThat(Path.of(jar)).exists();
        return Path.of(jar);
    }

    private Path plugins() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        if (!Files.exists(plugins.resolve("hookline-plugin-postgres.jar"))) {
            Files.copy(pluginJar(), plugins.resolve("hookline-plugin-postgres.jar"));
        }
        return plugins;
    }

    /** A server as {@code bin/hookline --set ...} makes it, on a free port, with the plugins folder given. */
    private Hookline server(Path plugins, List<ConfigLoader.Override> overrides) {
        HooklineConfig config = ConfigLoader.load(SHIPPED_CONFIG, Map.of(), overrides);
        return Main.builder(config).host("127.0.0.1").port(0).classpathHooks(false).pluginsDirectory(plugins)
                .watchPlugins(false).start();
    }

    private static ConfigLoader.Override set(String key, String value) {
        return new ConfigLoader.Override(key, value, "--set " + key);
    }

    @Test
    void theJarLoadsStoresAndRestartsWithTheSameData() throws Exception {
        Path plugins = plugins();
        List<ConfigLoader.Override> flags = List.of(set("plugin.sqlite.enabled", "false"),
                set("plugin.postgres.enabled", "true"), set("plugin.postgres.settings.url", db.url()));

        try (Hookline server = server(plugins, flags)) {
            assertThat(server.plugins().problems()).isEmpty();
            assertThat(server.engine().chains().of(Hooks.ON_CHANGE).links()).extracting(l -> l.pluginId())
                    .containsExactly("postgres");
            try (WsClient client = WsClient.connect(server.port())) {
                client.open("notes");
                for (int i = 1; i <= 20; i++) {
                    assertThat(client.write("set", "notes", "n" + i, JsonNodeFactory.instance.numberNode(i), null)
                            .path("version").asLong()).isEqualTo(i);
                }
            }
        } // stop: stores, then the plugin's stop() closes the store

        assertThat(db.count("SELECT version FROM hookline_snapshots WHERE document = 'notes'")).isEqualTo(20);
        try (Hookline server = server(plugins, flags)) {
            try (WsClient client = WsClient.connect(server.port())) {
                assertThat(client.open("notes").path("version").asLong()).isEqualTo(20);
                JsonNode snapshot = client.snapshot("notes");
                assertThat(snapshot.get("value").size()).isEqualTo(20);
                assertThat(snapshot.get("value").get("n20").asInt()).isEqualTo(20);
            }
        }
    }

    @Test
    void disabledByTheShippedConfigItIsLoadedButNotStarted() throws Exception {
        try (Hookline server = server(plugins(), List.of())) {
            assertThat(server.plugins().problems()).isEmpty();
            assertThat(server.engine().chains().of(Hooks.ON_CHANGE).links()).extracting(l -> l.pluginId())
                    .doesNotContain("postgres");
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                    .as("no writer, no pool").noneMatch(name -> name.startsWith("hookline-postgres"));
        }
        assertThat(db.count("SELECT count(*) FROM pg_tables WHERE tablename = 'hookline_schema_version'")).isZero();
    }
}
