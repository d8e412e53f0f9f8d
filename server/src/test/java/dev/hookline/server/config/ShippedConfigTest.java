package dev.hookline.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.server.config.ConfigSchema.Section;
import dev.hookline.server.hooks.PluginSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keeps the distribution's conf/hookline.yaml honest: it lists every key, with the built-in defaults. */
class ShippedConfigTest {

    /** Surefire runs in the server module's directory. */
    static final Path SHIPPED = Path.of("..", "distribution", "src", "main", "dist", "conf", "hookline.yaml");

    @Test
    void theShippedFileSaysExactlyWhatTheDefaultsSay() {
        assertThat(SHIPPED).isRegularFile();
        HooklineConfig shipped = ConfigLoader.load(SHIPPED, Map.of(), List.of());
        assertThat(shipped.server()).isEqualTo(ServerConfig.DEFAULTS);
        // The sqlite section is there, all of it commented; the file sets only that the bundled
        // redis cluster engine and postgres storage plugins are disabled.
        assertThat(shipped.pluginSections()).isEqualTo(Map.of("redis", PluginSettings.DEFAULTS.withEnabled(false),
                "postgres", PluginSettings.DEFAULTS.withEnabled(false)));
        HooklineConfig bothEnabled = ConfigLoader.load(SHIPPED, Map.of(),
                List.of(new ConfigLoader.Override("plugin.postgres.enabled", "true", "--set"),
                        new ConfigLoader.Override("plugin.redis.enabled", "true", "--set")));
        assertThat(bothEnabled).isEqualTo(HooklineConfig.DEFAULTS);
    }

    @Test
    void theShippedFileSpellsOutEveryServerKey() throws Exception {
        ObjectNode tree = ConfigLoader.parse(Files.readString(SHIPPED), SHIPPED.toString());
        List<String> missing = new ArrayList<>();
        collectMissing("", tree, ConfigSchema.ROOT, missing);
        assertThat(missing).as("keys the shipped file does not list").isEmpty();
        assertThat(tree.path("plugin").has("sqlite")).as("the bundled plugin's section").isTrue();
        assertThat(tree.path("plugin").has("redis")).as("the bundled cluster engine's section").isTrue();
        assertThat(tree.path("plugin").has("postgres")).as("the bundled postgres plugin's section").isTrue();
    }

    @Test
    void theShippedFileDocumentsTheSqliteSettings() throws Exception {
        String text = Files.readString(SHIPPED);
        for (String setting : new String[] {"file:", "durability:", "asyncFlushMillis:", "synchronous:",
            "hookTimeouts:", "priority:", "enabled:", "timeout:"}) {
            assertThat(text).containsPattern("(?m)^\\s*#\\s+" + setting);
        }
    }

    @Test
    void theShippedFileDocumentsTheRedisSettings() throws Exception {
        String text = Files.readString(SHIPPED);
        int redis = text.indexOf("\n  redis:");
        assertThat(redis).isPositive();
        for (String setting : new String[] {"uri:", "prefix:", "timeout:"}) {
            assertThat(text.substring(redis)).containsPattern("(?m)^\\s*#\\s+" + setting);
        }
    }

    @Test
    void theShippedFileDocumentsThePostgresSettings() throws Exception {
        String text = Files.readString(SHIPPED);
        int postgres = text.indexOf("\n  postgres:");
        assertThat(postgres).isPositive();
        for (String setting : new String[] {"url:", "durability:", "asyncFlushMillis:", "poolSize:", "schema:"}) {
            assertThat(text.substring(postgres)).containsPattern("(?m)^\\s*#\\s+" + setting);
        }
    }

    private static void collectMissing(String path, JsonNode node, Section section, List<String> missing) {
        section.keys().forEach((key, shape) -> {
            String full = path.isEmpty() ? key : path + "." + key;
            if (key.equals("plugin")) {
                return; // per-plugin sections: checked above
            }
            if (node == null || !node.has(key)) {
                missing.add(full);
            } else if (shape instanceof Section child) {
                collectMissing(full, node.get(key), child, missing);
            }
        });
    }
}
