package dev.hookline.plugins.sqlite;

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
 * Durable storage in one SQLite file: {@code onLoadDocument} reads the snapshot and replays the
 * change log after it (of a damaged log, its longest valid prefix: see {@link SqliteStore#load}),
 * {@code onChange} appends to the log (group commit; in {@code ack} mode before the change is
 * acknowledged), {@code onStoreDocument} writes a snapshot and compacts the log.
 *
 * <p>The database opens on the first hook call, with the plugin's settings ({@code onConfigure}
 * at start-up, so a bad setting or an unusable file stops the start-up), and closes when the
 * plugin stops ({@link SqlitePlugin}) or, for hooks registered in code, with {@link #close()}.
 *
 * <p>Priority {@value #PRIORITY}, below the default 100, so in every chain this plugin runs after
 * the plugins that validate or rewrite: an {@code onChange} hook that rejects a change then runs
 * before the change reaches the log. Hooks that post-process the loaded state need a priority
 * below {@value #PRIORITY}.
 */
public class SqliteHooks implements ServerHooks, AutoCloseable {

    /** The priority of every hook of this class. */
    public static final int PRIORITY = 10;

    /** Every store opened by this class loader (this load of the plugin), for {@link SqlitePlugin#stop()}. */
    private static final Set<SqliteHooks> OPEN = ConcurrentHashMap.newKeySet();

    private final ReentrantLock opening = new ReentrantLock();
    private volatile SqliteStore store;
    private volatile boolean closed;

    /** Creates the hooks; the database opens on first use. */
    public SqliteHooks() {
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /** Binds the settings and opens the database, so that a problem with either fails the start-up. */
    @Override
    public Configure onConfigure(Configure configure, HookContext context) {
        store(context);
        return null;
    }

    @Override
    public LoadDocument onLoadDocument(LoadDocument load, HookContext context) throws Exception {
        SqliteStore db = store(context);
        SqliteStore.Loaded loaded;
        try {
            loaded = db.load(load.document());
        } catch (SQLException e) {
            context.plugin().logger().error("Document '{}' not loaded: {}", load.document(), e.getMessage(), e);
            throw new Reject(Reject.INTERNAL_ERROR, "document " + load.document() + " cannot be loaded from storage");
        }
        if (loaded == null) {
            return null; // nothing stored: a new document
        }
        SqliteStore.Skipped skipped = loaded.skipped();
        if (skipped != null) {
            context.plugin().logger().warn("Document '{}' has a damaged change log: {}. Loaded at version {} (snapshot {} "
                            + "+ {} logged change(s)); left out {} logged row(s), versions {}..{}, now kept in the "
                            + "table skipped_changes. Damaged loads since start: {}", load.document(), skipped.reason(),
                    loaded.version(), loaded.snapshotVersion(), loaded.replayed(), skipped.rows(), skipped.first(),
                    skipped.last(), db.damagedLoads());
        }
        context.plugin().logger().debug("Loaded '{}' at version {} (snapshot {} + {} logged change(s))",
                load.document(), loaded.version(), loaded.snapshotVersion(), loaded.replayed());
        return load.withState(loaded.state()).withMeta(loaded.meta()).withVersion(loaded.version());
    }

    @Override
    public void onChange(Change change, HookContext context) throws Exception {
        SqliteStore db = store(context);
        try {
            db.append(change.document(), change.version(), change.operation(), change.path(), change.value(),
                    change.meta());
        } catch (SQLException e) {
            context.plugin().logger().error("Change {} of '{}' could not be written: {}", change.version(),
                    change.document(), e.getMessage());
            throw new Reject(Reject.INTERNAL_ERROR, "the change could not be stored");
        }
    }

    @Override
    public void onStoreDocument(StoreDocument document, HookContext context) throws Exception {
        SqliteStore db = store(context);
        try {
            db.store(document.document(), document.version(), document.state(), document.meta());
        } catch (SQLException e) {
            context.plugin().logger().error("Document '{}' could not be stored at version {}: {}", document.document(),
                    document.version(), e.getMessage());
            throw new Reject(Reject.INTERNAL_ERROR, "the document could not be stored");
        }
    }

    /**
     * The open store, opened with the plugin's settings on first use.
     *
     * @throws Reject 4503 once closed (a hook still finishing while the plugin stops or reloads);
     *                4500 when the settings are invalid or the database cannot be opened
     */
    SqliteStore store(HookContext context) {
        SqliteStore current = store;
        if (current != null && !current.isClosed()) {
            return current;
        }
        if (closed || current != null) {
            throw new Reject(4503, "the sqlite storage is closed (the plugin is stopping or restarting)");
        }
        opening.lock();
        try {
            if (store == null && !closed) {
                Logger logger = context.plugin().logger();
                SqliteSettings settings;
                try {
                    settings = context.plugin().settings(SqliteSettings.class);
                } catch (IllegalArgumentException e) {
                    logger.error("Invalid settings: {}", e.getMessage());
                    throw Reject.badRequest(e.getMessage());
                }
                try {
                    store = new SqliteStore(settings);
                } catch (SQLException e) {
                    logger.error("Cannot open the database {}: {}", settings.file(), e.getMessage(), e);
                    throw new Reject(Reject.INTERNAL_ERROR, "cannot open the sqlite database " + settings.file()
                            + ": " + e.getMessage());
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
     *         database opened (0 when it is not open)
     */
    public long damagedLoads() {
        SqliteStore current = store;
        return current == null ? 0 : current.damagedLoads();
    }

    /** Commits what is queued and closes the database; later hook calls reject with 4503. Idempotent. */
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

    /** Closes every database opened by this load of the plugin (its {@code stop()}). */
    static void closeAll() {
        for (SqliteHooks hooks : OPEN) {
            hooks.close();
        }
    }
}
