package dev.hookline.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.hookline.faults.support.Ledger;
import dev.hookline.faults.support.NormalClient;
import dev.hookline.faults.support.Prlimit;
import dev.hookline.faults.support.ServerProcess;
import dev.hookline.faults.support.SocketFlood;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #9, item 1: the server under {@code prlimit --nofile=1024:1024}, flooded with more idle
 * WebSockets than it has descriptors. With its defaults (derived from that limit) it must refuse
 * the excess with HTTP 503 before running out of descriptors, keep its storage plugin loaded,
 * keep acknowledging only writes that are stored, answer {@code /health}, and lose nothing.
 */
class DescriptorExhaustionIT extends FaultTestBase {

    private static final int DESCRIPTORS = 1024;
    private static final int FLOOD = 1100;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aFloodBeyondTheDescriptorLimitIsRefusedAndLosesNothing() throws Exception {
        assumeTrue(Prlimit.find() != null, Prlimit.MISSING);
        ServerProcess server = start(ServerProcess.options().descriptorLimit(DESCRIPTORS));
        Ledger ledger = new Ledger();

        try (NormalClient victim = NormalClient.connect(server.port())) {
            victim.write(ledger, "fdvictim", "k0", TextNode.valueOf("before the flood"));

            // One attempt after the other: the server sees at most one connection more than it holds.
            try (SocketFlood flood = SocketFlood.open(server.port(), FLOOD, 1, Duration.ofSeconds(60))) {
                log("descriptor exhaustion, nofile=%d: %s", DESCRIPTORS, flood);
                assertThat(flood.answered(0))
                        .as("every upgrade is answered (101 or 503), none left hanging: %s", flood).isZero();
                assertThat(flood.attempts()).as("the flood ran to the end: %s", flood).isEqualTo(FLOOD);
                assertThat(flood.answered(503))
                        .as("the connection limit derived from nofile=%d refuses the excess with 503: %s", DESCRIPTORS, flood)
                        .isPositive();
                assertThat(flood.held() + flood.answered(503)).as("only 101 and 503: %s", flood).isEqualTo(FLOOD);

                // Held at the limit for longer than the plugin watcher needs to notice a listing failure.
                Thread.sleep(6_000);
                assertThat(server.get("/health").statusCode()).as("/health at the limit").isEqualTo(200);
                victim.write(ledger, "fdvictim", "k1", TextNode.valueOf("during the flood"));
            }
            victim.write(ledger, "fdvictim", "k2", TextNode.valueOf("after the flood"));
        }
        assertThat(server.log()).as("no plugin is unloaded for want of descriptors")
                .doesNotContainPattern("Plugin '[^']+' \\S+ unloaded").doesNotContain("Too many open files");
        NormalClient.assertServedAndNothingLost(server.port(), ledger);

        server.kill();
        ServerProcess again = track(server.restart(server.startOptions().descriptorLimit(null)));
        NormalClient.assertServedAndNothingLost(again.port(), ledger);
        assertThat(again.log()).doesNotContain("has a gap");
    }
}
