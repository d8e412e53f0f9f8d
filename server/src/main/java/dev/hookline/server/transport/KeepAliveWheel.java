package dev.hookline.server.transport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pings every connection once per keep-alive interval from one timer task, not one task per
 * connection. The interval is cut into slots of about {@link #TARGET_SLOT_NANOS}; a connection
 * joins the slot that comes round again one interval after it joined, and each tick runs the
 * slot that is due. A tick costs O(connections due), and the pings of a slot go out together:
 * with one fixed-rate task per connection, 20,000 idle connections woke the timer thread, a
 * carrier and an IO thread for each of their 1,300 pings a second, one ping at a time.
 *
 * <p>A connection is still pinged every interval exactly (every slot comes round once per
 * interval); its first ping comes one interval after it joined, up to one slot early.
 */
final class KeepAliveWheel implements AutoCloseable {

    /** About four ticks a second: few wake-ups, and a first ping at most a quarter second early. */
    static final long TARGET_SLOT_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final Set<Runnable>[] slots;
    private final AtomicInteger current = new AtomicInteger();
    private final ScheduledFuture<?> task;

    /**
     * @param ticker   runs the ticks
     * @param interval nanoseconds between two pings of a connection
     */
    @SuppressWarnings("unchecked")
    KeepAliveWheel(ScheduledExecutorService ticker, long interval) {
        int count = (int) Math.max(1, Math.min(4096, Math.round((double) interval / TARGET_SLOT_NANOS)));
        slots = new Set[count];
        for (int i = 0; i < count; i++) {
            slots[i] = ConcurrentHashMap.newKeySet();
        }
        long period = Math.max(1, interval / count);
        task = ticker.scheduleAtFixedRate(this::tick, period, period, TimeUnit.NANOSECONDS);
    }

    /**
     * Pings {@code ping} every interval from now on.
     *
     * @return what stops it
     */
    Runnable add(Runnable ping) {
        // The slot that ran last comes round again one interval from now.
        Set<Runnable> slot = slots[Math.floorMod(current.get() - 1, slots.length)];
        slot.add(ping);
        return () -> slot.remove(ping);
    }

    private void tick() {
        int index = current.getAndUpdate(i -> (i + 1) % slots.length);
        for (Runnable ping : slots[index]) {
            try {
                ping.run();
            } catch (RuntimeException e) {
                // One connection's failure must not stop the others' pings (nor cancel this task).
                org.slf4j.LoggerFactory.getLogger(KeepAliveWheel.class).warn("A keep-alive ping failed", e);
            }
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
