package dev.hookline.server.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChangeLogTest {

    private final ChangeLog<String> log = new ChangeLog<>(3);
    /** Shared by {@link #tenBytes} alone: what it holds. */
    private final ChangeLogBudget budget = new ChangeLogBudget(ChangeLogBudget.UNLIMITED);
    /** 100 entries, but 10 bytes. */
    private final ChangeLog<String> tenBytes = new ChangeLog<>(100, 10, budget);

    private void appendVersions(long from, long to) {
        for (long v = from; v <= to; v++) {
            log.append(v, "v" + v);
        }
    }

    @Test
    void emptyLogCatchesNobodyUp() {
        assertThat(log.size()).isZero();
        assertThat(log.newestVersion()).isEqualTo(-1);
        assertThat(log.since(0)).isEmpty();
        assertThat(log.since(-1)).isEmpty();
    }

    @Test
    void catchesUpExactly() {
        appendVersions(5, 7);
        assertThat(log.since(4)).contains(List.of("v5", "v6", "v7"));
        assertThat(log.since(5)).contains(List.of("v6", "v7"));
        assertThat(log.since(6)).contains(List.of("v7"));
    }

    @Test
    void nothingMissedIsAnEmptyList() {
        appendVersions(1, 2);
        assertThat(log.since(2)).contains(List.of());
    }

    @Test
    void tooOldOrFromTheFutureIsEmpty() {
        appendVersions(1, 5); // holds 3, 4, 5
        assertThat(log.since(2)).contains(List.of("v3", "v4", "v5"));
        assertThat(log.since(1)).isEmpty();
        assertThat(log.since(-7)).isEmpty();
        assertThat(log.since(6)).isEmpty();
        assertThat(log.since(Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void wrapsAroundManyTimes() {
        for (long v = 1; v <= 100; v++) {
            log.append(v, "v" + v);
            assertThat(log.size()).isEqualTo((int) Math.min(v, 3));
            assertThat(log.newestVersion()).isEqualTo(v);
            long oldest = Math.max(1, v - 2);
            for (long seen = oldest - 1; seen <= v; seen++) {
                List<String> expected = new java.util.ArrayList<>();
                for (long m = seen + 1; m <= v; m++) {
                    expected.add("v" + m);
                }
                assertThat(log.since(seen)).as("at %d since %d", v, seen).contains(expected);
            }
            assertThat(log.since(oldest - 2)).isEmpty();
        }
    }

    @Test
    void versionsMustBeConsecutive() {
        log.append(10, "v10");
        assertThatThrownBy(() -> log.append(12, "v12")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12").hasMessageContaining("10");
        assertThatThrownBy(() -> log.append(10, "again")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.append(9, "v9")).isInstanceOf(IllegalArgumentException.class);
        log.append(11, "v11");
        assertThat(log.since(9)).contains(List.of("v10", "v11"));
    }

    @Test
    void clearForgetsAndStartsAnywhere() {
        appendVersions(1, 3);
        log.clear();
        assertThat(log.size()).isZero();
        assertThat(log.newestVersion()).isEqualTo(-1);
        assertThat(log.since(3)).isEmpty();
        log.append(100, "v100");
        assertThat(log.since(99)).contains(List.of("v100"));
        assertThat(log.since(98)).isEmpty();
    }

    @Test
    void returnedListIsUnmodifiable() {
        appendVersions(1, 2);
        Optional<List<String>> entries = log.since(0);
        assertThat(entries).isPresent();
        assertThatThrownBy(() -> entries.get().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new ChangeLog<String>(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.append(-1, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.append(1, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void capacityOfOne() {
        ChangeLog<String> one = new ChangeLog<>(1);
        one.append(0, "v0");
        one.append(1, "v1");
        assertThat(one.since(0)).contains(List.of("v1"));
        assertThat(one.since(1)).contains(List.of());
        assertThat(one.since(-1)).isEmpty();
    }

    @Test
    void bytesBoundDropTheOldestAndKeepTheRunUnbroken() {
        tenBytes.append(1, "v1", 4);
        tenBytes.append(2, "v2", 4);
        assertThat(tenBytes.since(0)).contains(List.of("v1", "v2"));
        tenBytes.append(3, "v3", 4); // 12 bytes: v1 goes
        assertThat(tenBytes.bytes()).isEqualTo(8);
        assertThat(budget.used()).isEqualTo(8);
        assertThat(tenBytes.since(1)).contains(List.of("v2", "v3"));
        assertThat(tenBytes.since(0)).as("v1 was dropped: a reset, not a gap").isEmpty();
        tenBytes.append(4, "v4", 9); // 17 bytes: v2 and v3 go
        assertThat(tenBytes.size()).isEqualTo(1);
        assertThat(tenBytes.since(3)).contains(List.of("v4"));
        assertThat(tenBytes.since(2)).isEmpty();
    }

    @Test
    void anEntryLargerThanTheLogEmptiesIt() {
        tenBytes.append(1, "v1", 4);
        tenBytes.append(2, "v2", 11);
        assertThat(tenBytes.size()).isZero();
        assertThat(tenBytes.bytes()).isZero();
        assertThat(budget.used()).isZero();
        assertThat(tenBytes.since(1)).isEmpty();
        tenBytes.append(3, "v3", 2); // the next change starts a new run
        assertThat(tenBytes.since(2)).contains(List.of("v3"));
        assertThat(tenBytes.since(1)).isEmpty();
    }

    @Test
    void theSharedBudgetMakesTheWriterGiveUpItsOldest() {
        ChangeLogBudget budget = new ChangeLogBudget(20);
        ChangeLog<String> idle = new ChangeLog<>(100, 100, budget);
        ChangeLog<String> busy = new ChangeLog<>(100, 100, budget);
        idle.append(1, "i1", 12);
        busy.append(1, "b1", 5);
        busy.append(2, "b2", 5); // 22 in all: busy drops b1, idle keeps its own
        assertThat(budget.used()).isEqualTo(17);
        assertThat(idle.since(0)).contains(List.of("i1"));
        assertThat(busy.since(1)).contains(List.of("b2"));
        assertThat(busy.since(0)).isEmpty();
        busy.append(3, "b3", 9); // 26: even b3 must go, busy is left empty
        assertThat(busy.size()).isZero();
        assertThat(budget.used()).isEqualTo(12);
        idle.clear(); // the idle document left memory: its bytes come back
        assertThat(budget.used()).isZero();
        busy.append(4, "b4", 9);
        assertThat(busy.since(3)).contains(List.of("b4"));
    }

    @Test
    void theCapacityStillCountsAndGivesBytesBack() {
        ChangeLogBudget budget = new ChangeLogBudget(ChangeLogBudget.UNLIMITED);
        ChangeLog<String> bytes = new ChangeLog<>(2, 1000, budget);
        for (long v = 1; v <= 50; v++) {
            bytes.append(v, "v" + v, 3);
        }
        assertThat(bytes.bytes()).isEqualTo(6);
        assertThat(budget.used()).isEqualTo(6);
        assertThat(bytes.since(48)).contains(List.of("v49", "v50"));
    }
}
