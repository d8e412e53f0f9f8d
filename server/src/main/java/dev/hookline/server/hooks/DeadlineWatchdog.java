package dev.hookline.server.hooks;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces hook deadlines and keeps the coarse clock hooks are timed against. A platform daemon
 * thread (it must run even when every virtual-thread carrier is busy) wakes every tick, updates
 * {@link #now()} and checks each registered {@link CallContext}.
 *
 * <p>Reading the coarse clock costs a plain load, where {@link System#nanoTime()} would cost more
 * than a no-op hook. A hook therefore gets at least its deadline and at most one tick more.
 */
final class DeadlineWatchdog implements AutoCloseable {

    static final Logger log = LoggerFactory.getLogger(DeadlineWatchdog.class);

    private final Set<CallContext> contexts = ConcurrentHashMap.newKeySet();
    private final long tickNanos;
    private final long stuckAfterNanos;
    private final Consumer<CallContext> onUnregister;
    private final Thread thread;
    private volatile long now = System.nanoTime();
    private volatile boolean closed;

    /**
     * @param tickNanos       how often deadlines are checked
     * @param stuckAfterNanos how long after its interrupt a hook that has not returned is reported as stuck
     * @param onUnregister    called when a context closes (to fold its counters into the totals)
     */
    DeadlineWatchdog(long tickNanos, long stuckAfterNanos, Consumer<CallContext> onUnregister) {
        this.tickNanos = tickNanos;
        this.stuckAfterNanos = stuckAfterNanos;
        this.onUnregister = onUnregister;
        this.thread = Thread.ofPlatform().daemon().name("hookline-hook-watchdog").unstarted(this::loop);
        thread.start();
    }

    /** @return the coarse clock, at most one tick behind {@link System#nanoTime()} */
    long now() {
        return now;
    }

    void register(CallContext context) {
        contexts.add(context);
    }

    void unregister(CallContext context) {
        if (contexts.remove(context)) {
            onUnregister.accept(context);
        }
    }

    /** @return the contexts open now */
    Iterable<CallContext> contexts() {
        return contexts;
    }

    private void loop() {
        while (!closed) {
            LockSupport.parkNanos(tickNanos);
            long t = System.nanoTime();
            now = t;
            for (CallContext context : contexts) {
                try {
                    context.checkDeadline(t, tickNanos, stuckAfterNanos);
                } catch (RuntimeException e) {
                    log.error("Deadline check failed", e); // never let the watchdog die
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
