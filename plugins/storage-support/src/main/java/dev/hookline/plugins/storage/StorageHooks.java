package dev.hookline.plugins.storage;

import dev.hookline.api.HookContext;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import java.util.Set;

/**
 * What a storage plugin's hooks class has whatever its database: the priority, the store opened
 * on the first hook call ({@link StoreSlot}) and closed with the hooks, the count of damaged loads.
 * The subclass opens its store ({@link #open}) and implements the hooks.
 *
 * <p>Priority {@value #PRIORITY}, below the default 100, so in every chain a storage plugin runs
 * after the plugins that validate or rewrite: an {@code onChange} hook that rejects a change then
 * runs before the change reaches the log. Hooks that post-process the loaded state need a priority
 * below {@value #PRIORITY}.
 *
 * @param <S> the plugin's store
 */
public abstract class StorageHooks<S extends StoreSlot.Store> implements ServerHooks, AutoCloseable {

    /** The priority of every hook of a storage plugin. */
    public static final int PRIORITY = 10;

    private final StoreSlot<S> store;

    /**
     * @param plugin the plugin's id, for messages
     * @param open   the slots with an open store of this load of the plugin, for its {@code stop()}
     *               ({@link StoreSlot#closeAll})
     */
    protected StorageHooks(String plugin, Set<StoreSlot<?>> open) {
        this.store = new StoreSlot<>(plugin, open);
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /**
     * Opens the store with the plugin's settings; called once, on the first hook call.
     *
     * @throws Reject what the hook answers when the store cannot be opened (4400 for bad settings)
     */
    protected abstract S open(HookContext context);

    /**
     * The open store, opened with {@link #open} on first use.
     *
     * @throws Reject 4503 once closed (a hook still finishing while the plugin stops or reloads);
     *                {@link #open}'s
     */
    protected final S openStore(HookContext context) {
        return store.get(() -> open(context));
    }

    /**
     * @return how many loads found a damaged change log and loaded its valid prefix, since the
     *         store opened (0 when it is not open)
     */
    public long damagedLoads() {
        S current = store.current();
        return current == null ? 0 : current.damagedLoads();
    }

    /** Commits what is queued and closes the store; later hook calls reject with 4503. Idempotent. */
    @Override
    public void close() {
        store.close();
    }
}
