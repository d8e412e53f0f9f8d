package dev.hookline.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code server.maxConnections}, {@code maxHeaderBytes}, {@code maxHeaders}, {@code requestHeadTimeout}. */
class ConnectionLimitsConfigTest {

    private static ServerConfig.ConnectionLimits bind(String yaml) {
        return ConfigLoader.bind(ConfigLoader.parse(yaml, "test")).server().connections();
    }

    @Test
    void theDefaultsDeriveTheConnectionLimit() {
        assertThat(bind("")).isEqualTo(ServerConfig.ConnectionLimits.DEFAULTS);
        assertThat(ServerConfig.ConnectionLimits.DEFAULTS.maxConnections()).isEqualTo(ServerConfig.ConnectionLimits.DERIVED);
        assertThat(bind("server: {maxConnections: auto}").maxConnections()).isEqualTo(ServerConfig.ConnectionLimits.DERIVED);
    }

    @Test
    void everyKeyIsBound() {
        assertThat(bind("""
                server:
                  maxConnections: 5000
                  maxHeaderBytes: 8192
                  maxHeaders: 50
                  requestHeadTimeout: 3s
                """)).isEqualTo(new ServerConfig.ConnectionLimits(5000, 8192, 50, Duration.ofSeconds(3)));
    }

    @Test
    void theEnvironmentSetsThem() {
        HooklineConfig config = ConfigLoader.load(null, Map.of("HOOKLINE_SERVER_MAX_CONNECTIONS", "700",
                "HOOKLINE_SERVER_REQUEST_HEAD_TIMEOUT", "2s"), List.of());
        assertThat(config.server().connections().maxConnections()).isEqualTo(700);
        assertThat(config.server().connections().requestHeadTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> bind("server: {maxConnections: lots}"))
                .hasMessageContaining("server.maxConnections")
                .hasMessageContaining("must be auto (derived from the descriptor limit and the heap) or a whole number >= 1");
        assertThatThrownBy(() -> bind("server: {maxConnections: 0}")).hasMessageContaining("server.maxConnections");
        assertThatThrownBy(() -> bind("server: {maxHeaderBytes: 100}")).hasMessageContaining("server.maxHeaderBytes")
                .hasMessageContaining(">= 1024");
        assertThatThrownBy(() -> bind("server: {requestHeadTimeout: 0s}")).hasMessageContaining("server.requestHeadTimeout");
    }
}
