package dev.hookline.server.documents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.server.config.ServerConfig.StoreTiming;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StoreScheduleTest {

    private static final long MS = 1_000_000;
    private final StoreSchedule schedule = new StoreSchedule(new StoreTiming(Duration.ofMillis(2000),
            Duration.ofMillis(10_000), Duration.ofMillis(1000), Duration.ofMillis(8000)));

    @Test
    void nothingIsDueWithoutAChange() {
        assertThat(schedule.dueAt()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aStoreIsDueADebounceAfterTheLastChange() {
        schedule.changed(0);
        schedule.changed(500 * MS);

        assertThat(schedule.dueAt()).isEqualTo(2500 * MS);
    }

    @Test
    void aDocumentWrittenWithoutPauseIsStoredAtTheLatestAfterTheMaxDelay() {
        for (long t = 0; t <= 20_000; t += 100) {
            schedule.changed(t * MS);
        }

        assertThat(schedule.dueAt()).isEqualTo(10_000 * MS);
    }

    @Test
    void failedStoresBackOffExponentiallyUpToTheMaximum() {
        schedule.changed(0);

        assertThat(schedule.failed(2000 * MS)).isEqualTo(1000 * MS);
        assertThat(schedule.dueAt()).isEqualTo(3000 * MS);
        assertThat(schedule.failed(3000 * MS)).isEqualTo(2000 * MS);
        assertThat(schedule.failed(5000 * MS)).isEqualTo(4000 * MS);
        assertThat(schedule.failed(9000 * MS)).isEqualTo(8000 * MS);
        assertThat(schedule.failed(17_000 * MS)).isEqualTo(8000 * MS);
        assertThat(schedule.retrying()).isTrue();
    }

    @Test
    void aSuccessfulStoreClearsTheRetriesAndThePendingChange() {
        schedule.changed(0);
        schedule.failed(2000 * MS);

        schedule.stored(3000 * MS, false);

        assertThat(schedule.retrying()).isFalse();
        assertThat(schedule.dueAt()).isEqualTo(Long.MAX_VALUE);
        schedule.changed(4000 * MS);
        assertThat(schedule.dueAt()).isEqualTo(6000 * MS);
    }

    @Test
    void aStoreDuringWhichTheDocumentChangedLeavesAStoreDue() {
        schedule.changed(0);

        schedule.stored(2000 * MS, true);

        assertThat(schedule.dueAt()).isEqualTo(4000 * MS);
    }
}
