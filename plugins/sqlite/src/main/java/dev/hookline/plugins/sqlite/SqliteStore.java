package dev.hookline.plugins.sqlite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Operation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * One SQLite database file: a snapshot per document plus a log of the changes made since.
 *
 * <h2>Writes: one writer, group commit</h2>
 * A single platform daemon thread owns the write connection. Callers enqueue appends and
 * snapshots; the writer takes everything queued, writes it in <em>one</em> transaction, commits,
 * then completes the callers' futures. While it commits, new work queues up and goes into the
 * next transaction, so under load many changes (of any number of documents) share one commit.
 * A caller that waits ({@link #append} in ack mode, {@link #store}, {@link #flush}) returns once
 * its work is committed; in async mode appends do not wait and the writer commits at most
 * {@code asyncFlushMillis} after the oldest uncommitted append.
 *
 * <h2>Reads</h2>
 * Loads use a small pool of their own connections (WAL lets readers run beside the writer), each
 * load in one read transaction, so it sees a snapshot and a log that belong together.
 *
 * <p>Thread-safe. Opened by the hooks on first use, closed by the plugin's {@code stop()}.
 */
final class SqliteStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("hookline.plugin.sqlite");

    /** The schema version this code writes, in {@code PRAGMA user_version}. */
    static final int SCHEMA_VERSION = 1;
    /** The most operations one transaction takes; more go into the next one. */
    private static final int MAX_BATCH = 4096;
    /** How many read connections loads may use at once. */
    private static final int READERS = 4;
    private static final int BUSY_TIMEOUT_MILLIS = 5_000;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    /**
     * JSON text in and out. Documents can be large and deep: the limits are the server's business
     * (frames are checked when they arrive), not the store's.
     */
    static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(100_000).maxStringLength(Integer.MAX_VALUE).maxNumberLength(Integer.MAX_VALUE)
                .maxDocumentLength(-1).build());
        JSON.getFactory().setStreamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(100_000).build());
    }

    /**
     * A document as stored: the snapshot with the logged changes replayed onto it.
     *
     * @param skipped what the load left out of a damaged log, or {@code null} when the log was whole
     */
    record Loaded(ObjectNode state, Map<String, JsonNode> meta, long version, long snapshotVersion, int replayed,
                  Skipped skipped) {
    }

    /**
     * The part of a document's log a load could not use: from the first row that does not continue
     * the valid prefix (a missing version, or a row that does not parse or apply) to the end. The
     * load stops before it; the rows are moved to {@code skipped_changes}, so later changes of the
     * document never land behind them and they are kept for a repair by hand.
     *
     * @param after  the last version the load could use (the document's version)
     * @param first  the first version left out
     * @param last   the last version left out
     * @param rows   how many logged rows were left out
     * @param reason why the row at {@code first} ends the valid prefix
     */
    record Skipped(long after, long first, long last, int rows, String reason) {
    }

    /** A unit of work for the writer. {@code done} is null for async appends nobody waits for. */
    private sealed interface Op {
        CompletableFuture<Void> done();
    }

    private record Append(String document, long version, String op, String path, String value, String meta,
                          CompletableFuture<Void> done) implements Op {
    }

    private record Snapshot(String document, long version, String state, String meta,
                            CompletableFuture<Void> done) implements Op {
    }

    /** Moves a document's logged changes above {@code after} to {@code skipped_changes}. */
    private record SetAside(String document, long after, CompletableFuture<Void> done) implements Op {
    }

    /** Commits whatever is queued before it. */
    private record Barrier(CompletableFuture<Void> done) implements Op {
    }

    /** Commits whatever is queued before it, then the writer closes the connection and ends. */
    private record Close(CompletableFuture<Void> done) implements Op {
    }

    private final SqliteSettings settings;
    private final Path file;
    private final SQLiteDataSource readSource;
    private final Connection writeConnection;
    private final BlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    /** Guards {@link #closed} together with enqueueing, so nothing is queued behind {@link Close}. */
    private final ReentrantLock enqueue = new ReentrantLock();
    private boolean closed;
    private final Thread writer;
    private final ConcurrentLinkedQueue<Connection> idleReaders = new ConcurrentLinkedQueue<>();
    private final List<Connection> allReaders = new ArrayList<>();
    private final Semaphore readers = new Semaphore(READERS);
    private final long flushNanos;
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
        this.flushNanos = TimeUnit.MILLISECONDS.toNanos(settings.asyncFlushMillis());
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
        submit(new Append(document, version, operation.name().toLowerCase(Locale.ROOT), path, text(value),
                meta == null || meta.isNull() || meta.isMissingNode() ? null : text(meta), done));
        if (wait) {
            await(done);
        }
    }

    /**
     * Writes a snapshot and drops the logged changes it contains, in one transaction, after every
     * append queued before it. Idempotent; an older snapshot never replaces a newer one. Returns
     * once committed.
     */
    void store(String document, long version, JsonNode state, Map<String, JsonNode> meta)
            throws SQLException, InterruptedException {
        ObjectNode metaObject = JSON.createObjectNode();
        meta.forEach(metaObject::set);
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(new Snapshot(document, version, text(state), text(metaObject), done));
        await(done);
    }

    /** Returns once everything queued before the call is committed. */
    void flush() throws SQLException, InterruptedException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(new Barrier(done));
        await(done);
    }

    private void submit(Op op) throws SQLException {
        enqueue.lock();
        try {
            if (closed) {
                throw new SQLException("the sqlite storage is closed");
            }
            queue.add(op);
        } finally {
            enqueue.unlock();
        }
    }

    private static void await(CompletableFuture<Void> done) throws SQLException, InterruptedException {
        try {
            done.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw new SQLException(sql.getMessage(), sql.getSQLState(), sql.getErrorCode(), sql);
            }
            throw new SQLException(String.valueOf(cause), cause);
        }
    }

    private static String text(JsonNode node) {
        if (node == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
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
             // Compaction. Rows above the stored version can only be changes the server reverted
             // after this plugin had logged them (a later onChange hook rejected, or a deadline):
             // the store runs on the document's lane, so every applied change is at or below it.
             // They go too, unless this store was older than the snapshot already kept.
             PreparedStatement compact = writeConnection.prepareStatement("""
                     DELETE FROM changes WHERE document = ? AND (version <= ?
                         OR ? = (SELECT version FROM snapshots WHERE document = ?))""");
             PreparedStatement keepSkipped = writeConnection.prepareStatement("""
                     INSERT INTO skipped_changes (document, version, op, path, value, meta, skipped_at)
                     SELECT document, version, op, path, value, meta, ? FROM changes WHERE document = ? AND version > ?""");
             PreparedStatement dropSkipped = writeConnection.prepareStatement(
                     "DELETE FROM changes WHERE document = ? AND version > ?")) {
            while (running) {
                batch.clear();
                try {
                    collect(batch);
                } catch (InterruptedException e) {
                    // Nobody interrupts the writer but a JVM in trouble: commit what there is and end.
                    queue.drainTo(batch);
                    running = false;
                }
                running &= batch.stream().noneMatch(op -> op instanceof Close);
                write(batch, insertChange, upsertSnapshot, compact, keepSkipped, dropSkipped);
            }
        } catch (SQLException | RuntimeException e) {
            log.error("The SQLite writer stopped: {}", e.toString(), e);
        } finally {
            enqueue.lock();
            try {
                closed = true;
            } finally {
                enqueue.unlock();
            }
            List<Op> left = new ArrayList<>();
            queue.drainTo(left);
            SQLException gone = new SQLException("the sqlite storage is closed");
            for (Op op : left) {
                if (op.done() != null) {
                    op.done().completeExceptionally(gone);
                }
            }
            closeQuietly(writeConnection);
            for (Op op : batch) {
                if (op instanceof Close close) {
                    close.done().complete(null);
                }
            }
        }
    }

    /**
     * Waits for work, then takes everything queued (up to {@link #MAX_BATCH}). In async mode, an
     * append nobody waits for holds the batch open for up to {@code asyncFlushMillis}, so that
     * one commit covers that whole window; anything a caller waits for ends the wait at once.
     */
    private void collect(List<Op> batch) throws InterruptedException {
        Op first = queue.take();
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - batch.size());
        if (!settings.async() || waited(batch)) {
            return;
        }
        long deadline = System.nanoTime() + flushNanos;
        while (batch.size() < MAX_BATCH) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Op next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, MAX_BATCH - batch.size());
            if (waited(batch)) {
                return;
            }
        }
    }

    private static boolean waited(List<Op> batch) {
        for (Op op : batch) {
            if (op.done() != null) {
                return true;
            }
        }
        return false;
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
                        insertChange.setString(1, a.document());
                        insertChange.setLong(2, a.version());
                        insertChange.setString(3, a.op());
                        insertChange.setString(4, a.path());
                        insertChange.setString(5, a.value());
                        insertChange.setString(6, a.meta());
                        insertChange.executeUpdate();
                    }
                    case Snapshot s -> {
                        upsertSnapshot.setString(1, s.document());
                        upsertSnapshot.setLong(2, s.version());
                        upsertSnapshot.setString(3, s.state());
                        upsertSnapshot.setString(4, s.meta());
                        upsertSnapshot.setLong(5, now);
                        upsertSnapshot.executeUpdate();
                        compact.setString(1, s.document());
                        compact.setLong(2, s.version());
                        compact.setLong(3, s.version());
                        compact.setString(4, s.document());
                        compact.executeUpdate();
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
                    case Barrier b -> { }
                    case Close c -> { }
                }
            }
            writeConnection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                writeConnection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            List<String> lost = new ArrayList<>();
            for (Op op : batch) {
                if (op.done() != null) {
                    op.done().completeExceptionally(e);
                } else if (op instanceof Append a) {
                    lost.add(a.document() + "@" + a.version());
                }
            }
            log.error("SQLite write of {} operation(s) failed: {}", batch.size(), e.toString(), e);
            if (!lost.isEmpty()) {
                log.error("{} acknowledged change(s) could not be written (async durability): {}. Unless those "
                        + "documents are stored again from memory, their log has a gap, and they load without the "
                        + "changes from the gap on",
                        lost.size(), lost.size() > 20 ? lost.subList(0, 20) + "..." : lost);
            }
            return;
        }
        for (Op op : batch) {
            if (op.done() != null && !(op instanceof Close)) {
                op.done().complete(null);
            }
        }
    }

    // ---- reads ----------------------------------------------------------------------------------

    /**
     * Loads a document: its snapshot (if any) with every later logged change replayed in order.
     * A damaged log (a missing version, a row that does not parse or apply) is not an error: the
     * document loads from the snapshot plus the longest valid prefix of the log, and the rest of
     * the log is set aside (moved to {@code skipped_changes}) before this returns, so the next
     * change of the document continues a whole log. {@link Loaded#skipped()} says what was left out.
     *
     * @return the document, or {@code null} if nothing is stored for it
     * @throws SQLException  when reading fails, or the damaged part cannot be set aside
     */
    Loaded load(String document) throws SQLException, InterruptedException {
        Loaded loaded = read(document);
        if (loaded != null && loaded.skipped() != null) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            submit(new SetAside(document, loaded.skipped().after(), done));
            await(done);
            damagedLoads.incrementAndGet();
        }
        return loaded;
    }

    /** @return how many loads found a damaged log and set part of it aside, since the store opened */
    long damagedLoads() {
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
        enqueue.lock();
        try {
            if (closed) {
                throw new SQLException("the sqlite storage is closed");
            }
            Connection connection = readSource.getConnection();
            connection.setAutoCommit(false);
            synchronized (allReaders) {
                allReaders.add(connection);
            }
            return connection;
        } finally {
            enqueue.unlock();
        }
    }

    private void discardReader(Connection connection) {
        synchronized (allReaders) {
            allReaders.remove(connection);
        }
        closeQuietly(connection);
    }

    private static Loaded read(Connection connection, String document) throws SQLException {
        try {
            ObjectNode state = null;
            Map<String, JsonNode> meta = null;
            long snapshotVersion = 0;
            boolean found = false;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT version, state, meta FROM snapshots WHERE document = ?")) {
                select.setString(1, document);
                try (ResultSet rs = select.executeQuery()) {
                    if (rs.next()) {
                        found = true;
                        snapshotVersion = rs.getLong(1);
                        JsonNode tree = parse(rs.getString(2));
                        if (!(tree instanceof ObjectNode object)) {
                            throw new SQLException("the stored snapshot of " + document + " is not a JSON object");
                        }
                        state = object;
                        meta = new LinkedHashMap<>();
                        JsonNode metaTree = parse(rs.getString(3));
                        for (Iterator<Map.Entry<String, JsonNode>> it = metaTree.properties().iterator(); it.hasNext(); ) {
                            Map.Entry<String, JsonNode> entry = it.next();
                            meta.put(entry.getKey(), entry.getValue());
                        }
                    }
                }
            }
            Replay replay = new Replay(state, meta, snapshotVersion);
            int replayed = 0;
            Skipped skipped = null;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT version, op, path, value, meta FROM changes WHERE document = ? AND version > ? ORDER BY version")) {
                select.setString(1, document);
                select.setLong(2, snapshotVersion);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        found = true;
                        long version = rs.getLong(1);
                        if (skipped != null) {
                            skipped = new Skipped(skipped.after(), skipped.first(), version, skipped.rows() + 1,
                                    skipped.reason());
                            continue;
                        }
                        String problem = version != replay.version() + 1
                                ? "a gap: after version " + replay.version() + " comes version " + version
                                : replayOne(replay, version, rs);
                        if (problem == null) {
                            replayed++;
                        } else {
                            skipped = new Skipped(replay.version(), version, version, 1, problem);
                        }
                    }
                }
            }
            return found ? new Loaded(replay.root(), replay.meta(), replay.version(), snapshotVersion, replayed, skipped)
                    : null;
        } finally {
            connection.commit(); // ends the read transaction
        }
    }

    /**
     * Applies the logged change in the current row.
     *
     * @return {@code null}, or why the row cannot be used (the replay is then unchanged)
     */
    private static String replayOne(Replay replay, long version, ResultSet rs) throws SQLException {
        try {
            String value = rs.getString(4);
            String changeMeta = rs.getString(5);
            replay.apply(version, operation(rs.getString(2)), rs.getString(3),
                    value == null ? null : parse(value), changeMeta == null ? null : parse(changeMeta));
            return null;
        } catch (SQLDataException | IllegalStateException e) {
            return "the change at version " + version + " does not apply: " + e.getMessage();
        }
    }

    private static Operation operation(String op) throws SQLException {
        return switch (op) {
            case "set" -> Operation.SET;
            case "merge" -> Operation.MERGE;
            case "delete" -> Operation.DELETE;
            default -> throw new SQLDataException("unknown operation in the change log: " + op);
        };
    }

    private static JsonNode parse(String text) throws SQLException {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SQLDataException("stored JSON does not parse: " + e.getOriginalMessage(), e);
        }
    }

    // ---- closing ----------------------------------------------------------------------------------

    /**
     * Commits everything queued, closes the connections and stops the writer. Later calls fail.
     * Idempotent.
     */
    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        enqueue.lock();
        try {
            if (!closed) {
                closed = true;
                queue.add(new Close(done));
            } else {
                done.complete(null);
            }
        } finally {
            enqueue.unlock();
        }
        try {
            done.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            writer.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("The SQLite writer did not finish within {} s: {}", CLOSE_WAIT.toSeconds(), e.toString());
        }
        synchronized (allReaders) {
            allReaders.forEach(SqliteStore::closeQuietly);
            allReaders.clear();
        }
        idleReaders.clear();
    }

    /** @return whether {@link #close} was called or the writer ended */
    boolean isClosed() {
        enqueue.lock();
        try {
            return closed;
        } finally {
            enqueue.unlock();
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("Closing a SQLite connection failed: {}", e.toString());
        }
    }
}
