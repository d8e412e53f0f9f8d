package dev.hookline.plugins.postgres;

import dev.hookline.api.HookContext;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Change;
import dev.hookline.api.payload.Configure;
import dev.hookline.api.payload.LoadDocument;
import dev.hookline.api.payload.StoreDocument;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;

/**
 * Durable storage in PostgreSQL: {@code onLoadDocument} reads the snapshot and replays the change
 * log after it (of a damaged log, its longest valid prefix), {@code onChange} appends to the log
 * (group commit; in {@code ack} mode before the change is acknowledged), {@code onStoreDocument}
 * writes a snapshot and compacts the log. In a cluster every hook is fenced by the ownership's
 * token ({@link PostgresStore}).
 *
 * <p>Failures: a fenced call and a database that cannot be used now (unreachable, restarting, out
 * of connections) reject with {@code 4503}; anything else (a bad stored row, an SQL error) with
 * {@code 4500}. No call waits longer than the pool's bounds ({@link Pools}).
 *
 * <p>The store opens on the first hook call, with the plugin's settings ({@code onConfigure} at
 * start-up, so a bad setting stops the start-up; a database that is down does not), and closes
 * when the plugin stops ({@link PostgresPlugin}) or, for hooks registered in code, with
 * {@link #close()}.
 *
 * <p>Priority {@value #PRIORITY}, as the sqlite plugin's: it runs after the plugins that validate
 * or rewrite.
 */
public class PostgresHooks implements ServerHooks, AutoCloseable {

    /** The priority of every hook of this class. */
    public static final int PRIORITY = 10;

    /** Every store opened by this class loader (this load of the plugin), for {@link PostgresPlugin#stop()}. */
    private static final Set<PostgresHooks> OPEN = ConcurrentHashMap.newKeySet();

    private final ReentrantLock opening = new ReentrantLock();
    private volatile PostgresStore store;
    private volatile boolean closed;

    /** Creates the hooks; the store opens on first use. */
    public PostgresHooks() {
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /**
     * Binds the settings and opens the store, so that a bad setting fails the start-up, and sets
     * up the schema if the database is reachable (if not, the first load or write does).
     */
    @Override
    public Configure onConfigure(Configure configure, HookContext context) {
        PostgresStore db = store(context);
        try {
            db.migrate();
        } catch (SQLException e) {
            context.plugin().logger().warn("PostgreSQL at {} is not usable now ({}); the hooks answer 4503 until it is",
                    db.target(), e.getMessage());
        }
        return null;
    }

    @Override
    public LoadDocument onLoadDocument(LoadDocument load, HookContext context) throws Exception {
        PostgresStore db = store(context);
        PostgresStore.Loaded loaded;
        try {
            loaded = db.load(load.document(), load.fence());
        } catch (SQLException e) {
            throw reject(context, e, "document " + load.document() + " cannot be loaded from storage",
                    "Document '" + load.document() + "' not loaded");
        }
        if (loaded == null) {
            return null; // nothing stored: a new document
        }
        PostgresStore.Skipped skipped = loaded.skipped();
        if (skipped != null) {
            context.plugin().logger().warn("Document '{}' has a damaged change log: {}. Loaded at version {} (snapshot {} "
                            + "+ {} logged change(s)); left out {} logged row(s), versions {}..{}, now kept in the "
                            + "table hookline_skipped_changes. Damaged loads since start: {}", load.document(),
                    skipped.reason(), loaded.version(), loaded.snapshotVersion(), loaded.replayed(), skipped.rows(),
                    skipped.first(), skipped.last(), db.damagedLoads());
        }
        context.plugin().logger().debug("Loaded '{}' at version {} (snapshot {} + {} logged change(s))",
                load.document(), loaded.version(), loaded.snapshotVersion(), loaded.replayed());
        return load.withState(loaded.state()).withMeta(loaded.meta()).withVersion(loaded.version());
    }

    @Override
    public void onChange(Change change, HookContext context) throws Exception {
        PostgresStore db = store(context);
        try {
            db.append(change.document(), change.version(), change.operation(), change.path(), change.value(),
                    change.meta(), change.fence());
        } catch (SQLException e) {
            throw reject(context, e, "the change could not be stored",
                    "Change " + change.version() + " of '" + change.document() + "' not written");
        }
    }

    @Override
    public void onStoreDocument(StoreDocument document, HookContext context) throws Exception {
        PostgresStore db = store(context);
        try {
            db.store(document.document(), document.version(), document.state(), document.meta(), document.fence());
        } catch (SQLException e) {
            throw reject(context, e, "the document could not be stored",
                    "Document '" + document.document() + "' not stored at version " + document.version());
        }
    }

    /**
     * The reject for a failed call, logged: 4503 with the reason when fenced or when the database
     * cannot be used now, else 4500 (the details go to the log only).
     */
    private static Reject reject(HookContext context, SQLException e, String reason, String what) {
        Logger logger = context.plugin().logger();
        if (e instanceof Fenced) {
            logger.warn("{}: {}", what, e.getMessage());
            return new Reject(4503, e.getMessage());
        }
        if (Failures.unavailable(e)) {
            logger.warn("{}: the database is not available: {}", what, e.getMessage());
            return new Reject(4503, reason + ": the postgres storage is not available now");
        }
        logger.error("{}: {}", what, e.getMessage(), e);
        return new Reject(Reject.INTERNAL_ERROR, reason);
    }

    /**
     * The open store, opened with the plugin's settings on first use.
     *
     * @throws Reject 4503 once closed (a hook still finishing while the plugin stops or reloads);
     *                4400 when the settings are invalid
     */
    PostgresStore store(HookContext context) {
        PostgresStore current = store;
        if (current != null && !current.isClosed()) {
            return current;
        }
        if (closed || current != null) {
            throw new Reject(4503, "the postgres storage is closed (the plugin is stopping or restarting)");
        }
        opening.lock();
        try {
            if (store == null && !closed) {
                try {
                    store = new PostgresStore(context.plugin().settings(PostgresSettings.class));
                } catch (IllegalArgumentException e) {
                    context.plugin().logger().error("Invalid settings: {}", e.getMessage());
                    throw Reject.badRequest(e.getMessage());
                }
                OPEN.add(this);
            }
        } finally {
            opening.unlock();
        }
        return store(context);
    }

    /**
     * @return how many loads found a damaged change log and loaded its valid prefix, since the
     *         store opened (0 when it is not open)
     */
    public long damagedLoads() {
        PostgresStore current = store;
        return current == null ? 0 : current.damagedLoads();
    }

    /** Commits what is queued and closes the store; later hook calls reject with 4503. Idempotent. */
    @Override
    public void close() {
        opening.lock();
        try {
            closed = true;
            OPEN.remove(this);
            if (store != null) {
                store.close();
            }
        } finally {
            opening.unlock();
        }
    }

    /** Closes every store opened by this load of the plugin (its {@code stop()}). */
    static void closeAll() {
        for (PostgresHooks hooks : OPEN) {
            hooks.close();
        }
    }
}
