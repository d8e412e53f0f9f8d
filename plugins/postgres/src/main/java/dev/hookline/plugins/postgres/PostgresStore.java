package dev.hookline.plugins.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Operation;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Documents in a PostgreSQL database: a snapshot per document plus a log of the changes made
 * since, and the highest fencing token recorded per document.
 *
 * <h2>Writes: one writer, group commit</h2>
 * A single platform daemon thread writes, on a connection of its own. Callers enqueue appends
 * and snapshots; the writer takes everything queued, writes it in <em>one</em> transaction,
 * commits, then completes the callers' futures. While it commits, new work queues up for the
 * next transaction, so under load many changes of many documents share one commit. A caller that
 * waits ({@link #append} in ack mode, {@link #store}, {@link #flush}) returns once its work is
 * committed; in async mode appends do not wait and the writer commits at most
 * {@code asyncFlushMillis} after the oldest uncommitted append.
 *
 * <h2>Fencing</h2>
 * Every operation carries the fencing token of the node's ownership of its document (0 on a
 * single node: never checked). A load with a token records it as the document's token (the
 * greatest wins) and is refused if a greater one is recorded already. The writer, in the same
 * transaction as the writes, share-locks the token rows of the documents in the batch and leaves
 * out every operation whose token is lower than the recorded one (that caller gets {@link Fenced},
 * the others in the batch are written). A load's record of a new token waits for those locks and
 * a write waits for the load's, so a write of a stale owner either commits before the new owner's
 * load (which then reads it) or is refused; it never lands after.
 *
 * <h2>Reads</h2>
 * Loads use the readers' pool, each load in one read-only {@code REPEATABLE READ} transaction, so
 * that it sees a snapshot and a log that belong together.
 *
 * <h2>Failures</h2>
 * Nothing waits without bound ({@link Pools}). A batch that fails (the database went away) fails
 * its callers and the writer goes on with the next one, so it recovers when the database is back.
 *
 * <p>Thread-safe. Opened by the hooks on first use, closed by the plugin's {@code stop()}.
 */
