package dev.hookline.server.hooks;

import dev.hookline.api.Reject;
import dev.hookline.api.Stop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The implementations of one hook, in the order they run. Immutable: the engine swaps whole
 * snapshots of chains, and a chain that started keeps running on the snapshot it started with.
 *
 * @param <P> the payload type
 */
public final class HookChain<P> {

    /** One link of a chain, for banners and admin views. */
    public record Link(String pluginId, String className, int priority, Duration timeout) {
    }


    private final Hook<P> hook;
    private final HookEntry[] entries;

    HookChain(Hook<P> hook, HookEntry[] entries) {
        this.hook = hook;
        this.entries = entries;
    }

    /** @return the hook this chain is for */
    public Hook<P> hook() {
        return hook;
    }

    /** @return whether no implementation overrides the hook (running the chain then does nothing) */
    public boolean isEmpty() {
        return entries.length == 0;
    }

    /** @return the links in running order */
    public List<Link> links() {
        List<Link> links = new ArrayList<>(entries.length);
        for (HookEntry e : entries) {
            links.add(new Link(e.stats.pluginId, e.stats.className, e.priority, Duration.ofNanos(e.timeoutNanos)));
        }
        return links;
    }

    /**
     * Runs the chain on the calling thread.
     *
     * @param payload the payload for the first hook
     * @param context the caller's context; must not have a chain running on it
     * @return the payload after every rewrite: {@code payload} itself when no hook rewrote it
     * @throws Reject when a hook rejected (its own reject), threw anything else (4500), or overran
     *                its deadline (4504); later hooks did not run
     */
    public P run(P payload, CallContext context) {
        HookEntry[] chain = entries;
        if (chain.length == 0) {
            return payload;
        }
        context.begin();
        P result = payload;
        Reject failure = null;
        boolean inTime;
        try {
            result = runLinks(chain, payload, context);
        } catch (Reject reject) {
            failure = reject;
        } finally {
            inTime = context.end();
        }
        if (!inTime) {
            throw context.overrunReject();
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    private P runLinks(HookEntry[] chain, P payload, CallContext context) {
        int ordinal = hook.ordinal();
        boolean sampledRun = context.sample(); // one draw per run: a sampled run times each of its hooks
        for (HookEntry entry : chain) {
            context.enter(entry);
            EntryStats stats = entry.stats;
            if (stats.overdue != 0) {
                // An earlier call is still running past its deadline: do not risk another thread on it.
                throw stats.quarantinedReject();
            }
            long startedAt = sampledRun || stats.alwaysTimed ? System.nanoTime() : 0L;
            P returned;
            try {
                @SuppressWarnings("unchecked") // HookDispatch returns the hook's own payload type
                P result = (P) HookDispatch.call(ordinal, entry.hooks, payload, context);
                returned = result;
            } catch (Stop stop) {
                record(entry, startedAt, context);
                if (stop.payload() == null) {
                    stats.stops.increment();
                    return payload;
                }
                P accepted = accept(entry, stop.payload(), context); // a wrong payload counts as an error, not a stop
                stats.stops.increment();
                return accepted;
            } catch (Reject reject) {
                record(entry, startedAt, context);
                if (!context.overrun()) {
                    stats.rejects.increment();
                }
                throw reject;
            } catch (Throwable error) {
                record(entry, startedAt, context);
                throw contain(entry, error, context);
            }
            record(entry, startedAt, context);
            if (context.overrun()) {
                return payload; // end() turns this into the 4504 reject
            }
            if (returned != null) {
                payload = returned;
                if (hook.endsChain(returned)) {
                    return returned;
                }
            }
        }
        return payload;
    }

    /**
     * Records the call's duration if it was timed (sampled, or its hook is typically slow) or if
     * the watchdog saw it run for a tick or more: a slow call is never left out of the statistics.
     */
    private static void record(HookEntry entry, long startedAt, CallContext context) {
        if (startedAt != 0L) {
            entry.stats.recordTime(System.nanoTime() - startedAt);
        } else if (context.watched(entry)) {
            entry.stats.recordTime(System.nanoTime() - context.watchedSince());
        }
    }

    private P accept(HookEntry entry, Object stopPayload, CallContext context) {
        if (!hook.rewrites()) {
            throw contain(entry, new IllegalArgumentException("Stop.with(payload) in " + hook.name()
                    + ", which cannot rewrite its payload; throw new Stop() instead"), context);
        }
        if (!hook.payloadType().isInstance(stopPayload)) {
            throw contain(entry, new IllegalArgumentException("Stop.with(" + stopPayload.getClass().getName()
                    + ") in " + hook.name() + ", which takes " + hook.payloadType().getSimpleName()), context);
        }
        return hook.payloadType().cast(stopPayload);
    }

    /** Turns a hook's failure into the reject the chain ends with; never lets it escape as is. */
    private Reject contain(HookEntry entry, Throwable error, CallContext context) {
        if (error instanceof VirtualMachineError && !(error instanceof StackOverflowError)) {
            throw (VirtualMachineError) error; // out of memory and the like: the process is in trouble, not the hook
        }
        if (context.overrun()) {
            return new Reject(Reject.HOOK_TIMEOUT, "hook timed out"); // replaced by end()'s reject, which names the hook
        }
        entry.stats.recordError(error);
        return new Reject(Reject.INTERNAL_ERROR, "internal error");
    }

    /**
     * @return whether {@code other} runs the very same hook instances in the same order. A rebuild
     *         for another plugin keeps them; a reload, unload or load of one of them does not.
     */
    public boolean sameHooksAs(HookChain<?> other) {
        if (other == this) {
            return true;
        }
        if (other.entries.length != entries.length) {
            return false;
        }
        for (int i = 0; i < entries.length; i++) {
            if (entries[i].hooks != other.entries[i].hooks) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return hook.name() + links();
    }
}
