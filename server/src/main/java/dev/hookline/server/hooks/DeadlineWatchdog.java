package dev.hookline.server.hooks;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces hook deadlines. A platform daemon thread (it must run even when every virtual-thread
 * carrier is busy) wakes every tick and checks the {@link CallContext}s that may run a chain.
 * Contexts do not publish start times (reading a clock costs more than a no-op hook): the watchdog
 * notes when it first sees a hook running, so a hook gets at least its deadline and at most one
 * tick more.
 *
 * <p>A tick costs O(contexts in use), not O(contexts): one per connection, most of them idle for
 * seconds between pings. A context that ran no chain for a whole tick is parked, off the list
 * ({@link CallContext#parkIfIdle}); its next chain puts it back as it begins. With 20,000 idle
 * connections the watchdog checked 400,000 contexts a second, for nothing.
 */
final class DeadlineWatchdog implements AutoCloseable {

    static final Logger log = LoggerFactory.getLogger(DeadlineWatchdog.class);

    /** Every open context (for the engine's statistics and the shutdown). */
    private final Set<CallContext> contexts = ConcurrentHashMap.newKeySet();
    /** The contexts checked each tick: those not parked. */
    private final Set<CallContext> watched = ConcurrentHashMap.newKeySet();
    private final long tickNanos;
    private final long stuckAfterNanos;
    private final Consumer<CallContext> onUnregister;
    private final Thread thread;
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

    void register(CallContext context) {
        contexts.add(context);
        watched.add(context);
    }

    /** Puts a parked context back on the list checked each tick. */
    void watch(CallContext context) {
        watched.add(context);
    }

    /** Takes a context off the list checked each tick (it is parking). */
    void unwatch(CallContext context) {
        watched.remove(context);
    }

    void unregister(CallContext context) {
        watched.remove(context);
        if (contexts.remove(context)) {
            context.giveBackCarrier();
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
            long now = System.nanoTime();
            for (CallContext context : watched) {
                try {
                    context.checkDeadline(now, stuckAfterNanos);
                    context.parkIfIdle();
                } catch (RuntimeException e) {
                    log.error("Deadline check failed", e); // never let the watchdog die
                }
            }
        }
        for (CallContext context : contexts) {
            context.giveBackCarrier(); // no tick will see its call return any more
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
