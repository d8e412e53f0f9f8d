package dev.hookline.server.documents;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The last {@code capacity} changes of a document, each tagged with the version it produced, for
 * catching up a client that reconnects with the last version it saw. Versions are consecutive,
 * so an entry's slot in the ring is its version modulo the capacity.
 *
 * <p>The log knows nothing of versions before its first entry: an empty log (new, or
 * {@linkplain #clear() cleared}) answers {@link Optional#empty()} to every {@link #since}, so
 * compare the client's version with the document's first (equal: nothing to send).
 *
 * <p><b>Not thread-safe</b>: owned by the document's writer.
 *
 * @param <E> the entry, e.g. an encoded change frame
 */
public final class ChangeLog<E> {

    private final Object[] ring;
    /** The version of the newest entry; -1 when empty. */
    private long newest = -1;
    private int size;

    /**
     * @param capacity how many entries to keep, {@code >= 1}
     * @throws IllegalArgumentException if the capacity is below 1
     */
    public ChangeLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a change log holds at least 1 entry, not " + capacity);
        }
        this.ring = new Object[capacity];
    }

    /**
     * Appends an entry, dropping the oldest when full.
     *
     * @param version the version the entry produced: the newest version + 1, or anything
     *                {@code >= 0} when the log is empty
     * @param entry   the entry, not null
     * @throws IllegalArgumentException if the version does not follow the newest, or is negative
     */
    public void append(long version, E entry) {
        Objects.requireNonNull(entry, "entry");
        if (size > 0 ? version != newest + 1 : version < 0) {
            throw new IllegalArgumentException("change log: version " + version + " does not follow "
                    + (size > 0 ? "version " + newest : "an empty log (versions are >= 0)"));
        }
        ring[slot(version)] = entry;
        newest = version;
        size = Math.min(size + 1, ring.length);
    }

    /** Forgets every entry (for instance after the document was replaced wholesale). */
    public void clear() {
        Arrays.fill(ring, null);
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

    /** @return the capacity given to the constructor */
    public int capacity() {
        return ring.length;
    }

    private int slot(long version) {
        return (int) Math.floorMod(version, (long) ring.length);
    }
}
