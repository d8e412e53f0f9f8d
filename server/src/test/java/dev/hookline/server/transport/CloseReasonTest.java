package dev.hookline.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CloseReasonTest {

    @Test
    void longReasonsAreCutOnACharacterWithinTheControlFrameLimit() {
        String reason = "é".repeat(100); // 200 bytes of UTF-8

        String cut = ClientConnection.truncate(reason);

        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
        assertThat(cut).endsWith("...").doesNotContain("\uFFFD");
        assertThat(ClientConnection.truncate("short")).isEqualTo("short");
    }
}
