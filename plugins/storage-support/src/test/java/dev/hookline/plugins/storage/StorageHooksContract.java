package dev.hookline.plugins.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hookline.api.HookContext;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Change;
import dev.hookline.api.payload.LoadDocument;
import dev.hookline.api.payload.StoreDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every storage plugin's hooks do, called directly as the server calls them: the log
 * replayed on load, snapshots and compaction, a damaged log, async durability, group commit
 * under concurrent writers, a closed store. Each plugin's test extends it with its database (in
 * the test-jar). The tables are the storage plugins' layout; {@link #table} names them.
 *
 * @param <H> the plugin's hooks
 */
public abstract class StorageHooksContract<H extends ServerHooks & AutoCloseable> {

    protected static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** @return new hooks, on the test's database, closed after the test */
    protected abstract H hooks();

    /** @return a context with the settings of the test's database plus {@code extra}, e.g. {@code ,"durability":"async"} */
    protected abstract HookContext context(String extra);

    /** @return the plugin's name of a table: {@code snapshots}, {@code changes} or {@code skipped_changes} */
    protected abstract String table(String name);

    /** @return the first column of the first row of a query on the test's database (-1 when no row) */
    protected abstract long count(String sql) throws Exception;

    /** Runs a statement on the test's database. */
    protected abstract void execute(String sql) throws Exception;

    /** @return the hooks' count of damaged loads */
    protected abstract long damagedLoads(H hooks);

    /**
     * After {@code writes} changes of concurrent writers that each waited for their ack: checks
     * what the plugin can tell of its group commit (nothing by default).
     */
    protected void checkGroupCommit(H hooks, int writes) {
    }

    protected static LoadDocument empty(String document) {
        return new LoadDocument(document, NODES.objectNode(), Map.of(), 0);
    }

    /** A set of {@code k<version>} to the version, as change {@code version} of the document. */
    protected static Change set(String document, long version) {
        return new Change(document, Operation.SET, "k" + version, NODES.numberNode(version), null, version,
                Origin.SERVER);
    }

    @Test
    void loadReplaysTheLogOntoNothingOnAFreshInstance() throws Exception {
        RandomChanges random = new RandomChanges("doc", 7);
        H writer = hooks();
        for (Change change : random.run(300)) {
            writer.onChange(change, context(""));
        }
        writer.close(); // as after kill -9: no store ran, only the log exists

        LoadDocument loaded = hooks().onLoadDocument(empty("doc"), context(""));
        assertThat(loaded.version()).isEqualTo(300);
        assertThat(loaded.state()).isEqualTo(random.state.root());
        assertThat(loaded.state().toString()).as("key order").isEqualTo(random.state.root().toString());
        assertThat(new TreeMap<>(loaded.meta())).isEqualTo(new TreeMap<>(random.state.meta()));
    }

    @Test
    void storeWritesASnapshotAndCompactsTheLogIdempotently() throws Exception {
        RandomChanges random = new RandomChanges("doc", 11);
        H hooks = hooks();
        List<Change> changes = random.run(50);
        for (Change change : changes.subList(0, 30)) {
            hooks.onChange(change, context(""));
        }
        // The server's state at version 30, as a store hook gets it.
        RandomChanges at30 = new RandomChanges("doc", 11);
        at30.run(30);
        StoreDocument store = new StoreDocument("doc", at30.state.snapshot(), at30.state.metaSnapshot(), 30);
        hooks.onStoreDocument(store, context(""));
        hooks.onStoreDocument(store, context("")); // idempotent
        assertThat(count("SELECT count(*) FROM " + table("changes"))).isZero();
        assertThat(count("SELECT version FROM " + table("snapshots") + " WHERE document = 'doc'")).isEqualTo(30);

        for (Change change : changes.subList(30, 50)) {
            hooks.onChange(change, context(""));
        }
        // An older store arriving late never replaces the newer snapshot.
        RandomChanges at10 = new RandomChanges("doc", 11);
        at10.run(10);
        hooks.onStoreDocument(new StoreDocument("doc", at10.state.snapshot(), at10.state.metaSnapshot(), 10), context(""));
        assertThat(count("SELECT version FROM " + table("snapshots") + " WHERE document = 'doc'")).isEqualTo(30);
        assertThat(count("SELECT count(*) FROM " + table("changes"))).isEqualTo(20);

        LoadDocument loaded = hooks().onLoadDocument(empty("doc"), context(""));
        assertThat(loaded.version()).isEqualTo(50);
        assertThat(loaded.state()).isEqualTo(random.state.root());
        assertThat(new TreeMap<>(loaded.meta())).isEqualTo(new TreeMap<>(random.state.meta()));
    }

