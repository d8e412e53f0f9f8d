package dev.hookline.server.hooks;

import dev.hookline.api.Connection;
import dev.hookline.api.HookContext;
import dev.hookline.api.PluginContext;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerApi;
import dev.hookline.server.flow.CarrierHeadroom;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The context hook chains run in, owned by one sequential worker (a connection, a document
 * writer, a start-up step). It is reused for every chain that worker runs, which is what makes
 * a chain call free of allocation, and it is the worker's slot in the {@link DeadlineWatchdog}.
 *
 * <p>One chain at a time: a context is used by one thread at a time and never re-entered. Close
 * it when the worker ends; its call counts then move into the engine's totals.
 *
 * <h2>Deadlines</h2>
 * A chain numbers its run and marks the context {@code RUNNING}; before each hook it publishes
 * the hook with a release store (no fence on x86). It publishes no start time: the watchdog
 * notes when it first sees a (run, hook) pair, which is at most one tick after the hook started.
 * When a hook is overdue, the watchdog moves the context from {@code RUNNING} to
 * {@code TIMING_OUT} with a CAS, interrupts the thread, and sets {@code TIMED_OUT}. The chain
 * checks the phase after each hook and ends with a CAS back to {@code IDLE}: if that CAS fails,
 * the watchdog won, so the chain fails with 4504 and clears the interrupt it was sent, which
 * therefore never leaks into the caller. Cost: one plain store and one load per hook, one CAS
 * per chain.
 *
 * <p>A hook that ignores the interrupt holds its thread: one tick after the interrupt, if the
 * chain still has not ended, the watchdog calls the owner's {@link #onOverrun} action (a
 * connection answers its request with 4504 at once), holding the phase at {@code ANSWERING}
 * meanwhile so the chain cannot end under it. The entry stays quarantined
 * ({@link EntryStats#overdue}) until the call returns. A call the watchdog sees {@code RUNNABLE}
 * for {@link CarrierHeadroom#LEND_AFTER_NANOS} gets the virtual-thread scheduler one more carrier
 * until it returns, so calls that spin do not take every carrier.
 *
 * <h2>Slow calls are always measured</h2>
 * When the watchdog sees the same (run, hook) on two ticks in a row, the call has lasted a tick or
 * more: it publishes when it first saw it. The chain reads that after each hook (one load) and
 * times such a call from that sighting, so a call of a tick or more is measured even when it was
 * not sampled: at most one tick short, never longer than it was.
 */
public final class CallContext implements HookContext, AutoCloseable {

    static final int IDLE = 0;
    static final int RUNNING = 1;
    static final int TIMING_OUT = 2;
    static final int TIMED_OUT = 3;
    /** The watchdog is answering for a hook that ignored its interrupt; the chain waits. */
    static final int ANSWERING = 4;
    /**
     * Idle, and off the watchdog's list of contexts to check: set by the watchdog (a CAS from
     * {@code IDLE}) once the context ran no chain for a tick; the next {@link #begin} puts it back.
     */
    static final int PARKED = 5;

    private static final VarHandle PHASE;
    private static final VarHandle CURRENT;
    private static final VarHandle RUN;
    private static final VarHandle SIGHTED;
    private static final VarHandle LENDING;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PHASE = lookup.findVarHandle(CallContext.class, "phase", int.class);
            CURRENT = lookup.findVarHandle(CallContext.class, "current", HookEntry.class);
            RUN = lookup.findVarHandle(CallContext.class, "run", long.class);
            SIGHTED = lookup.findVarHandle(CallContext.class, "sighted", HookEntry.class);
            LENDING = lookup.findVarHandle(CallContext.class, "lending", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final DeadlineWatchdog watchdog;
    private final ServerApi server;
    private Connection connection;

    @SuppressWarnings("unused") // accessed through PHASE
    private volatile int phase;
    /** The hook running now; plain for the owner thread, release/acquire between it and the watchdog. */
    private HookEntry current;
    /** Counts chain runs, so the watchdog can tell the same hook in a new run from a hook still running. */
    private long run;
    private Thread thread;

    // The watchdog's own notes: the (run, hook) it saw last and since when. Watchdog thread only.
    private long seenRun;
    private HookEntry seenEntry;
    private long seenSince;
    private boolean seenTwice;
    /** The run count the watchdog last found this context idle at: unchanged a tick later, it parks it. */
    private long idleRun = -1;

    // A call the watchdog saw on two ticks: written by the watchdog (sightedRun and sightedSince
    // before the release store of sighted), read by the owner after each hook.
    private HookEntry sighted;
    private long sightedRun;
    private long sightedSince;

    // Written by the watchdog before it publishes TIMED_OUT, read by the owner after.
    private HookEntry overran;
    private long overranAt;
    private boolean stuckReported;
    private boolean overrunAnswered;

    // A carrier lent to the virtual-thread scheduler while a call of (lentRun, lentEntry) runs on a
    // CPU (CarrierHeadroom). The watchdog lends and gives back; close() gives back too, hence the CAS.
    @SuppressWarnings("unused") // accessed through LENDING
    private volatile boolean lending;
    private long lentRun;
    private HookEntry lentEntry;
    private volatile Runnable onStuck;
    private volatile BiConsumer<Hook<?>, Reject> onOverrun;

    /** Calls per {@link EntryStats#slot}, thread-confined; summed by the engine when stats are read. */
    private long[] calls = new long[32];
    private int random;
    private final int sampleMask;
    private boolean closed;

    CallContext(DeadlineWatchdog watchdog, ServerApi server, Connection connection, int sampleMask) {
        this.watchdog = watchdog;
        this.server = server;
        this.connection = connection;
        this.sampleMask = sampleMask;
        this.random = (int) System.nanoTime() | 1;
    }

    @Override
    public ServerApi server() {
        if (server == null) {
            throw new IllegalStateException("no server API in this context (the engine runs without a server)");
        }
        return server;
    }

    @Override
    public Optional<Connection> connection() {
        return Optional.ofNullable(connection);
    }

    @Override
    public PluginContext plugin() {
        HookEntry entry = current;
        if (entry == null) {
            throw new IllegalStateException("plugin() is only available while a hook runs");
        }
        return entry.plugin;
    }

    /**
     * Sets the connection the next chains on this context are about, for owners that serve many
     * connections one after the other (a document's writer). Owner thread only, between chains.
     */
    public void bindConnection(Connection connection) {
        this.connection = connection;
    }

    /**
     * Sets what runs when a hook on this context overran its deadline and still has not returned
     * long after the interrupt (it ignores interruption). The owner typically closes its
     * connection, since its worker is stuck in the plugin.
     */
    public void onStuck(Runnable action) {
        this.onStuck = action;
    }

    /**
     * Sets what runs when a hook on this context overran its deadline and is still running one
     * tick after its interrupt (it ignores interruption): the owner answers the request waiting on
     * the chain with the reject (4504) now, instead of when, if ever, the hook returns. It runs on
     * the watchdog thread while the chain is held: it must not block.
     */
    public void onOverrun(BiConsumer<Hook<?>, Reject> action) {
        this.onOverrun = action;
    }

    /** @return whether a chain is running on this context now (it cannot take another until it ends) */
    public boolean busy() {
        int phaseNow = (int) PHASE.getVolatile(this);
        return phaseNow != IDLE && phaseNow != PARKED;
    }

    // ---- used by HookChain on the owner thread ------------------------------------------------

    void begin() {
        if (closed) {
            throw new IllegalStateException("this call context is closed");
        }
        int phaseNow = (int) PHASE.getVolatile(this);
        if (phaseNow != IDLE && phaseNow != PARKED) {
            throw new IllegalStateException("a chain is already running on this call context; contexts are not re-entrant");
        }
        thread = Thread.currentThread();
        RUN.setRelease(this, run + 1);
        // A CAS, not a plain store: the watchdog may park this context (IDLE to PARKED) at any
        // moment, and a store would hide that. Failing, it was parked (only the watchdog leaves
        // IDLE but for this thread, and only for PARKED): back on the list before the chain runs.
        if (!PHASE.compareAndSet(this, IDLE, RUNNING)) {
            watchdog.watch(this);
            PHASE.setVolatile(this, RUNNING);
        }
    }

    void enter(HookEntry entry) {
        CURRENT.setRelease(this, entry);
        int slot = entry.slot;
        long[] counts = calls;
        if (slot >= counts.length) {
            counts = calls = Arrays.copyOf(counts, Math.max(slot + 1, counts.length * 2));
        }
        counts[slot]++;
    }

    /** @return whether to measure the durations of this run's calls: one run in N ({@code Options.timingSample}), at random */
    boolean sample() {
        int x = random;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        random = x;
        return (x & sampleMask) == 0;
    }

    /** @return whether the watchdog has parked this idle context (it checks it no more until its next chain) */
    boolean parked() {
        return (int) PHASE.getVolatile(this) == PARKED;
    }

    /** @return whether the watchdog has timed out a hook of the running chain */
    boolean overrun() {
        return (int) PHASE.getVolatile(this) != RUNNING;
    }

    /**
     * @return whether the watchdog saw {@code entry}'s call in this run on two ticks (it lasted a
     *         tick or more); {@link #watchedSince()} then tells when it first saw it
     */
    boolean watched(HookEntry entry) {
        return (HookEntry) SIGHTED.getAcquire(this) == entry && sightedRun == run;
    }

    /** @return when the watchdog first saw the call {@link #watched} is true for */
    long watchedSince() {
        return sightedSince;
    }

    /**
     * Ends the chain. Returns {@code false} if the watchdog timed out one of its hooks, after
     * waiting for the watchdog to be done with it (its interrupt landed, its early answer sent)
     * and clearing the interrupt. The overdue call has returned: its entry may be reinstated.
     */
    boolean end() {
        CURRENT.setRelease(this, null);
        if (PHASE.compareAndSet(this, RUNNING, IDLE)) {
            return true;
        }
        // TIMING_OUT or ANSWERING: the watchdog is busy with this context for a moment.
        while (!PHASE.compareAndSet(this, TIMED_OUT, IDLE)) {
            Thread.onSpinWait();
        }
        Thread.interrupted(); // the interrupt was meant for the hook; do not hand it to the caller
        overran.stats.overdueReturned();
        return false;
    }

    /** @return the 4504 reject for the hook the watchdog found overdue */
    Reject overrunReject() {
        return new Reject(Reject.HOOK_TIMEOUT, "hook " + overran.stats.hook + " timed out");
    }

    // ---- used by the watchdog ----------------------------------------------------------------

    /**
     * Times out the running hook if it is overdue; answers for it if it ignores the interrupt;
     * reports it once if it stays stuck.
     */
    void checkDeadline(long now, long stuckAfterNanos) {
        int phaseNow = (int) PHASE.getAcquire(this);
        if ((boolean) LENDING.getVolatile(this) && (phaseNow == IDLE || (long) RUN.getAcquire(this) != lentRun
                || (HookEntry) CURRENT.getAcquire(this) != lentEntry)) {
            giveBackCarrier(); // the call it was lent for has returned
        }
        if (phaseNow == RUNNING) {
            long runNow = (long) RUN.getAcquire(this);
            HookEntry entry = (HookEntry) CURRENT.getAcquire(this);
            if (entry == null) {
                return;
            }
            if (entry != seenEntry || runNow != seenRun) {
                seenEntry = entry;
                seenRun = runNow;
                seenSince = now; // at most one tick after the hook started: the deadline is never cut short
                seenTwice = false;
                return;
            }
            if (!seenTwice) {
                seenTwice = true; // it has run a tick or more: the chain times it from seenSince
                sightedRun = runNow;
                sightedSince = seenSince;
                SIGHTED.setRelease(this, entry);
            }
            if (!(boolean) LENDING.getVolatile(this) && now - seenSince >= CarrierHeadroom.LEND_AFTER_NANOS
                    && thread.getState() == Thread.State.RUNNABLE && CarrierHeadroom.borrow()) {
                // On a CPU for a while (or waiting for a carrier): it may hold its carrier for good.
                lentRun = runNow;
                lentEntry = entry;
                LENDING.setVolatile(this, true);
            }
            if (now - seenSince > entry.timeoutNanos && PHASE.compareAndSet(this, RUNNING, TIMING_OUT)) {
                overran = entry;
                overranAt = now;
                stuckReported = false;
                overrunAnswered = false;
                entry.stats.timeouts.increment();
                entry.stats.overran(entry.timeoutNanos);
                DeadlineWatchdog.log.warn("Hook {} of plugin '{}' ({}) overran its deadline of {} ms; interrupting it and rejecting with 4504",
                        entry.stats.hook, entry.stats.pluginId, entry.stats.className, entry.timeoutNanos / 1_000_000);
                thread.interrupt();
                PHASE.setVolatile(this, TIMED_OUT);
            }
        } else if (phaseNow == TIMED_OUT) {
            if (!overrunAnswered && now != overranAt) {
                overrunAnswered = true; // one tick after the interrupt, and the chain has not ended
                answerOverrun();
            }
            if (!stuckReported && now - overranAt > stuckAfterNanos) {
                reportStuck(now);
            }
        }
    }

    /** The hook ignores its interrupt: let the owner answer now, with the chain held meanwhile. */
    private void answerOverrun() {
        BiConsumer<Hook<?>, Reject> action = onOverrun;
        if (action == null || !PHASE.compareAndSet(this, TIMED_OUT, ANSWERING)) {
            return; // no one to answer, or the chain ended just now and answers itself
        }
        try {
            action.accept(Hooks.byName(overran.stats.hook), overrunReject());
        } catch (RuntimeException e) {
            DeadlineWatchdog.log.warn("Answering for the overdue hook {} failed", overran.stats.hook, e);
        } finally {
            PHASE.setVolatile(this, TIMED_OUT);
        }
    }

    private void reportStuck(long now) {
        stuckReported = true;
        DeadlineWatchdog.log.error("Hook {} of plugin '{}' ({}) has not returned {} s after its deadline and ignores interruption; "
                        + "the work waiting on it is stuck", overran.stats.hook, overran.stats.pluginId,
                overran.stats.className, (now - overranAt) / 1_000_000_000L);
        Runnable action = onStuck;
        if (action != null) {
            try {
                action.run();
            } catch (RuntimeException e) {
                DeadlineWatchdog.log.warn("The stuck-hook action failed", e);
            }
        }
    }

    /**
     * Takes this context off the watchdog's list if it ran no chain since the last tick (so a
     * context in steady use stays on it, and pays nothing). Watchdog thread only, after
     * {@link #checkDeadline} in the same tick.
     *
     * @return whether it is parked now: the watchdog no longer checks it, and the next chain puts it back
     */
    boolean parkIfIdle() {
        long runNow = (long) RUN.getAcquire(this);
        if ((int) PHASE.getAcquire(this) != IDLE || (boolean) LENDING.getVolatile(this)) {
            return false;
        }
        if (runNow != idleRun) {
            idleRun = runNow; // idle now, but it ran since the last tick: wait one more
            return false;
        }
        watchdog.unwatch(this); // first off the list, then the CAS: a begin() that sees PARKED puts it back
        if (PHASE.compareAndSet(this, IDLE, PARKED)) {
            return true;
        }
        watchdog.watch(this); // a chain began meanwhile
        return false;
    }

    /** Gives back the carrier lent for this context's running call, once, if one is lent. */
    void giveBackCarrier() {
        if (LENDING.compareAndSet(this, true, false)) {
            CarrierHeadroom.giveBack();
        }
    }

    long callsOf(int slot) {
        long[] counts = calls;
        return slot < counts.length ? counts[slot] : 0;
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    /** Unregisters from the watchdog; the calls counted here move into the engine's totals. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            watchdog.unregister(this);
        }
    }
}