final class PostgresStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("hookline.plugin.postgres");

    /** The most operations one transaction takes; more go into the next one. */
    private static final int MAX_BATCH = 4096;
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
     * load stops before it; the rows are moved to {@code hookline_skipped_changes}.
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

    /** An operation on one document's data, refused when its token is older than the recorded one. */
    private sealed interface Write extends Op {
        String document();

        long fence();
    }

    private record Append(String document, long version, String op, String path, String value, String meta,
                          long fence, CompletableFuture<Void> done) implements Write {
    }

    private record Snapshot(String document, long version, String state, String meta, long fence,
                            CompletableFuture<Void> done) implements Write {
    }

    /** Moves a document's logged changes above {@code after} to {@code hookline_skipped_changes}. */
    private record SetAside(String document, long after, long fence, CompletableFuture<Void> done) implements Write {
    }

    /** Commits whatever is queued before it. */
    private record Barrier(CompletableFuture<Void> done) implements Op {
    }

    /** Commits whatever is queued before it, then the writer ends. */
    private record Close(CompletableFuture<Void> done) implements Op {
    }

    private final PostgresSettings settings;
    private final Pools pools;
    private final BlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    /** Guards {@link #closed} together with enqueueing, so nothing is queued behind {@link Close}. */
    private final ReentrantLock enqueue = new ReentrantLock();
    private boolean closed;
    private final Thread writer;
    private final long flushNanos;
    private final ReentrantLock migrating = new ReentrantLock();
    private volatile boolean migrated;
    /** Loads that found a damaged log and left part of it out, since the store opened. */
    private final AtomicLong damagedLoads = new AtomicLong();
    /** Write transactions committed since the store opened (group commit: fewer than the writes). */
    private final AtomicLong commits = new AtomicLong();

    /**
     * Creates the pools (they connect when first used) and starts the writer. Does not touch the
     * database: {@link #migrate()} does, and every read and write makes sure it has.
     *
     * @throws IllegalArgumentException when the URL does not parse (the message names the key)
     */
    PostgresStore(PostgresSettings settings) {
        this.settings = Objects.requireNonNull(settings);
        this.flushNanos = TimeUnit.MILLISECONDS.toNanos(settings.asyncFlushMillis());
        this.pools = new Pools(settings);
        this.writer = Thread.ofPlatform().daemon().name("hookline-postgres-writer").unstarted(this::runWriter);
        writer.start();
        log.info("PostgreSQL storage at {} (durability {}, pool {}+1{})", pools.target(), settings.durability(),
                settings.poolSize(), settings.async() ? ", flush every " + settings.asyncFlushMillis() + " ms" : "");
    }

    /** @return the settings the store was opened with */
    PostgresSettings settings() {
        return settings;
    }

    /** @return where the database is, without credentials */
    String target() {
        return pools.target();
    }

    /**
     * Creates or upgrades the schema unless this store did already. Every read and write batch
     * calls it, so a database that was down at start-up is set up as soon as it is reachable.
     *
     * @throws SQLException when the database cannot be reached or is newer than this plugin
     */
    void migrate() throws SQLException {
        if (migrated) {
            return;
        }
        migrating.lock();
        try {
            if (!migrated) {
                try (Connection connection = pools.readers().getConnection()) {
                    int applied = Migrations.apply(connection, settings.schema());
                    log.info("PostgreSQL schema {} at version {}{}", settings.schema(), Migrations.latest(),
                            applied == 0 ? "" : " (" + applied + " migration(s) applied now)");
                }
                migrated = true;
            }
        } finally {
            migrating.unlock();
        }
    }

    // ---- writes ---------------------------------------------------------------------------------

    /**
     * Appends a change to the log. In ack mode, returns once it is committed; in async mode, at once.
     *
     * @throws Fenced               when a newer owner's token is recorded (ack mode)
     * @throws SQLException         when the commit failed (ack mode), or the store is closed
     * @throws InterruptedException when interrupted while waiting (the hook's deadline)
     */
    void append(String document, long version, Operation operation, String path, JsonNode value, JsonNode meta,
                long fence) throws SQLException, InterruptedException {
        boolean wait = !settings.async();
        CompletableFuture<Void> done = wait ? new CompletableFuture<>() : null;
        submit(new Append(document, version, operation.name().toLowerCase(Locale.ROOT), path, text(value),
                meta == null || meta.isNull() || meta.isMissingNode() ? null : text(meta), fence, done));
        if (wait) {
            await(done);
        }
    }

    /**
     * Writes a snapshot and drops the logged changes it contains, in one transaction, after every
     * append queued before it. Idempotent; an older snapshot never replaces a newer one. Returns
     * once committed.
     *
     * @throws Fenced when a newer owner's token is recorded
     */
    void store(String document, long version, JsonNode state, Map<String, JsonNode> meta, long fence)
            throws SQLException, InterruptedException {
        ObjectNode metaObject = JSON.createObjectNode();
        meta.forEach(metaObject::set);
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(new Snapshot(document, version, text(state), text(metaObject), fence, done));
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
                throw closedFailure();
            }
            queue.add(op);
        } finally {
            enqueue.unlock();
        }
    }

    private static SQLException closedFailure() {
        return new SQLException("the postgres storage is closed", Failures.CLOSED);
    }

    private static void await(CompletableFuture<Void> done) throws SQLException, InterruptedException {
        try {
            done.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Fenced fenced) {
                throw fenced;
            }
            if (cause instanceof SQLException sql) {
                // A new exception, so the stack shows the caller; the writer's is the cause.
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
        try {
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
                write(batch);
            }
        } catch (RuntimeException | Error e) {
            log.error("The PostgreSQL writer stopped: {}", e.toString(), e);
        } finally {
            enqueue.lock();
            try {
                closed = true;
            } finally {
                enqueue.unlock();
            }
            List<Op> left = new ArrayList<>();
            queue.drainTo(left);
            SQLException gone = closedFailure();
            for (Op op : left) {
                if (op.done() != null) {
                    op.done().completeExceptionally(gone);
                }
            }
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

    /**
     * Writes one batch in one transaction and completes its futures: the fenced operations with
     * {@link Fenced}, the others once committed, or all with the failure.
     */
    private void write(List<Op> batch) {
        List<Write> writes = new ArrayList<>();
        for (Op op : batch) {
            if (op instanceof Write w) {
                writes.add(w);
            }
        }
        Map<Write, Fenced> refused = Map.of();
        if (!writes.isEmpty()) {
            try {
                migrate();
                refused = transaction(writes, true);
            } catch (SQLException | RuntimeException e) {
                failed(batch, e);
                return;
            }
        }
        for (Op op : batch) {
            Fenced fenced = refused.get(op);
            if (fenced != null) {
                if (op.done() != null) {
                    op.done().completeExceptionally(fenced);
                } else {
                    log.warn("An acknowledged change was not written (async durability): {}", fenced.getMessage());
                }
            } else if (op.done() != null && !(op instanceof Close)) {
                op.done().complete(null);
            }
        }
    }

    /**
     * Writes in one transaction on the writer's connection.
     *
     * @param retry whether a connection that breaks before the commit is answered (one the pool
     *              handed out while the database was away, or cut since) may be retried once on a
     *              new one. Safe: every operation is idempotent (upserts, and deletes by version),
     *              so even a commit whose answer was lost can be written again
     * @return the refused operations
     */
    private Map<Write, Fenced> transaction(List<Write> writes, boolean retry) throws SQLException {
        try (Connection connection = pools.writer().getConnection()) {
            try {
                Map<Write, Fenced> refused = refusedByFences(connection, writes);
                writeAll(connection, writes, refused);
                connection.commit();
                commits.incrementAndGet();
                return refused;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                if (retry && Failures.unavailable(e)) {
                    log.debug("The writer's connection broke ({}); once more on a new one", e.toString());
                    return transaction(writes, false);
                }
                throw e;
            }
        }
    }

    /**
     * Share-locks the token rows of the batch's fenced documents (in name order, so writers of
     * several nodes never deadlock) until the transaction ends, and returns the writes whose
     * token is older than the recorded one. A missing row is created first (token 0): a load that
     * records a token for the document then waits for this transaction too.
     */
    private static Map<Write, Fenced> refusedByFences(Connection connection, List<Write> writes) throws SQLException {
        Set<String> documents = new TreeSet<>();
        for (Write w : writes) {
            if (w.fence() > 0) {
                documents.add(w.document());
            }
        }
        if (documents.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> recorded = lockFences(connection, documents);
        if (recorded.size() < documents.size()) {
            Set<String> missing = new TreeSet<>(documents);
            missing.removeAll(recorded.keySet());
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO hookline_fences (document, fence) VALUES (?, 0) ON CONFLICT (document) DO NOTHING")) {
                for (String document : missing) {
                    insert.setString(1, document);
                    insert.executeUpdate();
                }
            }
            recorded.putAll(lockFences(connection, missing));
        }
        Map<Write, Fenced> refused = new IdentityHashMap<>(); // by identity: two async appends may be equal
        for (Write w : writes) {
            long current = recorded.getOrDefault(w.document(), 0L);
            if (w.fence() > 0 && current > w.fence()) {
                refused.put(w, new Fenced(w.document(), w.fence(), current));
            }
        }
        return refused;
    }

    private static Map<String, Long> lockFences(Connection connection, Set<String> documents) throws SQLException {
        Map<String, Long> recorded = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT document, fence FROM hookline_fences WHERE document = ANY (?) ORDER BY document FOR SHARE")) {
            select.setArray(1, connection.createArrayOf("text", documents.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    recorded.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return recorded;
    }

    /** Writes every operation not refused, in queue order. */
    private static void writeAll(Connection connection, List<Write> writes, Map<Write, Fenced> refused)
            throws SQLException {
        try (PreparedStatement insertChange = connection.prepareStatement("""
                INSERT INTO hookline_changes (document, version, op, path, value, meta)
                VALUES (?, ?, ?, ?, CAST(? AS json), CAST(? AS json))
                ON CONFLICT (document, version) DO UPDATE SET op = excluded.op, path = excluded.path,
                  value = excluded.value, meta = excluded.meta""");
             PreparedStatement upsertSnapshot = connection.prepareStatement("""
                     INSERT INTO hookline_snapshots (document, version, state, meta, stored_at)
                     VALUES (?, ?, CAST(? AS json), CAST(? AS json), now())
                     ON CONFLICT (document) DO UPDATE SET version = excluded.version, state = excluded.state,
                       meta = excluded.meta, stored_at = excluded.stored_at
                     WHERE excluded.version >= hookline_snapshots.version""");
             // Compaction. Rows above the stored version can only be changes the server reverted
             // after this plugin had logged them (a later onChange hook rejected, or a deadline):
             // the store runs on the document's lane, so every applied change is at or below it.
             // They go too, unless this store was older than the snapshot already kept.
             PreparedStatement compact = connection.prepareStatement("""
                     DELETE FROM hookline_changes WHERE document = ? AND (version <= ?
                         OR ? = (SELECT version FROM hookline_snapshots WHERE document = ?))""");
             PreparedStatement keepSkipped = connection.prepareStatement("""
                     INSERT INTO hookline_skipped_changes (document, version, op, path, value, meta, skipped_at)
                     SELECT document, version, op, path, value, meta, now() FROM hookline_changes
                     WHERE document = ? AND version > ?""");
             PreparedStatement dropSkipped = connection.prepareStatement(
                     "DELETE FROM hookline_changes WHERE document = ? AND version > ?")) {
            int pending = 0; // appends batched in insertChange, sent before anything else
            for (Write w : writes) {
                if (refused.containsKey(w)) {
                    continue;
                }
                if (!(w instanceof Append) && pending > 0) {
                    insertChange.executeBatch();
                    pending = 0;
                }
                switch (w) {
                    case Append a -> {
                        insertChange.setString(1, a.document());
                        insertChange.setLong(2, a.version());
                        insertChange.setString(3, a.op());
                        insertChange.setString(4, a.path());
                        insertChange.setString(5, a.value());
                        insertChange.setString(6, a.meta());
                        insertChange.addBatch();
                        pending++;
                    }
                    case Snapshot s -> {
                        upsertSnapshot.setString(1, s.document());
                        upsertSnapshot.setLong(2, s.version());
                        upsertSnapshot.setString(3, s.state());
                        upsertSnapshot.setString(4, s.meta());
                        upsertSnapshot.executeUpdate();
                        compact.setString(1, s.document());
                        compact.setLong(2, s.version());
                        compact.setLong(3, s.version());
                        compact.setString(4, s.document());
                        compact.executeUpdate();
                    }
                    case SetAside a -> {
                        keepSkipped.setString(1, a.document());
                        keepSkipped.setLong(2, a.after());
                        keepSkipped.executeUpdate();
                        dropSkipped.setString(1, a.document());
                        dropSkipped.setLong(2, a.after());
                        dropSkipped.executeUpdate();
                    }
                }
            }
            if (pending > 0) {
                insertChange.executeBatch();
            }
        }
    }

    private void failed(List<Op> batch, Exception e) {
        List<String> lost = new ArrayList<>();
        for (Op op : batch) {
            if (op.done() != null && !(op instanceof Close)) {
                op.done().completeExceptionally(e);
            } else if (op instanceof Append a) {
                lost.add(a.document() + "@" + a.version());
            } else if (op instanceof Close close) {
                close.done().complete(null);
            }
        }
        if (Failures.unavailable(e)) {
            log.error("PostgreSQL write of {} operation(s) failed, the database is not available: {}", batch.size(),
                    e.toString());
        } else {
            log.error("PostgreSQL write of {} operation(s) failed: {}", batch.size(), e.toString(), e);
        }
        if (!lost.isEmpty()) {
            log.error("{} acknowledged change(s) could not be written (async durability): {}. Unless those "
                    + "documents are stored again from memory, their log has a gap, and they load without the "
                    + "changes from the gap on", lost.size(), lost.size() > 20 ? lost.subList(0, 20) + "..." : lost);
        }
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException rollback) {
            cause.addSuppressed(rollback);
        }
    }

    // ---- reads ----------------------------------------------------------------------------------

    /**
     * Loads a document: its snapshot (if any) with every later logged change replayed in order.
     * With a fencing token, first records it as the document's token, in a transaction of its own
     * that commits before the read starts: from then on no write with an older token lands, and
     * every one that landed before is in what the read sees.
     *
     * <p>A damaged log (a missing version, a row that does not parse or apply) is not an error:
     * the document loads from the snapshot plus the longest valid prefix of the log, and the rest
     * of the log is set aside before this returns. {@link Loaded#skipped()} says what was left out.
     *
     * @return the document, or {@code null} if nothing is stored for it
     * @throws Fenced       when a greater token is recorded for the document
     * @throws SQLException when reading fails, or the damaged part cannot be set aside
     */
    Loaded load(String document, long fence) throws SQLException, InterruptedException {
        if (settings.async()) {
            flush(); // appends acknowledged but not committed yet belong to the document too
        }
        migrate();
        if (fence > 0) {
            long recorded = recordFence(document, fence, true);
            if (recorded > fence) {
                throw new Fenced(document, fence, recorded);
            }
        }
        Loaded loaded = read(document, true);
        if (loaded != null && loaded.skipped() != null) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            submit(new SetAside(document, loaded.skipped().after(), fence, done));
            await(done);
            damagedLoads.incrementAndGet();
        }
        return loaded;
    }

    /** @return how many write transactions committed since the store opened */
    long commits() {
        return commits.get();
    }

    /** @return how many operations wait for the writer now */
    int queued() {
        return queue.size();
    }

    /** @return how many loads found a damaged log and set part of it aside, since the store opened */
    long damagedLoads() {
        return damagedLoads.get();
    }

    /** The longest a load waits for the lock of its document's fence row. */
    private static final String FENCE_LOCK_TIMEOUT = "3s";

    /**
     * Records {@code fence} as the document's token unless a greater one is recorded. The upsert
     * takes the row's lock, so it waits for writer transactions that hold it shared.
     *
     * @return the token recorded now: {@code fence}, or the greater one found
     */
    private long recordFence(String document, long fence, boolean retry) throws SQLException {
        try (Connection connection = pools.readers().getConnection()) {
            try (java.sql.Statement bound = connection.createStatement()) {
                // A bounded wait for the row lock (a stale owner's writer may hold it): a refusal
                // the server retries rather than a load that burns its whole hook deadline.
                bound.execute("SET LOCAL lock_timeout = '" + FENCE_LOCK_TIMEOUT + "'");
            }
            try (PreparedStatement upsert = connection.prepareStatement("""
                    INSERT INTO hookline_fences (document, fence) VALUES (?, ?)
                    ON CONFLICT (document) DO UPDATE SET fence = greatest(hookline_fences.fence, excluded.fence),
                      updated_at = now()
                    RETURNING fence""")) {
                upsert.setString(1, document);
                upsert.setLong(2, fence);
                long recorded;
                try (ResultSet rs = upsert.executeQuery()) {
                    rs.next();
                    recorded = rs.getLong(1);
                }
                connection.commit();
                return recorded;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                if (retry && Failures.unavailable(e)) { // a broken connection: as for reads, once more
                    return recordFence(document, fence, false);
                }
                throw e;
            }
        }
    }

    /**
     * Reads on a connection of the pool, once more on a new one when the connection breaks (one
     * handed out while the database was away, or cut since): a read can always be repeated.
     */
    private Loaded read(String document, boolean retry) throws SQLException {
        try (Connection connection = pools.readers().getConnection()) {
            try {
                Loaded loaded = read(connection, document);
                connection.commit(); // ends the read transaction
                return loaded;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                if (retry && Failures.unavailable(e)) {
                    log.debug("A reader's connection broke ({}); once more on a new one", e.toString());
                    return read(document, false);
                }
                throw e;
            }
        }
    }

    private static Loaded read(Connection connection, String document) throws SQLException {
        // For this transaction only: nothing for the pool to reset afterwards.
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        }
        ObjectNode state = null;
        Map<String, JsonNode> meta = null;
        long snapshotVersion = 0;
        boolean found = false;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT version, state, meta FROM hookline_snapshots WHERE document = ?")) {
            select.setString(1, document);
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next()) {
                    found = true;
                    snapshotVersion = rs.getLong(1);
                    JsonNode tree = parse(rs.getString(2));
                    if (!(tree instanceof ObjectNode object)) {
                        throw new SQLDataException("the stored snapshot of " + document + " is not a JSON object");
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
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT version, op, path, value, meta FROM hookline_changes
                WHERE document = ? AND version > ? ORDER BY version""")) {
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
     * Commits everything queued, stops the writer and closes the pools. Later calls fail.
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
            log.warn("The PostgreSQL writer did not finish within {} s: {}", CLOSE_WAIT.toSeconds(), e.toString());
        }
        pools.close();
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
}
