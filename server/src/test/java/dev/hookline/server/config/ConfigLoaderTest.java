package dev.hookline.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.hooks.PluginSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("hookline.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private HooklineConfig load(String yaml, Map<String, String> env, ConfigLoader.Override... flags) throws IOException {
        return ConfigLoader.load(write(yaml), env, List.of(flags));
    }

    private AbstractThrowableAssert<?, ? extends Throwable> failure(String yaml) {
        return assertThatThrownBy(() -> load(yaml, Map.of())).isInstanceOf(ConfigException.class);
    }

    private static ConfigLoader.Override flag(String key, String value) {
        return new ConfigLoader.Override(key, value, "--test");
    }

    @Test
    void noFileMeansTheDefaults() {
        assertThat(ConfigLoader.load(null, Map.of(), List.of())).isEqualTo(HooklineConfig.DEFAULTS);
    }

    @Test
    void anEmptyFileOrEmptySectionsMeanTheDefaults() throws IOException {
        assertThat(load("", Map.of())).isEqualTo(HooklineConfig.DEFAULTS);
        assertThat(load("# nothing\n", Map.of())).isEqualTo(HooklineConfig.DEFAULTS);
        assertThat(load("server:\nhooks:\nplugin:\n  sqlite:\n", Map.of())).isEqualTo(HooklineConfig.DEFAULTS);
    }

    @Test
    void bindsEveryKey() throws IOException {
        HooklineConfig config = load("""
                server:
                  host: 127.0.0.1
                  port: 8080
                  webSocketPath: /socket
                  maxFrameBytes: 2048
                  maxOpenDocuments: 8
                  maxQueuedFrames: 16
                  maxOutboundBytes: 10000000000
                  maxOutboundFrames: 100
                  keepAliveInterval: 500ms
                  idleTimeout: 2s
                  changeLogSize: 10
                  shutdownGrace: 1m
                  store: {debounce: 100ms, maxDelay: 1s, retryMin: 200ms, retryMax: PT2M}
                  maxConnections: 500
                  maxHeaderBytes: 4096
                  maxHeaders: 50
                  requestHeadTimeout: 3s
                  maxChangeLogBytes: 3000000
                  maxChangeLogBytesTotal: 40000000
                  maxStatelessBytes: 500
                  maxPresenceBytes: 600
                  maxSubscriptionsPerConnection: 70
                hooks: {defaultTimeout: 3s}
                plugins: {directory: /opt/plugins, watch: false}
                data: {directory: /var/lib/hookline}
                admin: {token: s3cret, metrics: {enabled: false}}
                """, Map.of());
        assertThat(config.server()).isEqualTo(new ServerConfig("127.0.0.1", 8080, "/socket", 2048, 8, 16, 10_000_000_000L,
                100, Duration.ofMillis(500), Duration.ofSeconds(2), 10, Duration.ofMinutes(1),
                new ServerConfig.StoreTiming(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(200),
                        Duration.ofMinutes(2)),
                new ServerConfig.ConnectionLimits(500, 4096, 50, Duration.ofSeconds(3)),
                new ServerConfig.DataLimits(3_000_000, 40_000_000, 500, 600, 70)));
        assertThat(config.hookTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.pluginsDirectory()).isEqualTo(Path.of("/opt/plugins"));
        assertThat(config.watchPlugins()).isFalse();
        assertThat(config.dataDirectory()).isEqualTo(Path.of("/var/lib/hookline"));
        assertThat(config.adminToken()).isEqualTo("s3cret");
        assertThat(config.adminEnabled()).isTrue();
        assertThat(config.metricsEnabled()).isFalse();
        assertThat(config.toString()).doesNotContain("s3cret");
    }

    @Test
    void theChangeLogBoundsTakeAutoForTheHeapDerivedDefaults() throws IOException {
        ServerConfig.DataLimits auto = load("""
                server: {maxChangeLogBytes: auto, maxChangeLogBytesTotal: AUTO}
                """, Map.of()).server().data();
        assertThat(auto).isEqualTo(ServerConfig.DataLimits.DEFAULTS);
        // The environment spells the longer key out in full: TOTAL is not read as a fifth word of the shorter one.
        ServerConfig.DataLimits fromEnv = load("", Map.of("HOOKLINE_SERVER_MAX_CHANGE_LOG_BYTES_TOTAL", "5000000",
                "HOOKLINE_SERVER_MAX_CHANGE_LOG_BYTES", "auto")).server().data();
        assertThat(fromEnv.maxChangeLogBytesTotal()).isEqualTo(5_000_000);
        assertThat(fromEnv.maxChangeLogBytes()).isEqualTo(ServerConfig.DataLimits.DEFAULTS.maxChangeLogBytes());
        failure("server: {maxChangeLogBytes: lots}")
                .hasMessageStartingWith("server.maxChangeLogBytes: must be auto or a whole number >= 1, got \"lots\"");
        failure("server: {maxChangeLogBytesTotal: 0}")
                .hasMessageStartingWith("server.maxChangeLogBytesTotal: must be auto or a whole number >= 1, got 0");
        failure("server: {maxSubscriptionsPerConnection: 0}")
                .hasMessageStartingWith("server.maxSubscriptionsPerConnection: must be >= 1, got 0");
    }

    @Test
    void theHeapDerivedDefaultsScaleWithTheHeapAndCapOneDocument() {
        long mib = 1024L * 1024;
        // -Xmx512m, the heap of the attack in issue #9: 32 MiB per document, 128 MiB in all.
        ServerConfig.DataLimits small = ServerConfig.DataLimits.forHeap(512 * mib);
        assertThat(small.maxChangeLogBytes()).isEqualTo(32 * mib);
        assertThat(small.maxChangeLogBytesTotal()).isEqualTo(128 * mib);
        // A large heap: one document still keeps at most 64 MiB.
        ServerConfig.DataLimits large = ServerConfig.DataLimits.forHeap(8192 * mib);
        assertThat(large.maxChangeLogBytes()).isEqualTo(64 * mib);
        assertThat(large.maxChangeLogBytesTotal()).isEqualTo(2048 * mib);
        assertThat(large.maxStatelessBytes()).isEqualTo(65536);
        assertThat(large.maxPresenceBytes()).isEqualTo(65536);
        assertThat(large.maxSubscriptionsPerConnection()).isEqualTo(1000);
    }

    @Nested
    class PluginSections {

        @Test
        void aSectionReachesPluginSettings() throws IOException {
            HooklineConfig config = load("""
                    plugin:
                      audit-log:
                        enabled: false
                        priority: 500
                        timeout: 3s
                        hookTimeouts:
                          onLoadDocument: 30s
                          onStoreDocument: 1m
                        settings:
                          target: https://example.org/hook
                          retries: 3
                          nested: {a: [1, 2]}
                    """, Map.of());
            ObjectNode settings = JsonNodeFactory.instance.objectNode();
            settings.put("target", "https://example.org/hook").put("retries", 3);
            settings.putObject("nested").putArray("a").add(1).add(2);
            PluginSettings expected = new PluginSettings(false, 500, Duration.ofSeconds(3),
                    Map.of("onLoadDocument", Duration.ofSeconds(30), "onStoreDocument", Duration.ofMinutes(1)), settings);
            assertThat(config.pluginSections()).containsOnlyKeys("audit-log");
            assertThat(config.pluginSettings("audit-log")).isEqualTo(expected);
            assertThat(config.pluginSettings("someone-else")).isEqualTo(PluginSettings.DEFAULTS);

            HookEngine engine = new HookEngine(HookEngine.Options.DEFAULTS.withSettings(config.pluginSettingsById()));
            try {
                assertThat(engine.settingsOf("audit-log")).isEqualTo(expected);
            } finally {
                engine.close();
            }
        }

        @Test
        void sqliteWritesUnderTheDataDirectoryUnlessItsFileIsSet() throws IOException {
            HooklineConfig config = load("""
                    data: {directory: /srv/data}
                    plugin:
                      sqlite:
                        settings: {durability: async}
                    """, Map.of());
            JsonNode settings = config.pluginSettings("sqlite").settings();
            assertThat(settings.get("file").asText()).isEqualTo(Path.of("/srv/data", "hookline.db").toString());
            assertThat(settings.get("durability").asText()).isEqualTo("async");
            assertThat(config.pluginSections().get("sqlite").settings().has("file")).as("the section itself").isFalse();

            HooklineConfig noSection = HooklineConfig.DEFAULTS.resolvePaths(Path.of("/opt/hookline"));
            assertThat(noSection.pluginSettings("sqlite").settings().get("file").asText())
                    .isEqualTo(Path.of("/opt/hookline/data/hookline.db").toString());
            assertThat(noSection.pluginSettings("other").settings().has("file")).isFalse();

            HooklineConfig explicit = load("plugin: {sqlite: {settings: {file: /tmp/x.db}}}", Map.of());
            assertThat(explicit.pluginSettings("sqlite").settings().get("file").asText()).isEqualTo("/tmp/x.db");
        }

        @Test
        void relativeDirectoriesResolveAgainstTheHomeAbsoluteOnesStay() throws IOException {
            HooklineConfig config = load("plugins: {directory: /abs/plugins}", Map.of()).resolvePaths(Path.of("/opt/hl"));
            assertThat(config.pluginsDirectory()).isEqualTo(Path.of("/abs/plugins"));
            assertThat(config.dataDirectory()).isEqualTo(Path.of("/opt/hl/data"));
        }
    }

    @Nested
    class Environment {

        @Test
        void overridesTheFileKeyByKey() throws IOException {
            HooklineConfig config = load("""
                    server: {port: 2000, host: 127.0.0.1}
                    """, Map.of(
                    "HOOKLINE_SERVER_PORT", "8080",
                    "HOOKLINE_SERVER_MAX_FRAME_BYTES", "2048",
                    "HOOKLINE_SERVER_KEEPALIVEINTERVAL", "5s",
                    "HOOKLINE_SERVER_STORE_DEBOUNCE", "500ms",
                    "HOOKLINE_HOOKS_DEFAULT_TIMEOUT", "3s",
                    "HOOKLINE_PLUGINS_WATCH", "false",
                    "HOOKLINE_DATA_DIRECTORY", "/srv/data",
                    "HOOKLINE_ADMIN_TOKEN", "s3cret",
                    "HOOKLINE_ADMIN_METRICS_ENABLED", "false"));
            assertThat(config.server().port()).isEqualTo(8080);
            assertThat(config.server().host()).isEqualTo("127.0.0.1");
            assertThat(config.server().maxFrameBytes()).isEqualTo(2048);
            assertThat(config.server().keepAliveInterval()).isEqualTo(Duration.ofSeconds(5));
            assertThat(config.server().store().debounce()).isEqualTo(Duration.ofMillis(500));
            assertThat(config.hookTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(config.watchPlugins()).isFalse();
            assertThat(config.dataDirectory()).isEqualTo(Path.of("/srv/data"));
            assertThat(config.adminToken()).isEqualTo("s3cret");
            assertThat(config.metricsEnabled()).isFalse();
        }

        @Test
        void pluginIdsWithDashesAndTheirSectionKeys() throws IOException {
            HooklineConfig config = load("", Map.of(
                    "HOOKLINE_PLUGIN_AUDIT_LOG_ENABLED", "false",
                    "HOOKLINE_PLUGIN_AUDIT_LOG_PRIORITY", "7",
                    "HOOKLINE_PLUGIN_SQLITE_TIMEOUT", "4s",
                    "HOOKLINE_PLUGIN_SQLITE_HOOK_TIMEOUTS_ON_LOAD_DOCUMENT", "30s",
                    "HOOKLINE_PLUGIN_SQLITE_SETTINGS_DURABILITY", "async",
                    "HOOKLINE_PLUGIN_SQLITE_SETTINGS_ASYNC_FLUSH_MILLIS", "100"));
            assertThat(config.pluginSettings("audit-log").enabled()).isFalse();
            assertThat(config.pluginSettings("audit-log").priority()).isEqualTo(7);
            PluginSettings sqlite = config.pluginSections().get("sqlite");
            assertThat(sqlite.timeout()).isEqualTo(Duration.ofSeconds(4));
            assertThat(sqlite.hookTimeouts()).containsEntry("onLoadDocument", Duration.ofSeconds(30));
            assertThat(sqlite.settings().get("durability").asText()).isEqualTo("async");
            assertThat(sqlite.settings().get("asyncFlushMillis").isInt()).isTrue();
            assertThat(sqlite.settings().get("asyncFlushMillis").intValue()).isEqualTo(100);
        }

        @Test
        void reusesTheSpellingOfIdsAndSettingsTheFileHas() throws IOException {
            HooklineConfig config = load("""
                    plugin:
                      my_plugin.v2:
                        settings:
                          pool: {maxSize: 5, name: main}
                    """, Map.of(
                    "HOOKLINE_PLUGIN_MY_PLUGIN_V2_SETTINGS_POOL_MAX_SIZE", "10",
                    "HOOKLINE_PLUGIN_MY_PLUGIN_V2_SETTINGS_POOL_NAME", "other"));
            assertThat(config.pluginSections()).containsOnlyKeys("my_plugin.v2");
            JsonNode pool = config.pluginSettings("my_plugin.v2").settings().get("pool");
            assertThat(pool.get("maxSize").intValue()).isEqualTo(10);
            assertThat(pool.get("name").asText()).isEqualTo("other");
        }

        @Test
        void variablesThatAreNotConfigurationAreLeftAlone() throws IOException {
            assertThat(load("", Map.of("HOOKLINE_JAVA_OPTS", "-Xmx2g", "HOOKLINE_JVM_DIR", "/usr/lib/jvm",
                    "HOOKLINE_HOME", "/opt", "HOOKLINE_CONFIG", "/etc/x.yaml", "PATH", "/bin", "hookline_server_port", "1")))
                    .isEqualTo(HooklineConfig.DEFAULTS);
        }

        @Test
        void anUnknownKeyNamesTheVariableAndSuggests() {
            assertThatThrownBy(() -> load("", Map.of("HOOKLINE_SERVER_PROT", "1")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("HOOKLINE_SERVER_PROT: unknown key server.prot (did you mean port?)");
            assertThatThrownBy(() -> load("", Map.of("HOOKLINE_PLUGIN_SQLITE_HOOK_TIMEOUTS_ON_LOAD", "1s")))
                    .hasMessageContaining("HOOKLINE_PLUGIN_SQLITE_HOOK_TIMEOUTS_ON_LOAD: unknown hook "
                            + "plugin.sqlite.hookTimeouts.onLoad");
            assertThatThrownBy(() -> load("", Map.of("HOOKLINE_PLUGIN_SQLITE", "1")))
                    .hasMessageStartingWith("HOOKLINE_PLUGIN_SQLITE: write HOOKLINE_PLUGIN_<ID>_<KEY>");
            assertThatThrownBy(() -> load("", Map.of("HOOKLINE_SERVER_PORT_NUMBER", "1")))
                    .hasMessageContaining("server.port is a single value");
            assertThatThrownBy(() -> load("", Map.of("HOOKLINE_SERVER_STORE", "1")))
                    .hasMessageContaining("server.store is a section; name one of its keys: debounce, maxDelay");
        }

        @Test
        void aBadValueNamesTheKeyAndTheVariable() {
            assertThatThrownBy(() -> load("", Map.of("HOOKLINE_SERVER_PORT", "70000")))
                    .hasMessage("server.port: must be 0..65535, got 70000 "
                            + "(set by environment variable HOOKLINE_SERVER_PORT)");
        }

        @Test
        void twoSpellingsOfOneKeyConflict() {
            assertThatThrownBy(() -> load("", Map.of("HOOKLINE_SERVER_MAX_FRAME_BYTES", "1",
                    "HOOKLINE_SERVER_MAXFRAMEBYTES", "2")))
                    .hasMessageContaining("server.maxFrameBytes: set twice");
        }
    }

    @Nested
    class Precedence {

        @Test
        void flagsBeatTheEnvironmentWhichBeatsTheFile() throws IOException {
            String yaml = "server: {port: 1000, host: 10.0.0.1, maxOpenDocuments: 5}\n";
            Map<String, String> env = Map.of("HOOKLINE_SERVER_PORT", "2000", "HOOKLINE_SERVER_HOST", "10.0.0.2");
            HooklineConfig config = load(yaml, env, flag("server.port", "3000"));
            assertThat(config.server().port()).isEqualTo(3000);
            assertThat(config.server().host()).isEqualTo("10.0.0.2");
            assertThat(config.server().maxOpenDocuments()).isEqualTo(5);
            assertThat(load(yaml, Map.of()).server().port()).isEqualTo(1000);
            assertThat(load(yaml, env).server().port()).isEqualTo(2000);
        }

        @Test
        void aBadFlagNamesTheFlag() {
            assertThatThrownBy(() -> load("", Map.of(), new ConfigLoader.Override("server.port", "-1", "--port")))
                    .hasMessage("server.port: must be 0..65535, got -1 (set by --port)");
            assertThatThrownBy(() -> load("", Map.of(), flag("server.prot", "1")))
                    .hasMessageStartingWith("unknown key server.prot (did you mean port?)")
                    .hasMessageEndingWith("(set by --test)");
        }

        @Test
        void flagsReachPluginSettings() throws IOException {
            HooklineConfig config = load("plugin: {sqlite: {settings: {durability: ack}}}", Map.of(),
                    flag("plugin.sqlite.settings.durability", "async"), flag("plugin.sqlite.enabled", "false"));
            assertThat(config.pluginSettings("sqlite").settings().get("durability").asText()).isEqualTo("async");
            assertThat(config.pluginSettings("sqlite").enabled()).isFalse();
        }
    }

    @Nested
    class Validation {

        @Test
        void numbersNameTheKeyAndTheRange() {
            failure("server: {port: 70000}").hasMessageStartingWith("server.port: must be 0..65535, got 70000")
                    .hasMessageEndingWith("(in " + dir.resolve("hookline.yaml") + ")");
            failure("server: {port: abc}").hasMessageStartingWith("server.port: must be a whole number 0..65535, got \"abc\"");
            failure("server: {maxFrameBytes: 0}").hasMessageStartingWith("server.maxFrameBytes: must be >= 1, got 0");
            failure("server: {maxOpenDocuments: 1.5}")
                    .hasMessageStartingWith("server.maxOpenDocuments: must be a whole number >= 1, got 1.5");
            failure("server: {changeLogSize: [1]}").hasMessageStartingWith("server.changeLogSize: must be a whole number >= 1, got a list");
            failure("plugin: {sqlite: {priority: high}}")
                    .hasMessageStartingWith("plugin.sqlite.priority: must be a whole number -2147483648..2147483647, got \"high\"");
        }

        @Test
        void durationsNameTheKeyAndTheFormat() {
            failure("server: {keepAliveInterval: 15x}").hasMessageStartingWith(
                    "server.keepAliveInterval: \"15x\" is not a duration (use 500ms, 15s, 10m, 1h or ISO-8601 like PT1M30S)");
            failure("hooks: {defaultTimeout: 10}").hasMessageStartingWith(
                    "hooks.defaultTimeout: must be a duration with a unit (use 500ms, 15s, 10m, 1h or ISO-8601 like PT1M30S), got 10");
            failure("server: {shutdownGrace: 0s}").hasMessageStartingWith("server.shutdownGrace: must be a positive duration, got 0s");
            failure("plugin: {sqlite: {hookTimeouts: {onLoadDocument: soon}}}")
                    .hasMessageStartingWith("plugin.sqlite.hookTimeouts.onLoadDocument: \"soon\" is not a duration");
        }

        @Test
        void rulesBetweenKeysNameBoth() {
            failure("server: {keepAliveInterval: 30s, idleTimeout: 30s}").hasMessageStartingWith(
                    "server.idleTimeout: must be longer than server.keepAliveInterval (30s), got 30s");
            failure("server: {store: {debounce: 5s, maxDelay: 1s}}").hasMessageStartingWith(
                    "server.store.maxDelay: must not be shorter than server.store.debounce (5s), got 1s");
            failure("server: {store: {retryMin: 5s, retryMax: 1s}}").hasMessageStartingWith(
                    "server.store.retryMax: must not be shorter than server.store.retryMin (5s), got 1s");
        }

        @Test
        void otherValues() {
            failure("plugins: {watch: yes please}").hasMessageStartingWith("plugins.watch: must be true or false, got \"yes please\"");
            failure("server: {webSocketPath: ws}").hasMessageStartingWith("server.webSocketPath: must start with /, got \"ws\"");
            failure("server: {host: ''}").hasMessageStartingWith("server.host: must be an address or host name");
            failure("data: {directory: ''}").hasMessageStartingWith("data.directory: must name a directory");
            failure("admin: {token: {a: 1}}").hasMessageStartingWith("admin.token: must be a text value, got a mapping");
            failure("server: 5").hasMessageStartingWith("server: must be a mapping of keys (host, port,");
            failure("plugin: [sqlite]").hasMessageStartingWith("plugin: must be a mapping from plugin id");
            failure("plugin: {sqlite: 5}").hasMessageStartingWith("plugin.sqlite: must be a mapping of keys (enabled, priority,");
            failure("plugin: {sqlite: {settings: 5}}")
                    .hasMessageStartingWith("plugin.sqlite.settings: must be a mapping of the plugin's own settings, got 5");
            failure("plugin: {sqlite: {hookTimeouts: 30s}}")
                    .hasMessageStartingWith("plugin.sqlite.hookTimeouts: must be a mapping from hook name to duration");
        }

        @Test
        void unknownKeysAreRejectedWithASuggestion() {
            failure("server: {prot: 1}").hasMessageStartingWith(
                    "unknown key server.prot (did you mean port?); server takes host, port, webSocketPath,");
            failure("servr: {}").hasMessageStartingWith("unknown key servr (did you mean server?); the top level takes "
                    + "server, hooks, plugins, data, admin, cluster, plugin");
            failure("server: {store: {debounse: 1s}}").hasMessageStartingWith(
                    "unknown key server.store.debounse (did you mean debounce?)");
            failure("admin: {metrics: {enable: true}}").hasMessageStartingWith(
                    "unknown key admin.metrics.enable (did you mean enabled?)");
            failure("plugin: {sqlite: {enabeld: false}}").hasMessageStartingWith(
                    "unknown key plugin.sqlite.enabeld (did you mean enabled?)");
            failure("plugin: {sqlite: {hookTimeouts: {onLoadDocumnt: 1s}}}").hasMessageStartingWith(
                    "unknown hook plugin.sqlite.hookTimeouts.onLoadDocumnt (did you mean onLoadDocument?); hooks are onConfigure,");
            failure("plugins: {sqlite: {enabled: false}}").hasMessageStartingWith(
                    "unknown key plugins.sqlite (per-plugin sections go under plugin.<id>, e.g. plugin.sqlite)");
            failure("server: {zzzzzzzz: 1}").hasMessageStartingWith("unknown key server.zzzzzzzz; server takes");
        }

        @Test
        void theExceptionCarriesTheKey() {
            assertThatThrownBy(() -> load("server: {store: {retryMin: x}}", Map.of()))
                    .isInstanceOfSatisfying(ConfigException.class,
                            e -> assertThat(e.key()).isEqualTo("server.store.retryMin"));
        }

        @Test
        void yamlProblemsSayWhere() throws IOException {
            failure("server:\n  port: 1\n  port: 2\n").hasMessageContaining("is not valid YAML").hasMessageContaining("port");
            failure("server: [unclosed\n").hasMessageContaining("is not valid YAML at line");
            failure("- a\n- b\n").hasMessageContaining("must be a mapping of sections");
            assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml"), Map.of(), List.of()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("configuration file " + dir.resolve("missing.yaml") + " does not exist");
        }
    }
}
