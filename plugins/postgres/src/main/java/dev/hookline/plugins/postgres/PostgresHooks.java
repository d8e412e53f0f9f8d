package dev.hookline.plugins.postgres;

import dev.hookline.api.HookContext;
import dev.hookline.api.Reject;
import dev.hookline.api.payload.Change;
import dev.hookline.api.payload.Configure;
import dev.hookline.api.payload.LoadDocument;
import dev.hookline.api.payload.StoreDocument;
import dev.hookline.plugins.storage.LoadAnswer;
import dev.hookline.plugins.storage.Loaded;
import dev.hookline.plugins.storage.StorageHooks;
import dev.hookline.plugins.storage.StoreSlot;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Priority {@value StorageHooks#PRIORITY}, as every storage plugin's ({@link StorageHooks}):
 * it runs after the plugins that validate or rewrite.
 */
public class PostgresHooks extends StorageHooks<PostgresStore> {

    /** Every store opened by this class loader (this load of the plugin), for {@link PostgresPlugin#stop()}. */
    private static final Set<StoreSlot<?>> OPEN = ConcurrentHashMap.newKeySet();

    /** Creates the hooks; the store opens on first use. */
    public PostgresHooks() {
        super("postgres", OPEN);
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
        Loaded loaded;
        try {
            loaded = db.load(load.document(), load.fence());
        } catch (SQLException e) {
            throw reject(context, e, "document " + load.document() + " cannot be loaded from storage",
                    "Document '" + load.document() + "' not loaded");
        }
        return LoadAnswer.of(load, loaded, context.plugin().logger(), PostgresStore.SKIPPED_TABLE, db.damagedLoads());
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
        return openStore(context);
    }

    @Override
    protected PostgresStore open(HookContext context) {
        try {
            return new PostgresStore(context.plugin().settings(PostgresSettings.class));
        } catch (IllegalArgumentException e) {
            context.plugin().logger().error("Invalid settings: {}", e.getMessage());
            throw Reject.badRequest(e.getMessage());
        }
    }

    /** Closes every store opened by this load of the plugin (its {@code stop()}). */
    static void closeAll() {
        StoreSlot.closeAll(OPEN);
    }
}
