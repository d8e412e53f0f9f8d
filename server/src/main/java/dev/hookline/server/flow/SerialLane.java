package dev.hookline.server.flow;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on virtual threads. The frames of a connection
 * and the writes to a document each go through a lane of their own: order within a lane,
 * parallelism across lanes. No thread is parked while a lane is empty: the first task submitted
 * to an idle lane starts a virtual thread that drains it.
 */
public final class SerialLane {

    private static final Logger log = LoggerFactory.getLogger(SerialLane.class);
    /** Which lane the current thread is draining: a thread drains one lane at a time. */
    private static final ThreadLocal<SerialLane> DRAINING = new ThreadLocal<>();

    private final String name;
    private final Executor executor;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    /** Run once the task now running ends; touched only by the thread draining the lane. */
    private final java.util.ArrayList<Runnable> afterTask = new java.util.ArrayList<>(2);

    /**
     * @param name     names the lane in logs
     * @param executor starts the draining threads: a virtual-thread-per-task executor
     */
    public SerialLane(String name, Executor executor) {
        this.name = name;
        this.executor = executor;
    }

    /** Queues a task; it runs after every task submitted before it. Never blocks. */
    public void submit(Runnable task) {
        tasks.add(task);
        if (pending.getAndIncrement() == 0) {
            executor.execute(this::drain);
        }
    }

    /**
     * Runs a task on the lane and waits for its result. From the lane's own thread, runs it
     * inline (waiting for itself would never end).
     */
    public <T> T call(Supplier<T> task) {
        if (isCurrent()) {
            return task.get();
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        submit(() -> {
            try {
                result.complete(task.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime; // the task's own exception, as if it had run here
            }
            throw (Error) cause;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for lane " + name, e);
        }
    }

    /** @return whether the calling thread is this lane's, running one of its tasks */
    public boolean isCurrent() {
        return DRAINING.get() == this;
    }

    /**
     * Runs {@code action} once the task the calling thread runs for its lane has ended, so that
     * work the task produced piecemeal is handed on in one piece (the cluster relay sends what one
     * change queued for another node as one message).
     *
     * @return false, and nothing is kept, when the calling thread is not running a lane's task
     */
    public static boolean afterCurrentTask(Runnable action) {
        SerialLane lane = DRAINING.get();
        if (lane == null) {
            return false;
        }
        lane.afterTask.add(action);
        return true;
    }

    /** @return tasks queued or running */
    public int pending() {
        return pending.get();
    }

    private void drain() {
        DRAINING.set(this);
        try {
            do {
                Runnable task = tasks.poll();
                try {
                    task.run();
                } catch (Throwable t) {
                    // A task's own failures are its business; this only keeps the lane alive.
                    log.error("A task on lane {} failed", name, t);
                }
                if (!afterTask.isEmpty()) {
                    runAfterTask();
                }
            } while (pending.decrementAndGet() > 0);
        } finally {
            DRAINING.remove();
        }
    }

    private void runAfterTask() {
        for (int i = 0; i < afterTask.size(); i++) {
            try {
                afterTask.get(i).run();
            } catch (Throwable t) {
                log.error("An action after a task on lane {} failed", name, t);
            }
        }
        afterTask.clear();
    }

    @Override
    public String toString() {
        return name;
    }
}
