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
 */
final class IdleTimer {

    private final ScheduledExecutorService ticker;
    private final SerialLane lane;
    private final LongSupplier check;
    private volatile ScheduledFuture<?> next;
    private volatile boolean stopped;

    /**
     * @param check closes the connection if it is idle; returns the nanoseconds until it would be,
     *              or 0 when it closed (or was closed) and nothing is left to watch
     */
    IdleTimer(ScheduledExecutorService ticker, SerialLane lane, LongSupplier check) {
        this.ticker = ticker;
        this.lane = lane;
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
        try {
            next = ticker.schedule(() -> lane.submit(() -> {
                long left = check.getAsLong();
                if (left > 0) {
                    arm(left);
                }
            }), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            stopped = true; // the server is stopping: the ticker is shut down, and so is every socket
        }
    }
}
