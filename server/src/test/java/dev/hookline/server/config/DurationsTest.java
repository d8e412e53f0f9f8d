package dev.hookline.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void readsTheShortUnitsAndIso8601() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("15s")).isEqualTo(Duration.ofSeconds(15));
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse(" 3 S ")).isEqualTo(Duration.ofSeconds(3));
        assertThat(Durations.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("pt0.25s")).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void refusesAnythingElseQuotingIt() {
        for (String bad : new String[] {"15x", "15", "", "s", "1.5s", "-1s", "P", "PTxS", "ten seconds"}) {
            assertThatThrownBy(() -> Durations.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("\"" + bad + "\"");
        }
        assertThatThrownBy(() -> Durations.parse("15x"))
                .hasMessage("\"15x\" is not a duration (use 500ms, 15s, 10m, 1h or ISO-8601 like PT1M30S)");
        assertThatThrownBy(() -> Durations.parse("99999999999999999999h")).hasMessageContaining("too large");
    }

    @Test
    void formatsInTheShortestFormItReadsBack() {
        assertThat(Durations.format(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(Durations.format(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("10m");
        assertThat(Durations.format(Duration.ofHours(1))).isEqualTo("1h");
        for (Duration d : new Duration[] {Duration.ofMillis(1), Duration.ofMillis(61_500), Duration.ofDays(2)}) {
            assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
        }
    }
}
