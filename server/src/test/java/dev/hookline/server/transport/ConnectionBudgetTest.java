package dev.hookline.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

/** How the connection limit is derived from the descriptor limit and the heap, and the accept water marks. */
class ConnectionBudgetTest {

    private static final long GIB = 1L << 30;
    private static final int DERIVED = ServerConfig.ConnectionLimits.DERIVED;

    @Test
    void aLowDescriptorLimitBoundsTheDerivedLimitAndTheHighWaterStaysUnderIt() {
        ConnectionBudget budget = ConnectionBudget.of(DERIVED, 1024, GIB);

        assertThat(budget.maxConnections()).isEqualTo((1024 - 256) * 4 / 5); // 614
        assertThat(budget.acceptHighWater()).isEqualTo(614 + 614 / 8).isLessThan(1024 - 256);
        assertThat(budget.acceptLowWater()).isBetween(budget.maxConnections(), budget.acceptHighWater());
        assertThat(budget.derivation()).contains("descriptors (1024 - 256 reserved)");
    }

    @Test
    void aSmallHeapBoundsTheDerivedLimit() {
        ConnectionBudget budget = ConnectionBudget.of(DERIVED, 1_048_576, 256L << 20);

        assertThat(budget.maxConnections()).isEqualTo(2048); // 256 MiB / 2 / 64 KiB
    }

    @Test
    void unknownDescriptorsLeaveTheHeapBound() {
        assertThat(ConnectionBudget.of(DERIVED, -1, GIB).maxConnections()).isEqualTo(8192);
    }

    @Test
    void aConfiguredLimitIsKeptAsItIs() {
        ConnectionBudget budget = ConnectionBudget.of(3, 1024, GIB);

        assertThat(budget.maxConnections()).isEqualTo(3);
        assertThat(budget.acceptHighWater()).isEqualTo(3 + 16);
        assertThat(budget.derivation()).isEqualTo("server.maxConnections");
        assertThat(ConnectionBudget.of(5000, 1024, GIB).derivation()).contains("above the 614").contains("raise ulimit -n");
    }

    @Test
    void aTinyProcessStillServesSomeone() {
        assertThat(ConnectionBudget.of(DERIVED, 200, 1L << 20).maxConnections()).isEqualTo(ConnectionBudget.MIN_DERIVED);
    }
}
