package dev.hookline.server.documents;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The last changes of a document, each tagged with the version it produced, for catching up a
 * client that reconnects with the last version it saw. Versions are consecutive, so an entry's
 * slot in the ring is its version modulo the capacity.
 *
 * <p>Two bounds keep it: at most {@code capacity} entries, and at most {@code maxBytes} bytes
 * (each entry's size is given when it is appended: counted once, not measured again). Within a
 * shared {@link ChangeLogBudget}, the bytes of all logs together are bounded too: a log that
 * appends while the total is over the budget drops its own oldest entries until it is under, or
 * the log is empty. Only the oldest entries are ever dropped, so the log is always an unbroken
 * run of versions ending at the newest: a client is either replayed every change it missed or
 * told to reset, never given a gap. An entry larger than {@code maxBytes} is not kept at all.
 *
 * <p>The log knows nothing of versions before its first entry: an empty log (new, trimmed to
 * nothing, or {@linkplain #clear() cleared}) answers {@link Optional#empty()} to every
 * {@link #since}, so compare the client's version with the document's first (equal: nothing to
 * send).
 *
 * <p><b>Not thread-safe</b>: owned by the document's writer. (The budget is shared, and safe.)
 *
 * @param <E> the entry, e.g. an encoded change frame
 */
public final class ChangeLog<E> {

    private final Object[] ring;
    /** The bytes of the entry in the same slot of {@link #ring}. */
    private final int[] sizes;
    private final long maxBytes;
    private final ChangeLogBudget budget;
    /** The version of the newest entry; -1 when empty. */
    private long newest = -1;
    private int size;
    private long bytes;

    /**
     * A log bounded by entries only.
     *
     * @param capacity how many entries to keep, {@code >= 1}
     * @throws IllegalArgumentException if the capacity is below 1
     */
    public ChangeLog(int capacity) {
        this(capacity, ChangeLogBudget.UNLIMITED, new ChangeLogBudget(ChangeLogBudget.UNLIMITED));
    }

    /**
     * @param capacity how many entries to keep, {@code >= 1}
     * @param maxBytes how many bytes of entries to keep, {@code >= 1}
     * @param budget   the bytes shared with the other documents' logs
     * @throws IllegalArgumentException if the capacity or the bytes are below 1
     */
    public ChangeLog(int capacity, long maxBytes, ChangeLogBudget budget) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a change log holds at least 1 entry, not " + capacity);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("a change log holds at least 1 byte, not " + maxBytes);
        }
        this.ring = new Object[capacity];
        this.sizes = new int[capacity];
        this.maxBytes = maxBytes;
        this.budget = Objects.requireNonNull(budget, "budget");
    }

    /**
     * Appends an entry, then drops the oldest while the log is over its capacity, its bytes, or
     * the shared budget (which may drop the new entry too: then the log is empty).
     *
     * @param version the version the entry produced: the newest version + 1, or anything
     *                {@code >= 0} when the log is empty
     * @param entry   the entry, not null
     * @param bytes   what the entry weighs, {@code >= 0} (for a change: its encoded frame's length)
     * @throws IllegalArgumentException if the version does not follow the newest, or is negative,
     *                                  or the bytes are negative
     */
    public void append(long version, E entry, int bytes) {
        Objects.requireNonNull(entry, "entry");
        if (size > 0 ? version != newest + 1 : version < 0) {
            throw new IllegalArgumentException("change log: version " + version + " does not follow "
                    + (size > 0 ? "version " + newest : "an empty log (versions are >= 0)"));
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("change log: an entry weighs >= 0 bytes, not " + bytes);
        }
        if (size == ring.length) {
            dropOldest();
        }
        int slot = slot(version);
        ring[slot] = entry;
        sizes[slot] = bytes;
        newest = version;
        size++;
        this.bytes += bytes;
        long total = budget.take(bytes);
        while (size > 0 && (this.bytes > maxBytes || budget.over(total))) {
            total = dropOldest();
        }
    }

    /** Appends an entry that weighs nothing: for a log bounded by entries only. See {@link #append(long, Object, int)}. */
    public void append(long version, E entry) {
        append(version, entry, 0);
    }

    /** Drops the oldest entry and gives its bytes back. @return the budget's total now */
    private long dropOldest() {
        int slot = slot(newest - size + 1);
        int dropped = sizes[slot];
        ring[slot] = null;
        sizes[slot] = 0;
        size--;
        bytes -= dropped;
        if (size == 0) {
            newest = -1;
        }
        return budget.giveBack(dropped);
    }

    /**
     * Forgets every entry and gives their bytes back to the budget (after the document was
     * replaced wholesale, or when it leaves memory).
     */
    public void clear() {
        Arrays.fill(ring, null);
        Arrays.fill(sizes, 0);
        budget.giveBack(bytes);
        bytes = 0;
        newest = -1;
        size = 0;
    }

    /**
     * The entries a client at {@code version} missed, if the log still has all of them.
     *
     * @param version the last version the client saw
     * @return the entries with versions above {@code version}, oldest first; an empty list when
     *         {@code version} is the newest; {@link Optional#empty()} when the log is empty, no
     *         longer reaches back to {@code version + 1}, or {@code version} is newer than the
     *         newest (a client from another life of the document): then send a reset
     */
    public Optional<List<E>> since(long version) {
        if (size == 0 || version > newest || version < newest - size) {
            return Optional.empty();
        }
        int missed = (int) (newest - version);
        List<E> entries = new ArrayList<>(missed);
        for (long v = version + 1; v <= newest; v++) {
            @SuppressWarnings("unchecked") // only append() writes the ring, and it takes only E
            E entry = (E) ring[slot(v)];
            entries.add(entry);
        }
        return Optional.of(Collections.unmodifiableList(entries));
    }

    /** @return the version of the newest entry, -1 when the log is empty */
    public long newestVersion() {
        return newest;
    }

    /** @return how many entries the log holds, at most the capacity */
    public int size() {
        return size;
    }

    /** @return the bytes of the entries the log holds, at most {@code maxBytes} */
    public long bytes() {
        return bytes;
    }

    /** @return the capacity given to the constructor */
    public int capacity() {
        return ring.length;
    }

    private int slot(long version) {
        return (int) Math.floorMod(version, (long) ring.length);
    }
}
