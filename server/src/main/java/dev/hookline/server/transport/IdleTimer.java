package dev.hookline.server.transport;

import dev.hookline.server.flow.SerialLane;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Closes a connection when its idle timeout runs out, not at the next keep-alive tick after it: a
 * check at each tick alone closed a client 45 s idle only at the 60 s tick. One one-shot timer per
 * connection, armed for the time left until the connection would be idle; a pong costs nothing
 * here, the check just finds time left and arms again.
 *
 * <p>The check runs on the connection's lane, behind the frames already queued there, so a pong
 * that arrived before the deadline counts even when the lane is busy. At most one check is
 * pending at a time.
 *
 * <p>Lean at rest: when the timer fires, a look from the timer thread ({@code peek}: time left
 * since the last pong) re-arms it without going to the lane when the connection is plainly not
 * idle, which is almost always (a pong came since the timer was armed); only a connection that
 * looks idle costs a lane task. Deadlines are rounded up to a grid of {@link #GRAIN_NANOS}, so
 * the timers of many connections fire in one wake-up of the timer thread instead of one each: a
 * close comes at most that much after its idle timeout.
 */
final class IdleTimer {

    /** Deadlines fall on this grid (of {@link System#nanoTime}): timers due together fire together. */
    static final long GRAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ScheduledExecutorService ticker;
    private final SerialLane lane;
    private final LongSupplier peek;
    private final LongSupplier check;
    private volatile ScheduledFuture<?> next;
    private volatile boolean stopped;

    /**
     * @param peek  from any thread: the nanoseconds until the connection would be idle as far as
     *              can be seen without its lane, 0 or less when it may be idle (or is closed)
     * @param check on the lane: closes the connection if it is idle; returns the nanoseconds until
     *              it would be, or 0 when it closed (or was closed) and nothing is left to watch
     */
    IdleTimer(ScheduledExecutorService ticker, SerialLane lane, LongSupplier peek, LongSupplier check) {
        this.ticker = ticker;
        this.lane = lane;
        this.peek = peek;
        this.check = check;
    }

    /** Arms the first check. */
    void start(long delayNanos) {
        arm(delayNanos);
    }

    /** The socket closed: no more checks. */
    void stop() {
        stopped = true;
        ScheduledFuture<?> pending = next;
        if (pending != null) {
            pending.cancel(false);
        }
        // A check armed concurrently with this still runs once, finds the connection closed and stops.
    }

    private void arm(long delayNanos) {
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        long delay = Math.floorDiv(now + delayNanos + GRAIN_NANOS - 1, GRAIN_NANOS) * GRAIN_NANOS - now;
        try {
            next = ticker.schedule(this::fire, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            stopped = true; // the server is stopping: the ticker is shut down, and so is every socket
        }
    }

    private void fire() {
        long left = peek.getAsLong();
        if (left > 0) {
            arm(left); // a pong came meanwhile: no need to ask the lane
            return;
        }
        lane.submit(() -> {
            long stillLeft = check.getAsLong();
            if (stillLeft > 0) {
                arm(stillLeft);
            }
        });
    }
}
