package dev.hookline.plugins.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;
import dev.hookline.api.Reject;
import dev.hookline.api.payload.Change;
import dev.hookline.api.payload.LoadDocument;
import dev.hookline.api.payload.StoreDocument;
import dev.hookline.plugins.storage.RandomChanges;
import dev.hookline.testkit.TestHookContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** The hooks called directly, as the server calls them, on a database in a temporary folder. */
class SqliteHooksTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @TempDir
    Path dir;

    private final List<SqliteHooks> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(SqliteHooks::close);
    }

    private TestHookContext context(String extra) {
        String file = dir.resolve("sub/dir/test.db").toString().replace("\\", "\\\\");
        return TestHookContext.of("sqlite", "{\"file\":\"" + file + "\"" + extra + "}");
    }

    private SqliteHooks hooks() {
        SqliteHooks hooks = new SqliteHooks();
        opened.add(hooks);
        return hooks;
    }

    private static LoadDocument empty(String document) {
        return new LoadDocument(document, NODES.objectNode(), Map.of(), 0);
    }

    private long count(String sql) throws Exception {
        SQLiteDataSource source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + dir.resolve("sub/dir/test.db"));
        try (Connection c = source.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    @Test
    void aNewDocumentLoadsAsNothingStoredAndTheParentFoldersAreCreated() throws Exception {
        SqliteHooks hooks = hooks();
        assertThat(hooks.onLoadDocument(empty("fresh"), context(""))).isNull();
        assertThat(dir.resolve("sub/dir/test.db")).exists();
    }

    @Test
    void loadReplaysTheLogOntoNothingOnAFreshInstance() throws Exception {
        RandomChanges random = new RandomChanges("doc", 7);
        SqliteHooks writer = hooks();
        for (Change change : random.run(300)) {
            writer.onChange(change, context(""));
        }
        writer.close(); // as after kill -9: no store ran, only the log exists

        LoadDocument loaded = hooks().onLoadDocument(empty("doc"), context(""));
        assertThat(loaded.version()).isEqualTo(300);
        assertThat(loaded.state()).isEqualTo(random.state.root());
        assertThat(new TreeMap<>(loaded.meta())).isEqualTo(new TreeMap<>(random.state.meta()));
    }

    @Test
    void storeWritesASnapshotAndCompactsTheLogIdempotently() throws Exception {
        RandomChanges random = new RandomChanges("doc", 11);
        SqliteHooks hooks = hooks();
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
        assertThat(count("SELECT count(*) FROM changes")).isZero();
        assertThat(count("SELECT version FROM snapshots WHERE document = 'doc'")).isEqualTo(30);

        for (Change change : changes.subList(30, 50)) {
            hooks.onChange(change, context(""));
        }
        // An older store arriving late never replaces the newer snapshot.
        RandomChanges at10 = new RandomChanges("doc", 11);
        at10.run(10);
        hooks.onStoreDocument(new StoreDocument("doc", at10.state.snapshot(), at10.state.metaSnapshot(), 10), context(""));
        assertThat(count("SELECT version FROM snapshots WHERE document = 'doc'")).isEqualTo(30);
        assertThat(count("SELECT count(*) FROM changes")).isEqualTo(20);

        LoadDocument loaded = hooks().onLoadDocument(empty("doc"), context(""));
        assertThat(loaded.version()).isEqualTo(50);
        assertThat(loaded.state()).isEqualTo(random.state.root());
        assertThat(new TreeMap<>(loaded.meta())).isEqualTo(new TreeMap<>(random.state.meta()));
    }

    @Test
    void aChangeTheServerRevertedAfterItWasLoggedIsDroppedByTheNextStore() throws Exception {
        RandomChanges random = new RandomChanges("doc", 13);
        SqliteHooks hooks = hooks();
        List<Change> changes = random.run(6);
        for (Change change : changes) {
            hooks.onChange(change, context(""));
        }
        // A later onChange hook rejected version 6: the server reverted it, the log still has it.
        RandomChanges at5 = new RandomChanges("doc", 13);
        at5.run(5);
        hooks.onStoreDocument(new StoreDocument("doc", at5.state.snapshot(), at5.state.metaSnapshot(), 5), context(""));

        assertThat(count("SELECT count(*) FROM changes")).as("the reverted change is gone").isZero();
        LoadDocument loaded = hooks().onLoadDocument(empty("doc"), context(""));
        assertThat(loaded.version()).isEqualTo(5);
        assertThat(loaded.state()).isEqualTo(at5.state.root());
    }

    @Test
    void aGapInTheLogLoadsTheValidPrefixAndSetsTheRestAside() throws Exception {
        SqliteHooks hooks = hooks();
        for (long version : new long[] {1, 2, 4, 5}) {
            hooks.onChange(new Change("gappy", Operation.SET, "k" + version, NODES.numberNode(version), null, version,
                    Origin.SERVER), context(""));
        }
        LoadDocument loaded = hooks.onLoadDocument(empty("gappy"), context(""));
        assertThat(loaded.version()).isEqualTo(2);
        assertThat(loaded.state().toString()).isEqualTo("{\"k1\":1,\"k2\":2}");
        assertThat(hooks.damagedLoads()).isEqualTo(1);
        assertThat(count("SELECT group_concat(version, '') FROM skipped_changes WHERE document = 'gappy'")).isEqualTo(45);
        // The next change continues a whole log: nothing of the old versions 4 and 5 comes back.
        hooks.onChange(new Change("gappy", Operation.SET, "k3", NODES.numberNode(3), null, 3, Origin.SERVER), context(""));
        LoadDocument again = hooks().onLoadDocument(empty("gappy"), context(""));
        assertThat(again.version()).isEqualTo(3);
        assertThat(again.state().toString()).isEqualTo("{\"k1\":1,\"k2\":2,\"k3\":3}");
        assertThat(hooks.damagedLoads()).as("the gap does not come back").isEqualTo(1);

        // A log that does not start right after the snapshot (here: none) is a gap too: nothing applies.
        hooks.onChange(new Change("late", Operation.SET, "x", NODES.numberNode(1), null, 5, Origin.SERVER), context(""));
        LoadDocument late = hooks.onLoadDocument(empty("late"), context(""));
        assertThat(late.version()).isZero();
        assertThat(late.state().isEmpty()).isTrue();
        assertThat(count("SELECT count(*) FROM changes WHERE document = 'late'")).isZero();
    }

    @Test
    void aRowThatDoesNotApplyEndsTheValidPrefixToo() throws Exception {
        SqliteHooks hooks = hooks();
        for (long version = 1; version <= 3; version++) {
            hooks.onChange(new Change("bent", Operation.SET, "k" + version, NODES.numberNode(version), null, version,
                    Origin.SERVER), context(""));
        }
        SQLiteDataSource source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + dir.resolve("sub/dir/test.db"));
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE changes SET value = '{not json' WHERE document = 'bent' AND version = 2");
        }
        LoadDocument loaded = hooks.onLoadDocument(empty("bent"), context(""));
        assertThat(loaded.version()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM skipped_changes WHERE document = 'bent'")).isEqualTo(2);
    }

    @Test
    void asyncModeCommitsWithinTheFlushInterval() throws Exception {
        SqliteHooks hooks = hooks();
        TestHookContext async = context(",\"durability\":\"async\",\"asyncFlushMillis\":100");
        hooks.onChange(new Change("a", Operation.SET, "x", NODES.numberNode(1), null, 1, Origin.SERVER), async);
        // Nobody waits or flushes: the writer commits on its own within the interval.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> count("SELECT count(*) FROM changes WHERE document = 'a'") == 1);
        assertThat(hooks.onLoadDocument(empty("a"), async).version()).isEqualTo(1);
    }

    @Test
    void concurrentWritersOfManyDocumentsShareCommitsAndLoseNothing() throws Exception {
        SqliteHooks hooks = hooks();
        int documents = 20;
        int perDocument = 50;
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int d = 0; d < documents; d++) {
                String name = "doc" + d;
                futures.add(threads.submit(() -> {
                    for (int v = 1; v <= perDocument; v++) {
                        hooks.onChange(new Change(name, Operation.SET, "k" + v, NODES.numberNode(v), null, v, Origin.SERVER),
                                context(""));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        assertThat(count("SELECT count(*) FROM changes")).isEqualTo((long) documents * perDocument);
        for (int d = 0; d < documents; d++) {
            LoadDocument loaded = hooks.onLoadDocument(empty("doc" + d), context(""));
            assertThat(loaded.version()).isEqualTo(perDocument);
            assertThat(loaded.state().size()).isEqualTo(perDocument);
        }
    }

    @Test
    void invalidSettingsNameTheKey() {
        assertThatThrownBy(() -> hooks().onLoadDocument(empty("x"), context(",\"durability\":\"sometimes\"")))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.reason()).contains("'durability'", "sometimes"));
        assertThatThrownBy(() -> new SqliteSettings(null, null, 0, null)).hasMessageContaining("'asyncFlushMillis'");
        assertThatThrownBy(() -> new SqliteSettings(null, null, null, "off")).hasMessageContaining("'synchronous'");
        assertThatThrownBy(() -> new SqliteSettings(" ", null, null, null)).hasMessageContaining("'file'");
        assertThatThrownBy(() -> hooks().onLoadDocument(empty("x"), context(",\"durabilty\":\"ack\"")))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.reason()).contains("durabilty"));
        assertThat(SqliteSettings.DEFAULTS).isEqualTo(new SqliteSettings("data/hookline.db", "ack", 50, "normal"));
        assertThat(new SqliteSettings(null, "ASYNC", null, "Full").async()).isTrue();
    }

    @Test
    void aClosedStoreRejectsWith4503() throws Exception {
        SqliteHooks hooks = hooks();
        hooks.onLoadDocument(empty("x"), context(""));
        hooks.close();
        assertThatThrownBy(() -> hooks.onChange(new Change("x", Operation.DELETE, "", null, null, 1, Origin.SERVER),
                context(""))).isInstanceOfSatisfying(Reject.class, r -> assertThat(r.code()).isEqualTo(4503));
        assertThat(Files.exists(dir.resolve("sub/dir/test.db"))).isTrue();
    }
}
