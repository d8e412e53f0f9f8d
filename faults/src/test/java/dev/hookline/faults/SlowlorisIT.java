package dev.hookline.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.hookline.faults.support.Ledger;
import dev.hookline.faults.support.NormalClient;
import dev.hookline.faults.support.ServerProcess;
import dev.hookline.faults.support.Slowloris;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #9, item 2: connections that never finish their upgrade request (a header dribbled a
 * byte a second) or never send one. With its default timeouts the server closes every one of
 * them by itself, and serves normal clients meanwhile.
 */
class SlowlorisIT extends FaultTestBase {

    private static final int DRIBBLING = 200;
    private static final int SILENT = 100;
    /** Longest the test waits for the server to close them; the issue saw 3,000 still open after 75 s. */
    private static final long DEADLINE_MILLIS = 90_000;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void unfinishedUpgradesAreClosedByTheServerWhileOthersAreServed() throws Exception {
        ServerProcess server = start(ServerProcess.options());
        Ledger ledger = new Ledger();

        try (NormalClient regular = NormalClient.connect(server.port());
             Slowloris attack = Slowloris.start(server.port(), DRIBBLING, SILENT, DEADLINE_MILLIS)) {
            regular.write(ledger, "slow", "during", IntNode.valueOf(1));
            NormalClient.assertServedAndNothingLost(server.port(), ledger);
            assertThat(server.get("/health").statusCode()).as("/health under slowloris").isEqualTo(200);

            attack.awaitEnd(DEADLINE_MILLIS + 10_000);
            log("slowloris, %d dribbling + %d silent sockets: the server closed %d dribbling and %d silent ones, the last "
                    + "after %d ms; first answer: %s", DRIBBLING, SILENT, attack.closedByServer(true),
                    attack.closedByServer(false), attack.lastCloseMillis(), attack.sampleAnswer());
            assertThat(attack.closedByServer()).as("sockets the server closed by itself within %d s (of %d)",
                    DEADLINE_MILLIS / 1000, DRIBBLING + SILENT).isEqualTo(DRIBBLING + SILENT);
            regular.write(ledger, "slow", "after", IntNode.valueOf(2));
        }
        NormalClient.assertServedAndNothingLost(server.port(), ledger);
    }
}
