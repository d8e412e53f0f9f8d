package dev.hookline.server.documents;

import java.util.concurrent.atomic.LongAdder;

/** How stores went, over all documents, since the server started. */
public final class StoreCounters {

    /**
     * A snapshot of the counters.
     *
     * @param stored   stores whose hooks all succeeded
     * @param failed   stores a hook rejected or failed (each is retried with backoff)
     * @param maxNanos the longest store, in nanoseconds
     * @param refused  writes and opens refused with 4503 because the storage that holds the
     *                 document is not installed (or could not first store it)
     */
    public record Snapshot(long stored, long failed, long maxNanos, long refused) {
    }

    private final LongAdder stored = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final java.util.concurrent.atomic.LongAccumulator maxNanos =
            new java.util.concurrent.atomic.LongAccumulator(Math::max, 0);
    /** Also told every successful store's duration in nanoseconds (a metrics timer). */
    private final java.util.function.LongConsumer storeDurations;

    StoreCounters() {
        this(nanos -> { });
    }

    /** @param storeDurations told the duration in nanoseconds of every successful store */
    StoreCounters(java.util.function.LongConsumer storeDurations) {
        this.storeDurations = storeDurations;
    }

    void stored(long nanos) {
        stored.increment();
        maxNanos.accumulate(nanos);
        storeDurations.accept(nanos);
    }

    void failed() {
        failed.increment();
    }

    void refused() {
        refused.increment();
    }

    /** @return the counters now */
    public Snapshot snapshot() {
        return new Snapshot(stored.sum(), failed.sum(), maxNanos.get(), refused.sum());
    }
}
