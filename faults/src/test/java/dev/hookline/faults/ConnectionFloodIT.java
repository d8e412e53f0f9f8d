package dev.hookline.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.hookline.faults.support.Ledger;
import dev.hookline.faults.support.NormalClient;
import dev.hookline.faults.support.ServerProcess;
import dev.hookline.faults.support.SocketFlood;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #9, item 2: many clients upgrading at once, far more than {@code server.maxConnections}.
 * The excess is refused with HTTP 503 before the upgrade, the connections under the limit (a
 * normal client among them) go on being served, and once the flood leaves a new client is served
 * and nothing acknowledged is lost.
 */
class ConnectionFloodIT extends FaultTestBase {

    private static final int MAX_CONNECTIONS = 300;
    private static final int FLOOD = 1_500;
    private static final int CONCURRENCY = 48;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void theExcessIsRefusedWith503AndEveryoneUnderTheLimitIsServed() throws Exception {
        // A small limit set explicitly: the default one (derived from the descriptor limit) is
        // what DescriptorExhaustionIT floods.
        ServerProcess server = start(ServerProcess.options().set("server.maxConnections", String.valueOf(MAX_CONNECTIONS)));
        Ledger ledger = new Ledger();

        try (NormalClient regular = NormalClient.connect(server.port())) {
            regular.write(ledger, "flood", "before", IntNode.valueOf(1));
            try (SocketFlood flood = SocketFlood.open(server.port(), FLOOD, CONCURRENCY, Duration.ofSeconds(60))) {
                log("connection flood, maxConnections=%d, %d at once: %s", MAX_CONNECTIONS, CONCURRENCY, flood);
                assertThat(flood.answered(0)).as("every upgrade is answered: %s", flood).isZero();
                assertThat(flood.attempts()).as("the flood ran to the end: %s", flood).isEqualTo(FLOOD);
                // The regular client holds one of the places.
                assertThat(flood.held() + 1).as("never more than maxConnections, the regular client included: %s",
                        flood).isLessThanOrEqualTo(MAX_CONNECTIONS);
                assertThat(flood.held()).isPositive();
                assertThat(flood.answered(503)).as("the excess refused with 503 before the upgrade: %s", flood)
                        .isEqualTo(FLOOD - flood.held());

                assertThat(server.get("/health").statusCode()).as("/health at the limit").isEqualTo(200);
                for (int i = 0; i < 20; i++) {
                    regular.write(ledger, "flood", "during/" + i, IntNode.valueOf(i));
                }
            }
            regular.write(ledger, "flood", "after", IntNode.valueOf(2));
        }
        NormalClient.assertServedAndNothingLost(server.port(), ledger);
    }
}
