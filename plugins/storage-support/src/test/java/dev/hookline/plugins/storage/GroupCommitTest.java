package dev.hookline.plugins.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The writer's queue without a database: batches, the async window, closing. */
class GroupCommitTest {

    private record Work(String name, CompletableFuture<Void> done) implements GroupCommit.Op {
    }

    private static GroupCommit queue(boolean async, int flushMillis) {
        return new GroupCommit(async, flushMillis, () -> new SQLException("closed", "08003"));
    }

    @Test
    void everythingQueuedGoesIntoOneBatch() throws Exception {
        GroupCommit queue = queue(false, 50);
        for (int i = 0; i < 5; i++) {
            queue.submit(new Work("w" + i, new CompletableFuture<>()));
        }
        List<GroupCommit.Op> batch = new ArrayList<>();
        assertThat(queue.next(batch)).isTrue();
        assertThat(batch).hasSize(5);
        GroupCommit.committed(batch);
        assertThat(batch).allMatch(op -> op.done().isDone());
    }

    @Test
    void inAsyncModeAnAppendNobodyWaitsForHoldsTheBatchOpenUntilSomethingIsWaitedFor() throws Exception {
        GroupCommit queue = queue(true, 10_000);
        queue.submit(new Work("async", null));
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(100);
                queue.submit(new Work("async too", null));
                queue.flush(); // a Barrier: waited for, so the batch ends at once
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<GroupCommit.Op> batch = new ArrayList<>();
        long start = System.nanoTime();
        queue.next(batch);
        assertThat(System.nanoTime() - start).as("well before the 10 s window").isLessThan(5_000_000_000L);
        assertThat(batch).hasSize(3).last().isInstanceOf(GroupCommit.Barrier.class);
        GroupCommit.committed(batch);
    }

    @Test
    void aCloseEndsTheWriterAndCompletesOnlyOnceReleased() throws Exception {
        GroupCommit queue = queue(false, 50);
        Work before = new Work("before", new CompletableFuture<>());
        queue.submit(before);
        List<GroupCommit.Op> batch = new ArrayList<>();
        List<String> released = new ArrayList<>();
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                boolean running = true;
                while (running) {
                    running = queue.next(batch);
                    GroupCommit.committed(batch);
                }
            } finally {
                queue.finish(batch, () -> released.add("released"));
            }
        });
        queue.close(writer, LoggerFactory.getLogger(GroupCommitTest.class), "test");
        assertThat(writer.isAlive()).isFalse();
        assertThat(released).containsExactly("released");
        assertThat(before.done()).isCompleted();
        assertThat(queue.isClosed()).isTrue();
        assertThatThrownBy(() -> queue.submit(new Work("after", new CompletableFuture<>())))
                .isInstanceOf(SQLException.class).hasMessage("closed");
        queue.close(writer, LoggerFactory.getLogger(GroupCommitTest.class), "test"); // idempotent
    }

    @Test
    void aFailedBatchFailsItsWaitersAndCompletesItsClose() throws Exception {
        Work waiting = new Work("waiting", new CompletableFuture<>());
        GroupCommit.Close close = new GroupCommit.Close(new CompletableFuture<>());
        GroupCommit.failed(List.of(waiting, close), new SQLException("disk full"),
                LoggerFactory.getLogger(GroupCommitTest.class));
        assertThatThrownBy(() -> GroupCommit.await(waiting.done())).isInstanceOf(SQLException.class)
                .hasMessage("disk full").cause().hasMessage("disk full");
        assertThat(close.done()).isCompleted();
        assertThat(waiting.done()).isCompletedExceptionally();
        assertThatThrownBy(() -> waiting.done().get()).isInstanceOf(ExecutionException.class);
    }
}
