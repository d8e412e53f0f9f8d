package dev.hookline.plugins.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Operation;
import dev.hookline.plugins.storage.Compaction;
import dev.hookline.plugins.storage.GroupCommit;
import dev.hookline.plugins.storage.GroupCommit.Op;
import dev.hookline.plugins.storage.LogReader;
import dev.hookline.plugins.storage.Loaded;
import dev.hookline.plugins.storage.LoggedChange;
import dev.hookline.plugins.storage.StoreSlot;
import dev.hookline.plugins.storage.StoredJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * One SQLite database file: a snapshot per document plus a log of the changes made since.
 *
 * <h2>Writes: one writer, group commit</h2>
 * A single platform daemon thread owns the write connection and writes what callers queue, many
 * changes per transaction ({@link GroupCommit}). A caller that waits ({@link #append} in ack mode, {@link #store}, {@link #flush}) returns once
 * its work is committed; in async mode appends do not wait and the writer commits at most
 * {@code asyncFlushMillis} after the oldest uncommitted append.
 *
 * <h2>Reads</h2>
 * Loads use a small pool of their own connections (WAL lets readers run beside the writer), each
 * load in one read transaction, so it sees a snapshot and a log that belong together.
 *
 * <p>Thread-safe. Opened by the hooks on first use, closed by the plugin's {@code stop()}.
 */
final class SqliteStore implements StoreSlot.Store {

    private static final Logger log = LoggerFactory.getLogger("hookline.plugin.sqlite");

    /** The schema version this code writes, in {@code PRAGMA user_version}. */
    static final int SCHEMA_VERSION = 1;
    /** How many read connections loads may use at once. */
    private static final int READERS = 4;
    private static final int BUSY_TIMEOUT_MILLIS = 5_000;

    /** Where a load moves the rows of a damaged log ({@link Loaded.Skipped}). */
    static final String SKIPPED_TABLE = "skipped_changes";

    private static final LogReader LOG = new LogReader("snapshots", "changes");

    // The writer's units of work, besides GroupCommit's Barrier and Close; done is null for the
    // async appends nobody waits for.

    private record Append(LoggedChange change, CompletableFuture<Void> done) implements Op {
    }

    private record Snapshot(String document, long version, String state, String meta,
                            CompletableFuture<Void> done) implements Op {
    }

    /** Moves a document's logged changes above {@code after} to {@code skipped_changes}. */
    private record SetAside(String document, long after, CompletableFuture<Void> done) implements Op {
    }

    private final SqliteSettings settings;
    private final Path file;
    private final SQLiteDataSource readSource;
    private final Connection writeConnection;
    private final GroupCommit queue;
    private final Thread writer;
    private final ConcurrentLinkedQueue<Connection> idleReaders = new ConcurrentLinkedQueue<>();
    private final List<Connection> allReaders = new ArrayList<>();
    private final Semaphore readers = new Semaphore(READERS);
    /** Loads that found a damaged log and left part of it out, since the store opened. */
    private final AtomicLong damagedLoads = new AtomicLong();

    /**
     * Opens (and creates) the database, checks or creates the schema and starts the writer.
     *
     * @throws SQLException when the file cannot be opened or was written by a newer schema
     */
    SqliteStore(SqliteSettings settings) throws SQLException {
        this.settings = Objects.requireNonNull(settings);
        this.file = Path.of(settings.file()).toAbsolutePath().normalize();
        this.queue = new GroupCommit(settings.async(), settings.asyncFlushMillis(),
                () -> new SQLException("the sqlite storage is closed"));
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
        } catch (IOException e) {
            throw new SQLException("cannot create the folder of the database file " + file + ": " + e.getMessage(), e);
        }
        SQLiteDataSource writeSource = dataSource();
        this.readSource = dataSource();
        this.writeConnection = writeSource.getConnection();
        try {
            createSchema(writeConnection);
            writeConnection.setAutoCommit(false);
        } catch (SQLException e) {
            closeQuietly(writeConnection);
            throw e;
        }
        this.writer = Thread.ofPlatform().daemon().name("hookline-sqlite-writer").unstarted(this::runWriter);
        writer.start();
        log.info("SQLite storage at {} (durability {}, synchronous {}{})", file, settings.durability(),
                settings.synchronous(), settings.async() ? ", flush every " + settings.asyncFlushMillis() + " ms" : "");
    }

    private SQLiteDataSource dataSource() {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(settings.fullSync() ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.enforceForeignKeys(false);
        // Not DriverManager: the plugin's class loader registers the driver where the JDK's
        // DriverManager may not see it. The data source makes connections directly.
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + file);
        return source;
    }

    private static void createSchema(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            int existing;
            try (ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
                existing = rs.next() ? rs.getInt(1) : 0;
            }
            if (existing > SCHEMA_VERSION) {
                throw new SQLException("the database was written by a newer sqlite plugin (schema " + existing
                        + ", this plugin knows " + SCHEMA_VERSION + ")");
            }
            statement.executeUpdate("""
                    CREATE TABLE IF NOT EXISTS snapshots (
                      document  TEXT PRIMARY KEY,
                      version   INTEGER NOT NULL,
                      state     TEXT NOT NULL,
                      meta      TEXT NOT NULL,
                      stored_at INTEGER NOT NULL
                    )""");
            statement.executeUpdate("""
                    CREATE TABLE IF NOT EXISTS changes (
                      document TEXT NOT NULL,
                      version  INTEGER NOT NULL,
                      op       TEXT NOT NULL,
                      path     TEXT NOT NULL,
                      value    TEXT,
                      meta     TEXT,
                      PRIMARY KEY (document, version)
                    ) WITHOUT ROWID""");
            // Rows a load left out of a damaged log (see Skipped). Older plugins ignore the table,
            // so it does not change the schema version.
            statement.executeUpdate("""
                    CREATE TABLE IF NOT EXISTS skipped_changes (
                      document   TEXT NOT NULL,
                      version    INTEGER NOT NULL,
                      op         TEXT NOT NULL,
                      path       TEXT NOT NULL,
                      value      TEXT,
                      meta       TEXT,
                      skipped_at INTEGER NOT NULL
                    )""");
            statement.executeUpdate("PRAGMA user_version = " + SCHEMA_VERSION);
        }
    }

    /** @return the absolute path of the database file */
    Path file() {
        return file;
    }

    /** @return the settings the store was opened with */
    SqliteSettings settings() {
        return settings;
    }

    // ---- writes ---------------------------------------------------------------------------------

    /**
     * Appends a change to the log. In ack mode, returns once it is committed; in async mode, at once.
     *
     * @throws SQLException         when the commit failed (ack mode), or the store is closed
     * @throws InterruptedException when interrupted while waiting (the hook's deadline)
     */
    void append(String document, long version, Operation operation, String path, JsonNode value, JsonNode meta)
            throws SQLException, InterruptedException {
        boolean wait = !settings.async();
        CompletableFuture<Void> done = wait ? new CompletableFuture<>() : null;
        queue.submit(new Append(LoggedChange.of(document, version, operation, path, value, meta), done));
        if (wait) {
            GroupCommit.await(done);
        }
    }

    /**
     * Writes a snapshot and drops the logged changes it contains, in one transaction, after every
     * append queued before it. Idempotent; an older snapshot never replaces a newer one. Returns
     * once committed.
     */
    void store(String document, long version, JsonNode state, Map<String, JsonNode> meta)
            throws SQLException, InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.submit(new Snapshot(document, version, StoredJson.text(state), StoredJson.metaText(meta), done));
        GroupCommit.await(done);
    }

    /** Returns once everything queued before the call is committed. */
    void flush() throws SQLException, InterruptedException {
        queue.flush();
    }

    private void runWriter() {
        List<Op> batch = new ArrayList<>();
        boolean running = true;
        try (PreparedStatement insertChange = writeConnection.prepareStatement(
                     "INSERT OR REPLACE INTO changes (document, version, op, path, value, meta) VALUES (?, ?, ?, ?, ?, ?)");
             PreparedStatement upsertSnapshot = writeConnection.prepareStatement("""
                     INSERT INTO snapshots (document, version, state, meta, stored_at) VALUES (?, ?, ?, ?, ?)
                     ON CONFLICT (document) DO UPDATE SET version = excluded.version, state = excluded.state,
                       meta = excluded.meta, stored_at = excluded.stored_at
                     WHERE excluded.version >= snapshots.version""");
             PreparedStatement compact = writeConnection.prepareStatement(Compaction.sql("snapshots", "changes"));
             PreparedStatement keepSkipped = writeConnection.prepareStatement("""
                     INSERT INTO skipped_changes (document, version, op, path, value, meta, skipped_at)
                     SELECT document, version, op, path, value, meta, ? FROM changes WHERE document = ? AND version > ?""");
             PreparedStatement dropSkipped = writeConnection.prepareStatement(
                     "DELETE FROM changes WHERE document = ? AND version > ?")) {
            while (running) {
                running = queue.next(batch);
                write(batch, insertChange, upsertSnapshot, compact, keepSkipped, dropSkipped);
            }
        } catch (SQLException | RuntimeException e) {
            log.error("The SQLite writer stopped: {}", e.toString(), e);
        } finally {
            queue.finish(batch, () -> closeQuietly(writeConnection));
        }
    }

    /** Writes one batch in one transaction and completes its futures. */
    private void write(List<Op> batch, PreparedStatement insertChange, PreparedStatement upsertSnapshot,
                       PreparedStatement compact, PreparedStatement keepSkipped, PreparedStatement dropSkipped) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            long now = System.currentTimeMillis();
            for (Op op : batch) {
                switch (op) {
                    case Append a -> {
                        a.change().bind(insertChange);
                        insertChange.executeUpdate();
                    }
                    case Snapshot s -> {
                        upsertSnapshot.setString(1, s.document());
                        upsertSnapshot.setLong(2, s.version());
                        upsertSnapshot.setString(3, s.state());
                        upsertSnapshot.setString(4, s.meta());
                        upsertSnapshot.setLong(5, now);
                        upsertSnapshot.executeUpdate();
                        Compaction.run(compact, s.document(), s.version());
                    }
                    case SetAside a -> {
                        keepSkipped.setLong(1, now);
                        keepSkipped.setString(2, a.document());
                        keepSkipped.setLong(3, a.after());
                        keepSkipped.executeUpdate();
                        dropSkipped.setString(1, a.document());
                        dropSkipped.setLong(2, a.after());
                        dropSkipped.executeUpdate();
                    }
                    default -> { } // a Barrier or a Close: nothing to write but the commit
                }
            }
            writeConnection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                writeConnection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            log.error("SQLite write of {} operation(s) failed: {}", batch.size(), e.toString(), e);
            GroupCommit.failed(batch, e, log);
            return;
        }
        GroupCommit.committed(batch);
    }

    // ---- reads ----------------------------------------------------------------------------------

    /**
     * Loads a document: its snapshot (if any) with every later logged change replayed in order.
     * A damaged log (a missing version, a row that does not parse or apply) is not an error: the
     * document loads from the snapshot plus the longest valid prefix of the log, and the rest of
     * the log is set aside (moved to {@code skipped_changes}) before this returns, so the next
     * change of the document continues a whole log. {@link Loaded#skipped()} says what was left out;
     * the rows go to {@value #SKIPPED_TABLE}.
     *
     * @return the document, or {@code null} if nothing is stored for it
     * @throws SQLException  when reading fails, or the damaged part cannot be set aside
     */
    Loaded load(String document) throws SQLException, InterruptedException {
        Loaded loaded = read(document);
        if (loaded != null && loaded.skipped() != null) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            queue.submit(new SetAside(document, loaded.skipped().after(), done));
            GroupCommit.await(done);
            damagedLoads.incrementAndGet();
        }
        return loaded;
    }

    @Override
    public long damagedLoads() {
        return damagedLoads.get();
    }

    private Loaded read(String document) throws SQLException, InterruptedException {
        if (settings.async()) {
            flush(); // appends acknowledged but not committed yet belong to the document too
        }
        readers.acquire();
        Connection connection = null;
        boolean healthy = false;
        try {
            connection = idleReaders.poll();
            if (connection == null) {
                connection = newReader();
            }
            Loaded loaded = read(connection, document);
            healthy = true;
            return loaded;
        } finally {
            if (connection != null) {
                if (healthy) {
                    idleReaders.add(connection);
                } else {
                    discardReader(connection);
                }
            }
            readers.release();
        }
    }

    private Connection newReader() throws SQLException {
        return queue.whileOpen(() -> {
            Connection connection = readSource.getConnection();
            connection.setAutoCommit(false);
            synchronized (allReaders) {
                allReaders.add(connection);
            }
            return connection;
        });
    }

    private void discardReader(Connection connection) {
        synchronized (allReaders) {
            allReaders.remove(connection);
        }
        closeQuietly(connection);
    }

    private static Loaded read(Connection connection, String document) throws SQLException {
        try {
            return LOG.read(connection, document);
        } finally {
            connection.commit(); // ends the read transaction
        }
    }

    // ---- closing ----------------------------------------------------------------------------------

    /**
     * Commits everything queued, closes the connections and stops the writer. Later calls fail.
     * Idempotent.
     */
    @Override
    public void close() {
        queue.close(writer, log, "SQLite");
        synchronized (allReaders) {
            allReaders.forEach(SqliteStore::closeQuietly);
            allReaders.clear();
        }
        idleReaders.clear();
    }

    /** @return whether {@link #close} was called or the writer ended */
    @Override
    public boolean isClosed() {
        return queue.isClosed();
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("Closing a SQLite connection failed: {}", e.toString());
        }
    }
}
