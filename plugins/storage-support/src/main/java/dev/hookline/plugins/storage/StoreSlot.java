package dev.hookline.plugins.storage;

import dev.hookline.api.Reject;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The store of one hooks instance, opened on the first hook call (the plugin's settings reach it
 * only through the hook context) and closed when the plugin stops or the hooks are closed. Once
 * closed it stays closed: a hook still finishing while the plugin stops or reloads gets a
 * {@code 4503}, never a store opened again behind the stop.
 *
 * @param <S> the store
 */
public final class StoreSlot<S extends StoreSlot.Store> implements AutoCloseable {

    /** What a slot holds. */
    public interface Store extends AutoCloseable {
        /** @return whether the store was closed or its writer ended */
        boolean isClosed();

        /** @return how many loads found a damaged log and set part of it aside, since the store opened */
        long damagedLoads();

        /** Commits what is queued and closes; idempotent. */
        @Override
        void close();
    }

    private final String plugin;
    private final Set<StoreSlot<?>> open;
    private final ReentrantLock opening = new ReentrantLock();
    private volatile S store;
    private volatile boolean closed;

    /**
     * @param plugin the plugin's id, for the message of the 4503
     * @param open   the slots with an open store, of this load of the plugin (its class loader):
     *               what its {@code stop()} closes ({@link #closeAll})
     */
    public StoreSlot(String plugin, Set<StoreSlot<?>> open) {
        this.plugin = plugin;
        this.open = open;
    }

    /**
     * The open store, opened with {@code opener} on first use.
     *
     * @param opener opens the store, or throws the {@link Reject} to answer (bad settings, ...)
     * @throws Reject 4503 once closed; the opener's
     */
    public S get(Supplier<S> opener) {
        S current = store;
        if (current != null && !current.isClosed()) {
            return current;
        }
        if (closed || current != null) {
            throw new Reject(4503, "the " + plugin + " storage is closed (the plugin is stopping or restarting)");
        }
        opening.lock();
        try {
            if (store == null && !closed) {
                store = opener.get();
                open.add(this);
            }
        } finally {
            opening.unlock();
        }
        return get(opener);
    }

    /** @return the store, or {@code null} when it was not opened */
    public S current() {
        return store;
    }

    /** Closes the store; later calls of {@link #get} reject with 4503. Idempotent. */
    @Override
    public void close() {
        opening.lock();
        try {
            closed = true;
            open.remove(this);
            if (store != null) {
                store.close();
            }
        } finally {
            opening.unlock();
        }
    }

    /** Closes every slot in {@code open} (a plugin's {@code stop()}). */
    public static void closeAll(Set<StoreSlot<?>> open) {
        for (StoreSlot<?> slot : open) {
            slot.close();
        }
    }
}
