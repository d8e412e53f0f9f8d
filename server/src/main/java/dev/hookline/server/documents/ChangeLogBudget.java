package dev.hookline.server.documents;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes every document's {@link ChangeLog} holds together, against one limit. Each log adds
 * an entry's bytes when it appends it and gives them back when it drops it, so the total costs
 * one atomic add per logged change, whatever the number of documents or recipients.
 *
 * <p>The logs are owned by their documents' lanes, so one log cannot trim another: a log that
 * appends while the total is over the limit drops its own oldest entries until the total is
 * under it again, or it is empty. Trimming a log is always safe: a client resuming from a
 * version no longer in the log gets a reset (a fresh snapshot) instead of a replay.
 */
public final class ChangeLogBudget {

    /** No limit: for logs that only count by entries. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /**
     * @param limit the bytes all logs may hold together, {@code >= 1}
     * @throws IllegalArgumentException if the limit is below 1
     */
    public ChangeLogBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a change log budget is at least 1 byte, not " + limit);
        }
        this.limit = limit;
    }

    /** @return the bytes all logs may hold together */
    public long limit() {
        return limit;
    }

    /** @return the bytes all logs hold now */
    public long used() {
        return used.get();
    }

    /** Counts bytes a log took. @return the total now */
    long take(long bytes) {
        return used.addAndGet(bytes);
    }

    /** Counts bytes a log gave back. @return the total now */
    long giveBack(long bytes) {
        return used.addAndGet(-bytes);
    }

    /** @return whether a total returned by {@link #take} or {@link #giveBack} is over the limit */
    boolean over(long total) {
        return total > limit;
    }
}
