package dev.hookline.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.faults.support.HeapProbe;
import dev.hookline.faults.support.NormalClient;
import dev.hookline.faults.support.Ledger;
import dev.hookline.faults.support.ServerProcess;
import dev.hookline.faults.support.SocketFlood;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The figure behind the connection limit's heap bound (docs/operations.md, "Fault suite and
 * figures"): the heap one idle WebSocket connection holds in the server. Idle connections are
 * opened in steps; after each, a full GC and the used heap. Printed per step and as the median.
 */
class IdleConnectionHeapIT extends FaultTestBase {

    private static final int STEP = 1_000;
    private static final int STEPS = 3;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void heapPerIdleConnection() throws Exception {
        // A long idle timeout: the raw sockets never answer pings, and must stay for the measurement.
        ServerProcess server = start(ServerProcess.options().javaOpts("-Xmx512m").set("server.idleTimeout", "10m"));
        List<SocketFlood> floods = new ArrayList<>();
        List<Long> perConnection = new ArrayList<>();
        try {
            long before = HeapProbe.usedAfterGc(server.pid());
            for (int step = 1; step <= STEPS; step++) {
                SocketFlood flood = SocketFlood.open(server.port(), STEP, 16, Duration.ofSeconds(60));
                floods.add(flood);
                assertThat(flood.held()).as("idle connections opened in step %d: %s", step, flood).isEqualTo(STEP);
                long after = HeapProbe.usedAfterGc(server.pid());
                perConnection.add((after - before) / STEP);
                log("heap per idle connection, step %d (%d -> %d connections): %d -> %d KiB used after GC, %d bytes each",
                        step, (step - 1) * STEP, step * STEP, before >> 10, after >> 10, (after - before) / STEP);
                before = after;
            }
            List<Long> sorted = perConnection.stream().sorted().toList();
            long median = sorted.get(sorted.size() / 2);
            log("heap per idle connection: median %d bytes of %s", median, perConnection);
            assertThat(median).as("heap per idle connection, bytes").isPositive().isLessThan(1024 * 1024);
            NormalClient.assertServedAndNothingLost(server.port(), new Ledger());
        } finally {
            floods.forEach(SocketFlood::close);
        }
    }
}
