package dev.hookline.plugins.sqlite;

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
 * Durable storage in one SQLite file: {@code onLoadDocument} reads the snapshot and replays the
 * change log after it (of a damaged log, its longest valid prefix: see {@link SqliteStore#load}),
 * {@code onChange} appends to the log (group commit; in {@code ack} mode before the change is
 * acknowledged), {@code onStoreDocument} writes a snapshot and compacts the log.
 *
 * <p>The database opens on the first hook call, with the plugin's settings ({@code onConfigure}
 * at start-up, so a bad setting or an unusable file stops the start-up), and closes when the
 * plugin stops ({@link SqlitePlugin}) or, for hooks registered in code, with {@link #close()}.
 *
 * <p>Priority {@value StorageHooks#PRIORITY}, as every storage plugin's ({@link StorageHooks}):
 * it runs after the plugins that validate or rewrite.
 */
public class SqliteHooks extends StorageHooks<SqliteStore> {

    /** Every store opened by this class loader (this load of the plugin), for {@link SqlitePlugin#stop()}. */
    private static final Set<StoreSlot<?>> OPEN = ConcurrentHashMap.newKeySet();

    /** Creates the hooks; the database opens on first use. */
    public SqliteHooks() {
        super("sqlite", OPEN);
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
        Loaded loaded;
        try {
            loaded = db.load(load.document());
        } catch (SQLException e) {
            context.plugin().logger().error("Document '{}' not loaded: {}", load.document(), e.getMessage(), e);
            throw new Reject(Reject.INTERNAL_ERROR, "document " + load.document() + " cannot be loaded from storage");
        }
        return LoadAnswer.of(load, loaded, context.plugin().logger(), SqliteStore.SKIPPED_TABLE, db.damagedLoads());
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
     *                4400 when the settings are invalid, 4500 when the database cannot be opened
     */
    SqliteStore store(HookContext context) {
        return openStore(context);
    }

    @Override
    protected SqliteStore open(HookContext context) {
        Logger logger = context.plugin().logger();
        SqliteSettings settings;
        try {
            settings = context.plugin().settings(SqliteSettings.class);
        } catch (IllegalArgumentException e) {
            logger.error("Invalid settings: {}", e.getMessage());
            throw Reject.badRequest(e.getMessage());
        }
        try {
            return new SqliteStore(settings);
        } catch (SQLException e) {
            logger.error("Cannot open the database {}: {}", settings.file(), e.getMessage(), e);
            throw new Reject(Reject.INTERNAL_ERROR, "cannot open the sqlite database " + settings.file()
                    + ": " + e.getMessage());
        }
    }

    /** Closes every database opened by this load of the plugin (its {@code stop()}). */
    static void closeAll() {
        StoreSlot.closeAll(OPEN);
    }
}
