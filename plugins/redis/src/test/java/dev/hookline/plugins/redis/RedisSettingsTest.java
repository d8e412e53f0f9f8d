package dev.hookline.plugins.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {

    private static RedisSettings bind(String json) {
        return new TestNode("n", json).plugin().settings(RedisSettings.class);
    }

    @Test
    void everyKeyHasADefault() {
        RedisSettings settings = bind("{}");
        assertThat(settings.uri()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(settings.prefix()).isEqualTo("hookline:");
        assertThat(settings.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(RedisSettings.DEFAULTS).isEqualTo(settings);
    }

    @Test
    void timeoutsAreWrittenLikeTheServersDurations() {
        assertThat(bind("{\"timeout\":\"500ms\"}").commandTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(bind("{\"timeout\":\"3s\"}").commandTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(bind("{\"timeout\":\"PT1.5S\"}").commandTimeout()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void badValuesAreReportedByKey() {
        assertThatThrownBy(() -> bind("{\"timeout\":\"soon\"}")).hasMessageContaining("'timeout'").hasMessageContaining("soon");
        assertThatThrownBy(() -> bind("{\"timeout\":\"2h\"}")).hasMessageContaining("'timeout'");
        assertThatThrownBy(() -> bind("{\"timeout\":\"0ms\"}")).hasMessageContaining("from 10ms to 60s");
        assertThatThrownBy(() -> bind("{\"uri\":\" \"}")).hasMessageContaining("'uri'");
        assertThatThrownBy(() -> bind("{\"url\":\"redis://x\"}")).hasMessageContaining("url");
    }

    @Test
    void aUriLettuceCannotReadFailsTheStartNamingTheKey() {
        RedisClusterEngine engine = new RedisClusterEngine();
        assertThatThrownBy(() -> engine.start(new TestNode("n", "{\"uri\":\"http://127.0.0.1:6379\"}")))
                .hasMessageContaining("'uri'");
    }
}
