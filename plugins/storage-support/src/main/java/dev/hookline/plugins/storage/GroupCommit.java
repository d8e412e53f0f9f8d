package dev.hookline.plugins.storage;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The queue of a store's single writer thread, for group commit. Callers {@link #submit} work;
 * the writer takes everything queued ({@link #next}), writes it in <em>one</em> transaction,
 * commits, then completes the callers' futures. While it commits, new work queues up and goes
 * into the next transaction, so under load many changes (of any number of documents) share one
 * commit. In async mode appends do not wait and the writer commits at most
 * {@code asyncFlushMillis} after the oldest uncommitted append.
 *
 * <p>The writer's loop, in the store:
 * <pre>{@code
 * try {
 *     boolean running = true;
 *     while (running) {
 *         running = queue.next(batch);
 *         write(batch); // the store's ops; a Barrier or Close needs nothing but the commit
 *     }
 * } finally {
 *     queue.finish(batch, this::closeConnections);
 * }
 * }</pre>
 *
 * Thread-safe.
 */
public final class GroupCommit {

    /** The most operations one transaction takes; more go into the next one. */
    public static final int MAX_BATCH = 4096;

    /** How long {@link #close} waits for the writer. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    /** A unit of work for the writer. */
    public interface Op {
        /** @return what the caller waits for; {@code null} for async appends nobody waits for */
        CompletableFuture<Void> done();

        /** @return whether the writer ends after the batch holding it (a close) */
        default boolean ends() {
            return false;
        }

        /** @return the change it logs, if it logs one (for the log of changes lost in async mode) */
        default LoggedChange change() {
            return null;
        }
    }

    /** Commits whatever is queued before it ({@link #flush}). */
    public record Barrier(CompletableFuture<Void> done) implements Op {
    }

    /** Commits whatever is queued before it, then the writer releases what it holds and ends. */
    public record Close(CompletableFuture<Void> done) implements Op {
        @Override
        public boolean ends() {
            return true;
        }
    }

    private final BlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    /** Guards {@link #closed} together with enqueueing, so nothing is queued behind the close. */
    private final ReentrantLock enqueue = new ReentrantLock();
    private boolean closed;
    private final boolean async;
    private final long flushNanos;
    private final Supplier<SQLException> closedFailure;

    /**
     * @param async            whether appends are acknowledged before they are committed
     * @param asyncFlushMillis in async mode, the longest an append waits for its commit
     * @param closedFailure    what callers get once the store is closed
     */
    public GroupCommit(boolean async, int asyncFlushMillis, Supplier<SQLException> closedFailure) {
        this.async = async;
        this.flushNanos = TimeUnit.MILLISECONDS.toNanos(asyncFlushMillis);
        this.closedFailure = Objects.requireNonNull(closedFailure);
    }

    /**
     * Queues work for the writer.
     *
     * @throws SQLException the closed failure, once the store is closed
     */
    public void submit(Op op) throws SQLException {
        whileOpen(() -> queue.add(op));
    }

    /**
     * Runs {@code action} unless the store is closed, and holds off {@link #close} meanwhile (for
     * what must not start after the close, e.g. opening a connection the close would not see).
     *
     * @throws SQLException the closed failure, once the store is closed, or the action's
     */
    public <T> T whileOpen(SqlCall<T> action) throws SQLException {
        enqueue.lock();
        try {
            if (closed) {
                throw closedFailure.get();
            }
            return action.call();
        } finally {
            enqueue.unlock();
        }
    }

    /** Something that may fail with an {@link SQLException}. */
    @FunctionalInterface
    public interface SqlCall<T> {
        T call() throws SQLException;
    }

    /**
     * Returns once everything queued before the call is committed.
     *
     * @throws SQLException         when the commit failed, or the store is closed
     * @throws InterruptedException when interrupted while waiting
     */
    public void flush() throws SQLException, InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(new Barrier(done));
        await(done);
    }

    /**
     * Closes the queue, so that later calls fail, with a {@link Close} as its last op: the writer
     * commits everything queued before it, releases what it holds and ends. Waits for that (at
     * most 30 s, logged). Idempotent.
     *
     * @param writer the writer thread, joined
     * @param name   the writer's name in the log ("SQLite")
     */
    public void close(Thread writer, Logger log, String name) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        enqueue.lock();
        try {
            if (!closed) {
                closed = true;
                queue.add(new Close(done));
            } else {
                done.complete(null);
            }
        } finally {
            enqueue.unlock();
        }
        try {
            done.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            writer.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("The {} writer did not finish within {} s: {}", name, CLOSE_WAIT.toSeconds(), e.toString());
        }
    }

    /** @return whether {@link #close} was called or the writer ended */
    public boolean isClosed() {
        enqueue.lock();
        try {
            return closed;
        } finally {
            enqueue.unlock();
        }
    }

    /** @return how many operations wait for the writer now */
    public int size() {
        return queue.size();
    }

    /**
     * The writer's next batch, into {@code batch} (cleared first): waits for work, then takes
     * everything queued (up to {@link #MAX_BATCH}). In async mode, an append nobody waits for
     * holds the batch open for up to {@code asyncFlushMillis}, so that one commit covers that
     * whole window; anything a caller waits for ends the wait at once.
     *
     * @return whether the writer goes on after this batch: not when it holds a close, nor when
     *         the writer was interrupted (nobody interrupts it but a JVM in trouble: the batch is
     *         then what there is, to commit before the end)
     */
    public boolean next(List<Op> batch) {
        batch.clear();
        boolean running = true;
        try {
            collect(batch);
        } catch (InterruptedException e) {
            queue.drainTo(batch);
            running = false;
        }
        return running && batch.stream().noneMatch(Op::ends);
    }

    private void collect(List<Op> batch) throws InterruptedException {
        Op first = queue.take();
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - batch.size());
        if (!async || waited(batch)) {
            return;
        }
        long deadline = System.nanoTime() + flushNanos;
        while (batch.size() < MAX_BATCH) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Op next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, MAX_BATCH - batch.size());
            if (waited(batch)) {
                return;
            }
        }
    }

    private static boolean waited(List<Op> batch) {
        for (Op op : batch) {
            if (op.done() != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Completes the futures of a committed batch, but the close's: {@link #finish} completes that
     * once the writer has released what it holds.
     */
    public static void committed(List<Op> batch) {
        for (Op op : batch) {
            if (op.done() != null && !op.ends()) {
                op.done().complete(null);
            }
        }
    }

    /**
     * Fails the callers of a batch that was not written: those that wait get {@code failure}, a
     * close completes (what there was to commit is settled, the writer ends), and the async
     * appends nobody waits for are logged as lost, since they were acknowledged already.
     */
    public static void failed(List<Op> batch, Exception failure, Logger log) {
        List<String> lost = new ArrayList<>();
        for (Op op : batch) {
            if (op.ends()) {
                op.done().complete(null);
            } else if (op.done() != null) {
                op.done().completeExceptionally(failure);
            } else if (op.change() != null) {
                lost.add(op.change().at());
            }
        }
        if (!lost.isEmpty()) {
            log.error("{} acknowledged change(s) could not be written (async durability): {}. Unless those "
                    + "documents are stored again from memory, their log has a gap, and they load without the "
                    + "changes from the gap on", lost.size(), lost.size() > 20 ? lost.subList(0, 20) + "..." : lost);
        }
    }

    /**
     * The end of the writer, in its {@code finally}: closes the queue, fails what is still queued
     * with the closed failure, runs {@code release} (closing what the writer holds), then completes
     * the close in the last batch, so that a close returns once everything is released.
     */
    public void finish(List<Op> lastBatch, Runnable release) {
        enqueue.lock();
        try {
            closed = true;
        } finally {
            enqueue.unlock();
        }
        List<Op> left = new ArrayList<>();
        queue.drainTo(left);
        SQLException gone = closedFailure.get();
        for (Op op : left) {
            if (op.done() != null) {
                op.done().completeExceptionally(gone);
            }
        }
        try {
            release.run();
        } finally {
            for (Op op : lastBatch) {
                if (op.ends()) {
                    op.done().complete(null);
                }
            }
        }
    }

    /**
     * Waits until the writer has done the work behind {@code done}.
     *
     * @throws SQLException         the writer's failure, as a new exception (so that the stack
     *                              shows the caller) with the writer's as its cause
     * @throws InterruptedException when interrupted while waiting (the hook's deadline)
     */
    public static void await(CompletableFuture<Void> done) throws SQLException, InterruptedException {
        try {
            done.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw new SQLException(sql.getMessage(), sql.getSQLState(), sql.getErrorCode(), sql);
            }
            throw new SQLException(String.valueOf(cause), cause);
        }
    }
}
