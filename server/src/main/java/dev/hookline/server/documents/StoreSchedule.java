package dev.hookline.server.documents;

import dev.hookline.server.config.ServerConfig.StoreTiming;

/**
 * When one document is next due to be stored. A store is due {@code debounce} after the last
 * change, but never later than {@code maxDelay} after the first change not yet stored; after a
 * failure, not before the retry delay, which doubles from {@code retryMin} up to {@code retryMax}.
 * Times are {@link System#nanoTime()} values. Confined to the document's lane.
 */
final class StoreSchedule {

    private final long debounce;
    private final long maxDelay;
    private final long retryMin;
    private final long retryMax;

    private long lastChange;
    private long firstUnstored;
    private boolean pending;
    private long retryDelay;
    private long notBefore;

    StoreSchedule(StoreTiming timing) {
        this.debounce = timing.debounce().toNanos();
        this.maxDelay = timing.maxDelay().toNanos();
        this.retryMin = timing.retryMin().toNanos();
        this.retryMax = timing.retryMax().toNanos();
    }

    /** A change was applied at {@code now}. */
    void changed(long now) {
        lastChange = now;
        if (!pending) {
            pending = true;
            firstUnstored = now;
        }
    }

    /** @return when the next store is due, or {@link Long#MAX_VALUE} when nothing waits to be stored */
    long dueAt() {
        if (!pending) {
            return Long.MAX_VALUE;
        }
        long due = Math.min(lastChange + debounce, firstUnstored + maxDelay);
        return retryDelay == 0 ? due : Math.max(due, notBefore);
    }

    /** A store failed at {@code now}. @return the delay before the next attempt, in nanoseconds */
    long failed(long now) {
        retryDelay = retryDelay == 0 ? retryMin : Math.min(retryDelay * 2, retryMax);
        notBefore = now + retryDelay;
        return retryDelay;
    }

    /**
     * A store succeeded at {@code now}.
     *
     * @param stillChanged whether a hook changed the document while it was being stored
     */
    void stored(long now, boolean stillChanged) {
        retryDelay = 0;
        pending = false;
        if (stillChanged) {
            changed(now);
        }
    }

    /** @return whether a failed store is waiting to be retried */
    boolean retrying() {
        return retryDelay != 0;
    }
}
