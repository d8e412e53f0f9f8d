package dev.hookline.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One timer task pings every connection once per interval, the first time one interval after it joined. */
class KeepAliveWheelTest {

    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        ticker.shutdownNow();
    }

    @Test
    void pingsEachConnectionOncePerIntervalUntilRemoved() throws Exception {
        long interval = TimeUnit.SECONDS.toNanos(1); // four slots of 250 ms
        try (KeepAliveWheel wheel = new KeepAliveWheel(ticker, interval)) {
            Thread.sleep(380); // joins between two ticks
            long joined = System.nanoTime();
            List<Long> pings = new CopyOnWriteArrayList<>();
            List<Long> others = new CopyOnWriteArrayList<>();
            Runnable stop = wheel.add(() -> pings.add(System.nanoTime() - joined));
            wheel.add(() -> others.add(System.nanoTime()));
            Thread.sleep(2_400);
            stop.run();
            int seen = pings.size();
            Thread.sleep(1_200);

            assertThat(seen).as("pings in 2.4 s at 1 s: %s", pings).isEqualTo(2);
            assertThat(pings.size()).as("none after removal").isEqualTo(seen);
            long first = TimeUnit.NANOSECONDS.toMillis(pings.get(0));
            long gap = TimeUnit.NANOSECONDS.toMillis(pings.get(1) - pings.get(0));
            // One interval after joining, at most one slot early (plus scheduling slack).
            assertThat(first).isBetween(700L, 1_150L);
            assertThat(gap).isBetween(900L, 1_100L);
            assertThat(others).as("the other connection keeps its pings").hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void anIntervalShorterThanASlotIsOneSlotOfThatInterval() throws Exception {
        List<Long> pings = new CopyOnWriteArrayList<>();
        try (KeepAliveWheel wheel = new KeepAliveWheel(ticker, TimeUnit.MILLISECONDS.toNanos(100))) {
            wheel.add(() -> pings.add(System.nanoTime()));
            Thread.sleep(1_050);
        }
        assertThat(pings.size()).isBetween(9, 11);
    }
}
