package dev.hookline.plugins.postgres;

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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Documents in a PostgreSQL database: a snapshot per document plus a log of the changes made
 * since, and the highest fencing token recorded per document.
 *
 * <h2>Writes: one writer, group commit</h2>
 * A single platform daemon thread writes, on a connection of its own, what callers queue, many
 * changes per transaction ({@link GroupCommit}). A caller that waits ({@link #append} in ack mode, {@link #store}, {@link #flush}) returns once its work is
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
final class PostgresStore implements StoreSlot.Store {

    private static final Logger log = LoggerFactory.getLogger("hookline.plugin.postgres");


    /** Where a load moves the rows of a damaged log ({@link Loaded.Skipped}). */
    static final String SKIPPED_TABLE = "hookline_skipped_changes";

    private static final LogReader LOG = new LogReader("hookline_snapshots", "hookline_changes");

    /** An operation on one document's data, refused when its token is older than the recorded one. */
    private sealed interface Write extends Op {
        String document();

        long fence();
    }

    private record Append(LoggedChange change, long fence, CompletableFuture<Void> done) implements Write {
        @Override
        public String document() {
            return change.document();
        }
    }

    private record Snapshot(String document, long version, String state, String meta, long fence,
                            CompletableFuture<Void> done) implements Write {
    }

    /** Moves a document's logged changes above {@code after} to {@code hookline_skipped_changes}. */
    private record SetAside(String document, long after, long fence, CompletableFuture<Void> done) implements Write {
    }

    private final PostgresSettings settings;
    private final Pools pools;
    private final GroupCommit queue;
    private final Thread writer;
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
        this.queue = new GroupCommit(settings.async(), settings.asyncFlushMillis(), PostgresStore::closedFailure);
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
        queue.submit(new Append(LoggedChange.of(document, version, operation, path, value, meta), fence, done));
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
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.submit(new Snapshot(document, version, StoredJson.text(state), StoredJson.metaText(meta), fence, done));
        await(done);
    }

    /** Returns once everything queued before the call is committed. */
    void flush() throws SQLException, InterruptedException {
        queue.flush();
    }

    private static SQLException closedFailure() {
        return new SQLException("the postgres storage is closed", Failures.CLOSED);
    }

    /** As {@link GroupCommit#await}, but a refusal comes as the {@link Fenced} itself, for the hooks. */
    private static void await(CompletableFuture<Void> done) throws SQLException, InterruptedException {
        try {
            GroupCommit.await(done);
        } catch (SQLException e) {
            if (e.getCause() instanceof Fenced fenced) {
                throw fenced;
            }
            throw e;
        }
    }

    private void runWriter() {
        List<Op> batch = new ArrayList<>();
        boolean running = true;
        try {
            while (running) {
                running = queue.next(batch);
                write(batch);
            }
        } catch (RuntimeException | Error e) {
            log.error("The PostgreSQL writer stopped: {}", e.toString(), e);
        } finally {
            queue.finish(batch, () -> { });
        }
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
            } else if (op.done() != null && !op.ends()) {
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
             PreparedStatement compact = connection.prepareStatement(
                     Compaction.sql("hookline_snapshots", "hookline_changes"));
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
                        a.change().bind(insertChange);
                        insertChange.addBatch();
                        pending++;
                    }
                    case Snapshot s -> {
                        upsertSnapshot.setString(1, s.document());
                        upsertSnapshot.setLong(2, s.version());
                        upsertSnapshot.setString(3, s.state());
                        upsertSnapshot.setString(4, s.meta());
                        upsertSnapshot.executeUpdate();
                        Compaction.run(compact, s.document(), s.version());
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
        if (Failures.unavailable(e)) {
            log.error("PostgreSQL write of {} operation(s) failed, the database is not available: {}", batch.size(),
                    e.toString());
        } else {
            log.error("PostgreSQL write of {} operation(s) failed: {}", batch.size(), e.toString(), e);
        }
        GroupCommit.failed(batch, e, log);
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
     * of the log is set aside (in {@value #SKIPPED_TABLE}) before this returns.
     * {@link Loaded#skipped()} says what was left out.
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
            queue.submit(new SetAside(document, loaded.skipped().after(), fence, done));
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

    @Override
    public long damagedLoads() {
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
        return LOG.read(connection, document);
    }

    // ---- closing ----------------------------------------------------------------------------------

    /**
     * Commits everything queued, stops the writer and closes the pools. Later calls fail.
     * Idempotent.
     */
    @Override
    public void close() {
        queue.close(writer, log, "PostgreSQL");
        pools.close();
    }

    /** @return whether {@link #close} was called or the writer ended */
    @Override
    public boolean isClosed() {
        return queue.isClosed();
    }
}