    @Test
    void aChangeTheServerRevertedAfterItWasLoggedIsDroppedByTheNextStore() throws Exception {
        RandomChanges random = new RandomChanges("doc", 13);
        H hooks = hooks();
        for (Change change : random.run(6)) {
            hooks.onChange(change, context(""));
        }
        // A later onChange hook rejected version 6: the server reverted it, the log still has it.
        RandomChanges at5 = new RandomChanges("doc", 13);
        at5.run(5);
        hooks.onStoreDocument(new StoreDocument("doc", at5.state.snapshot(), at5.state.metaSnapshot(), 5), context(""));

        assertThat(count("SELECT count(*) FROM " + table("changes"))).as("the reverted change is gone").isZero();
        LoadDocument loaded = hooks().onLoadDocument(empty("doc"), context(""));
        assertThat(loaded.version()).isEqualTo(5);
        assertThat(loaded.state()).isEqualTo(at5.state.root());
    }

    @Test
    void aGapInTheLogLoadsTheValidPrefixAndSetsTheRestAside() throws Exception {
        H hooks = hooks();
        for (long version : new long[] {1, 2, 4, 5}) {
            hooks.onChange(set("gappy", version), context(""));
        }
        LoadDocument loaded = hooks.onLoadDocument(empty("gappy"), context(""));
        assertThat(loaded.version()).isEqualTo(2);
        assertThat(loaded.state().toString()).isEqualTo("{\"k1\":1,\"k2\":2}");
        assertThat(damagedLoads(hooks)).isEqualTo(1);
        String skipped = table("skipped_changes") + " WHERE document = 'gappy'";
        assertThat(count("SELECT count(*) FROM " + skipped)).isEqualTo(2);
        assertThat(count("SELECT min(version) * 10 + max(version) FROM " + skipped)).as("versions 4 and 5").isEqualTo(45);
        // The next change continues a whole log: nothing of the old versions 4 and 5 comes back.
        hooks.onChange(set("gappy", 3), context(""));
        LoadDocument again = hooks().onLoadDocument(empty("gappy"), context(""));
        assertThat(again.version()).isEqualTo(3);
        assertThat(again.state().toString()).isEqualTo("{\"k1\":1,\"k2\":2,\"k3\":3}");
        assertThat(damagedLoads(hooks)).as("the gap does not come back").isEqualTo(1);

        // A log that does not start right after the snapshot (here: none) is a gap too: nothing applies.
        hooks.onChange(new Change("late", Operation.SET, "x", NODES.numberNode(1), null, 5, Origin.SERVER), context(""));
        LoadDocument late = hooks.onLoadDocument(empty("late"), context(""));
        assertThat(late.version()).isZero();
        assertThat(late.state().isEmpty()).isTrue();
        assertThat(count("SELECT count(*) FROM " + table("changes") + " WHERE document = 'late'")).isZero();
    }

    @Test
    void aRowThatDoesNotApplyEndsTheValidPrefixToo() throws Exception {
        H hooks = hooks();
        for (long version = 1; version <= 3; version++) {
            hooks.onChange(set("bent", version), context(""));
        }
        execute("UPDATE " + table("changes") + " SET op = 'explode' WHERE document = 'bent' AND version = 2");
        assertThat(hooks.onLoadDocument(empty("bent"), context("")).version()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM " + table("skipped_changes") + " WHERE document = 'bent'")).isEqualTo(2);
    }

    @Test
    void asyncModeCommitsWithinTheFlushInterval() throws Exception {
        H hooks = hooks();
        HookContext async = context(",\"durability\":\"async\",\"asyncFlushMillis\":100");
        hooks.onChange(set("a", 1), async);
        // Nobody waits or flushes: the writer commits on its own within the interval.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).ignoreExceptions() // no table yet
                .until(() -> count("SELECT count(*) FROM " + table("changes") + " WHERE document = 'a'") == 1);
        hooks.onChange(set("a", 2), async);
        // A load first commits what is queued.
        assertThat(hooks.onLoadDocument(empty("a"), async).version()).isEqualTo(2);
    }

    @Test
    void concurrentWritersOfManyDocumentsShareCommitsAndLoseNothing() throws Exception {
        H hooks = hooks();
        int documents = 20;
        int perDocument = 50;
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int d = 0; d < documents; d++) {
                String name = "doc" + d;
                futures.add(threads.submit(() -> {
                    for (int v = 1; v <= perDocument; v++) {
                        hooks.onChange(set(name, v), context(""));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        assertThat(count("SELECT count(*) FROM " + table("changes"))).isEqualTo((long) documents * perDocument);
        checkGroupCommit(hooks, documents * perDocument);
        for (int d = 0; d < documents; d++) {
            LoadDocument loaded = hooks.onLoadDocument(empty("doc" + d), context(""));
            assertThat(loaded.version()).isEqualTo(perDocument);
            assertThat(loaded.state().size()).isEqualTo(perDocument);
        }
    }

    @Test
    void aClosedStoreRejectsWith4503() throws Exception {
        H hooks = hooks();
        hooks.onLoadDocument(empty("x"), context(""));
        hooks.close();
        assertThatThrownBy(() -> hooks.onChange(new Change("x", Operation.DELETE, "", null, null, 1, Origin.SERVER),
                context(""))).isInstanceOfSatisfying(Reject.class, r -> assertThat(r.code()).isEqualTo(4503));
    }
}
