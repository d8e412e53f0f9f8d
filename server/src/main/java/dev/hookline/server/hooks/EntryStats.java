package dev.hookline.server.hooks;

import dev.hookline.api.Reject;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counters of one (hook, plugin, class). They outlive chain snapshots, so a reload keeps
 * counting where it left off.
 *
 * <p>Calls are the hot counter: they are kept per {@link CallContext} (plain, thread-confined
 * longs indexed by {@link #slot}) and summed when read, because an atomic increment per hook
 * call would cost as much as the call itself. Everything else here is rare (rejects, errors)
 * or sampled (durations), so it uses {@link LongAdder}s.
 */
final class EntryStats {

    private static final Logger log = LoggerFactory.getLogger(HookEngine.class);

    /**
     * A hook whose typical measured call takes longer than this is timed on every call (the clock
     * then costs nothing next to the call); below it, a random sample of calls is timed (one in 64 by default).
     */
    static final long SLOW_NANOS = 20_000;
    /** After the first error of a hook is logged with its stack trace, at most one line per this period. */
    private static final long ERROR_LOG_PERIOD_NANOS = 10_000_000_000L;

    final String hook;
    final String pluginId;
    final String className;
    final int slot;

    /** Calls made on contexts that have since closed. */
    final LongAdder closedContextCalls = new LongAdder();
    final LongAdder rejects = new LongAdder();
    final LongAdder stops = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    /** Calls refused with 4504 at once because another call of this entry was overdue. */
    final LongAdder quarantined = new LongAdder();
    private final LongAdder timedCalls = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();
    private final LongAccumulator maxNanos = new LongAccumulator(Math::max, 0);
    /**
     * Whether every call is timed: true while {@link #typicalNanos} is above {@link #SLOW_NANOS}.
     * Read on every call, written only when it flips.
     */
    volatile boolean alwaysTimed;
    /**
     * An exponentially weighted average (weight 1/8) of the measured durations. One cold or
     * interrupted call (the interpreter, a GC pause) lifts it for a dozen samples at most,
     * instead of condemning a fast hook to be timed forever. Updated without synchronisation:
     * a lost update only nudges a heuristic.
     */
    private long typicalNanos;

    private static final AtomicIntegerFieldUpdater<EntryStats> OVERDUE =
            AtomicIntegerFieldUpdater.newUpdater(EntryStats.class, "overdue");
    /**
     * Calls of this entry past their deadline that have not returned. While it is not 0 the entry
     * is quarantined: new calls fail fast with 4504 instead of running (a hook that spins ignoring
     * interrupts would pin one more virtual-thread carrier per call). Read on every call, a plain
     * load on x86; changed only by the watchdog when a call overruns and by the owner when that
     * call returns.
     */
    volatile int overdue;

    private final AtomicLong lastErrorLog = new AtomicLong();
    private final LongAdder unloggedErrors = new LongAdder();

    EntryStats(String hook, String pluginId, String className, int slot) {
        this.hook = hook;
        this.pluginId = pluginId;
        this.className = className;
        this.slot = slot;
    }

    void recordTime(long nanos) {
        timedCalls.increment();
        totalNanos.add(nanos);
        maxNanos.accumulate(nanos);
        long typical = typicalNanos + ((nanos - typicalNanos) >> 3);
        typicalNanos = typical;
        boolean slow = typical > SLOW_NANOS;
        if (slow != alwaysTimed) {
            alwaysTimed = slow;
        }
    }

    /** The watchdog found a call of this entry overdue: quarantine the entry until it returns. */
    void overran(long deadlineNanos) {
        if (OVERDUE.getAndIncrement(this) == 0) {
            log.warn("Hook {} of plugin '{}' ({}) is quarantined: a call overran its deadline of {} ms and has not returned; "
                            + "new calls of it are refused with 4504 until it does",
                    hook, pluginId, className, deadlineNanos / 1_000_000);
        }
    }

    /** An overdue call of this entry returned; the last one to return lifts the quarantine. */
    void overdueReturned() {
        if (OVERDUE.decrementAndGet(this) == 0) {
            log.info("Hook {} of plugin '{}' ({}) is reinstated: its overdue calls have returned", hook, pluginId, className);
        }
    }

    /** @return the reject for a call refused while the entry is quarantined (counted here) */
    Reject quarantinedReject() {
        quarantined.increment();
        return new Reject(Reject.HOOK_TIMEOUT, "hook " + hook + " of plugin '" + pluginId
                + "' is quarantined: an earlier call overran its deadline and has not returned");
    }

    /** Counts an error and logs it: the first with its stack trace, later ones at most once per period. */
    void recordError(Throwable error) {
        errors.increment();
        long now = System.nanoTime();
        long last = lastErrorLog.get();
        boolean first = last == 0;
        if ((first || now - last > ERROR_LOG_PERIOD_NANOS) && lastErrorLog.compareAndSet(last, first ? now | 1 : now)) {
            long unlogged = unloggedErrors.sumThenReset();
            if (first) {
                log.warn("Hook {} of plugin '{}' ({}) threw; the chain is rejected with 4500 internal error",
                        hook, pluginId, className, error);
            } else {
                log.warn("Hook {} of plugin '{}' ({}) threw again: {} ({} more errors not logged since the last report)",
                        hook, pluginId, className, error.toString(), unlogged);
            }
        } else {
            unloggedErrors.increment();
        }
    }

    HookStats snapshot(long calls) {
        return new HookStats(hook, pluginId, className, calls, rejects.sum(), stops.sum(), errors.sum(),
                timeouts.sum(), timedCalls.sum(), totalNanos.sum(), maxNanos.get(), quarantined.sum(), overdue);
    }
}
