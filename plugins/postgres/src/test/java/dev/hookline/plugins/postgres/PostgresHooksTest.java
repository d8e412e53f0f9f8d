package dev.hookline.plugins.postgres;

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
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The hooks called directly, as the server calls them, on a fresh database per test. */
class PostgresHooksTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TestDatabase db;
    private final List<PostgresHooks> opened = new ArrayList<>();

    @BeforeEach
    void createDatabase() throws Exception {
        db = TestDatabase.create();
    }

    @AfterEach
    void closeAll() throws Exception {
        opened.forEach(PostgresHooks::close);
        db.close();
    }

    private TestHookContext context(String extra) {
        return TestHookContext.of("postgres", db.settings(extra));
    }

    private PostgresHooks hooks() {
        PostgresHooks hooks = new PostgresHooks();
        opened.add(hooks);
        return hooks;
    }

    private static LoadDocument empty(String document) {
        return new LoadDocument(document, NODES.objectNode(), Map.of(), 0);
    }

    private static Change set(String document, long version, long fence) {
        return new Change(document, Operation.SET, "k" + version, NODES.numberNode(version), null, version,
                Origin.SERVER, fence);
    }

    @Test
    void aNewDocumentLoadsAsNothingStoredAndTheSchemaIsCreated() throws Exception {
        PostgresHooks hooks = hooks();
        assertThat(hooks.onConfigure(null, context(""))).isNull();
        assertThat(hooks.onLoadDocument(empty("fresh"), context(""))).isNull();
        assertThat(db.count("SELECT max(version) FROM hookline_schema_version")).isEqualTo(Migrations.latest());
        assertThat(db.count("SELECT count(*) FROM hookline_changes")).isZero();
    }

    @Test
    void loadReplaysTheLogOntoNothingOnAFreshInstance() throws Exception {
        RandomChanges random = new RandomChanges("doc", 7);
        PostgresHooks writer = hooks();
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
        PostgresHooks hooks = hooks();
        List<Change> changes = random.run(50);
        for (Change change : changes.subList(0, 30)) {
            hooks.onChange(change, context(""));
        }
        RandomChanges at30 = new RandomChanges("doc", 11);
        at30.run(30);
        StoreDocument store = new StoreDocument("doc", at30.state.snapshot(), at30.state.metaSnapshot(), 30);
        hooks.onStoreDocument(store, context(""));
        hooks.onStoreDocument(store, context("")); // idempotent
        assertThat(db.count("SELECT count(*) FROM hookline_changes")).isZero();
        assertThat(db.count("SELECT version FROM hookline_snapshots WHERE document = 'doc'")).isEqualTo(30);

        for (Change change : changes.subList(30, 50)) {
            hooks.onChange(change, context(""));
        }
        // An older store arriving late never replaces the newer snapshot.
        RandomChanges at10 = new RandomChanges("doc", 11);
        at10.run(10);
        hooks.onStoreDocument(new StoreDocument("doc", at10.state.snapshot(), at10.state.metaSnapshot(), 10), context(""));
        assertThat(db.count("SELECT version FROM hookline_snapshots WHERE document = 'doc'")).isEqualTo(30);
        assertThat(db.count("SELECT count(*) FROM hookline_changes")).isEqualTo(20);

        LoadDocument loaded = hooks().onLoadDocument(empty("doc"), context(""));
        assertThat(loaded.version()).isEqualTo(50);
        assertThat(loaded.state()).isEqualTo(random.state.root());
        assertThat(new TreeMap<>(loaded.meta())).isEqualTo(new TreeMap<>(random.state.meta()));
    }

    @Test
    void aChangeTheServerRevertedAfterItWasLoggedIsDroppedByTheNextStore() throws Exception {
        RandomChanges random = new RandomChanges("doc", 13);
        PostgresHooks hooks = hooks();
        for (Change change : random.run(6)) {
            hooks.onChange(change, context(""));
        }
        RandomChanges at5 = new RandomChanges("doc", 13);
        at5.run(5);
        hooks.onStoreDocument(new StoreDocument("doc", at5.state.snapshot(), at5.state.metaSnapshot(), 5), context(""));

        assertThat(db.count("SELECT count(*) FROM hookline_changes")).as("the reverted change is gone").isZero();
        LoadDocument loaded = hooks().onLoadDocument(empty("doc"), context(""));
        assertThat(loaded.version()).isEqualTo(5);
        assertThat(loaded.state()).isEqualTo(at5.state.root());
    }

    @Test
    void aGapInTheLogLoadsTheValidPrefixAndSetsTheRestAside() throws Exception {
        PostgresHooks hooks = hooks();
        for (long version : new long[] {1, 2, 4, 5}) {
            hooks.onChange(set("gappy", version, 0), context(""));
        }
        LoadDocument loaded = hooks.onLoadDocument(empty("gappy"), context(""));
        assertThat(loaded.version()).isEqualTo(2);
        assertThat(loaded.state().toString()).isEqualTo("{\"k1\":1,\"k2\":2}");
        assertThat(hooks.damagedLoads()).isEqualTo(1);
        assertThat(db.text("SELECT string_agg(version::text, '' ORDER BY version) FROM hookline_skipped_changes "
                + "WHERE document = 'gappy'")).isEqualTo("45");
        hooks.onChange(set("gappy", 3, 0), context(""));
        LoadDocument again = hooks().onLoadDocument(empty("gappy"), context(""));
        assertThat(again.version()).isEqualTo(3);
        assertThat(again.state().toString()).isEqualTo("{\"k1\":1,\"k2\":2,\"k3\":3}");

        // A row that does not apply ends the valid prefix too.
        for (long version = 1; version <= 3; version++) {
            hooks.onChange(set("bent", version, 0), context(""));
        }
        db.execute("UPDATE hookline_changes SET op = 'explode' WHERE document = 'bent' AND version = 2");
        assertThat(hooks.onLoadDocument(empty("bent"), context("")).version()).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM hookline_skipped_changes WHERE document = 'bent'")).isEqualTo(2);
    }

    @Test
    void asyncModeCommitsWithinTheFlushInterval() throws Exception {
        PostgresHooks hooks = hooks();
        TestHookContext async = context(",\"durability\":\"async\",\"asyncFlushMillis\":100");
        hooks.onChange(set("a", 1, 0), async);
        // Nobody waits or flushes: the writer commits on its own within the interval.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).ignoreExceptions() // no table yet
                .until(() -> db.count("SELECT count(*) FROM hookline_changes WHERE document = 'a'") == 1);
        hooks.onChange(set("a", 2, 0), async);
        // A load first commits what is queued.
        assertThat(hooks.onLoadDocument(empty("a"), async).version()).isEqualTo(2);
    }

    @Test
    void concurrentWritersOfManyDocumentsShareCommitsAndLoseNothing() throws Exception {
        PostgresHooks hooks = hooks();
        int documents = 20;
        int perDocument = 50;
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int d = 0; d < documents; d++) {
                String name = "doc" + d;
                futures.add(threads.submit(() -> {
                    for (int v = 1; v <= perDocument; v++) {
                        hooks.onChange(set(name, v, 0), context(""));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        assertThat(db.count("SELECT count(*) FROM hookline_changes")).isEqualTo((long) documents * perDocument);
        // Each writer waits for its ack before its next change, so one commit per change would be
        // 1000 commits; group commit takes what 20 writers queued meanwhile into one.
        assertThat(hooks.store(context("")).commits()).isLessThan(documents * perDocument / 2);
        for (int d = 0; d < documents; d++) {
            LoadDocument loaded = hooks.onLoadDocument(empty("doc" + d), context(""));
            assertThat(loaded.version()).isEqualTo(perDocument);
            assertThat(loaded.state().size()).isEqualTo(perDocument);
        }
    }

    @Test
    void aCustomSchemaIsCreatedAndUsed() throws Exception {
        PostgresHooks hooks = hooks();
        hooks.onChange(set("s", 1, 0), context(",\"schema\":\"hl_custom\""));
        assertThat(db.count("SELECT count(*) FROM hl_custom.hookline_changes")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'hookline%'"))
                .isZero();
    }

    @Test
    void invalidSettingsNameTheKey() {
        assertThatThrownBy(() -> hooks().onConfigure(null, TestHookContext.of("postgres", "{}")))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.reason()).contains("'url'", "required"));
        assertThatThrownBy(() -> hooks().onLoadDocument(empty("x"), context(",\"durability\":\"sometimes\"")))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.reason()).contains("'durability'", "sometimes"));
        assertThatThrownBy(() -> hooks().onLoadDocument(empty("x"), context(",\"durabilty\":\"ack\"")))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.reason()).contains("durabilty"));
        assertThatThrownBy(() -> new PostgresSettings("mysql://x", null, null, null, null)).hasMessageContaining("'url'");
        assertThatThrownBy(() -> new PostgresSettings(db.url(), null, 0, null, null))
                .hasMessageContaining("'asyncFlushMillis'");
        assertThatThrownBy(() -> new PostgresSettings(db.url(), null, null, 0, null)).hasMessageContaining("'poolSize'");
        assertThatThrownBy(() -> new PostgresSettings(db.url(), null, null, null, "Robert'); DROP"))
                .hasMessageContaining("'schema'");
        assertThatThrownBy(() -> new Pools(new PostgresSettings("jdbc:postgresql://host:port/x?password=secret", null, null,
                null, null))).hasMessageContaining("'url'").hasMessageNotContaining("secret");
        PostgresSettings defaults = new PostgresSettings(db.url(), null, null, null, null);
        assertThat(defaults).isEqualTo(new PostgresSettings(db.url(), "ack", 50, 4, "public"));
        assertThat(new PostgresSettings(db.url() + "&password=secret", null, null, null, null).toString())
                .doesNotContain("secret");
        assertThat(new PostgresSettings(db.url(), "ASYNC", null, null, null).async()).isTrue();
    }

    @Test
    void aClosedStoreRejectsWith4503() throws Exception {
        PostgresHooks hooks = hooks();
        hooks.onLoadDocument(empty("x"), context(""));
        hooks.close();
        assertThatThrownBy(() -> hooks.onChange(new Change("x", Operation.DELETE, "", null, null, 1, Origin.SERVER),
                context(""))).isInstanceOfSatisfying(Reject.class, r -> assertThat(r.code()).isEqualTo(4503));
    }

    @Test
    void aStaleOwnersAppendStoreAndLoadAreRefusedAfterANewerLoad() throws Exception {
        PostgresHooks oldOwner = hooks();
        PostgresHooks newOwner = hooks(); // another node: its own store and connections
        assertThat(oldOwner.onLoadDocument(new LoadDocument("f", NODES.objectNode(), Map.of(), 0, 1), context("")))
                .isNull();
        oldOwner.onChange(set("f", 1, 1), context(""));

        // The document moves: the new owner's load records token 2 and sees version 1.
        LoadDocument moved = newOwner.onLoadDocument(new LoadDocument("f", NODES.objectNode(), Map.of(), 0, 2),
                context(""));
        assertThat(moved.version()).isEqualTo(1);
        assertThat(db.count("SELECT fence FROM hookline_fences WHERE document = 'f'")).isEqualTo(2);

        assertThatThrownBy(() -> oldOwner.onChange(set("f", 2, 1), context("")))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.code()).isEqualTo(4503))
                .hasMessageContaining("fenced");
        assertThatThrownBy(() -> oldOwner.onStoreDocument(
                new StoreDocument("f", NODES.objectNode().put("stale", true), Map.of(), 5, 1), context("")))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.code()).isEqualTo(4503))
                .hasMessageContaining("fenced");
        assertThatThrownBy(() -> oldOwner.onLoadDocument(new LoadDocument("f", NODES.objectNode(), Map.of(), 0, 1),
                context(""))).isInstanceOfSatisfying(Reject.class, r -> assertThat(r.code()).isEqualTo(4503))
                .hasMessageContaining("fenced");
        assertThat(db.count("SELECT count(*) FROM hookline_changes WHERE document = 'f'")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM hookline_snapshots WHERE document = 'f'")).isZero();
        assertThat(db.count("SELECT fence FROM hookline_fences WHERE document = 'f'")).as("a refused load records nothing")
                .isEqualTo(2);

        // The new owner writes and stores; a later, newer token is fine too.
        newOwner.onChange(set("f", 2, 2), context(""));
        newOwner.onStoreDocument(new StoreDocument("f", NODES.objectNode().put("k1", 1).put("k2", 2), Map.of(), 2, 2),
                context(""));
        LoadDocument third = hooks().onLoadDocument(new LoadDocument("f", NODES.objectNode(), Map.of(), 0, 3), context(""));
        assertThat(third.version()).isEqualTo(2);
        assertThat(third.state().toString()).isEqualTo("{\"k1\":1,\"k2\":2}");
        // Token 0 (a single node) is never checked.
        newOwner.onChange(set("f", 3, 0), context(""));
    }

    @Test
    void aFencedWriteInABatchFailsOnlyItsOwnHook() throws Exception {
        PostgresHooks hooks = hooks();
        hooks.onLoadDocument(new LoadDocument("gate", NODES.objectNode(), Map.of(), 0, 1), context(""));
        hooks.onLoadDocument(new LoadDocument("old", NODES.objectNode(), Map.of(), 0, 5), context(""));
        PostgresStore store = hooks.store(context(""));
        try (Connection blocker = db.connect(); var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            // Hold the writer in a first batch: it waits for the share lock on gate's token row.
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement()) {
                s.execute("SELECT * FROM hookline_fences WHERE document = 'gate' FOR UPDATE");
            }
            Future<?> gate = threads.submit(() -> {
                hooks.onChange(set("gate", 1, 1), context(""));
                return null;
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> store.queued() == 0);
            long commitsBefore = store.commits();
            // Meanwhile these queue up, and go into the next batch together.
            Future<?> stale = threads.submit(() -> {
                hooks.onChange(set("old", 1, 4), context(""));
                return null;
            });
            Future<?> fresh = threads.submit(() -> {
                hooks.onChange(set("new", 1, 7), context(""));
                return null;
            });
            Future<?> plain = threads.submit(() -> {
                hooks.onChange(set("plain", 1, 0), context(""));
                return null;
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> store.queued() == 3);
            blocker.commit();

            gate.get();
            fresh.get();
            plain.get();
            assertThatThrownBy(stale::get).cause().isInstanceOfSatisfying(Reject.class,
                    r -> assertThat(r.code()).isEqualTo(4503)).hasMessageContaining("fenced");
            assertThat(store.commits() - commitsBefore).as("the gate's batch and one batch of the three").isEqualTo(2);
        }
        assertThat(db.count("SELECT count(*) FROM hookline_changes WHERE document IN ('gate', 'new', 'plain')"))
                .isEqualTo(3);
        assertThat(db.count("SELECT count(*) FROM hookline_changes WHERE document = 'old'")).isZero();
    }

    @Test
    void anUnreachableDatabaseRejectsWith4503Quickly() throws Exception {
        int closedPort;
        try (var probe = new java.net.ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        TestHookContext down = TestHookContext.of("postgres", "{\"url\":\"jdbc:postgresql://127.0.0.1:" + closedPort + "/x?user=postgres\"}");
        PostgresHooks hooks = hooks();
        // Each call is bounded by the pool's connection timeout (3 s), well below a hook's deadline.
        Duration bound = Duration.ofSeconds(5);
        long start = System.nanoTime();
        assertThat(hooks.onConfigure(null, down)).as("a database that is down does not stop the start-up").isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(bound);
        start = System.nanoTime();
        assertThatThrownBy(() -> hooks.onLoadDocument(empty("x"), down))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.code()).isEqualTo(4503))
                .hasMessageContaining("not available");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(bound);
        start = System.nanoTime();
        assertThatThrownBy(() -> hooks.onChange(set("x", 1, 0), down))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.code()).isEqualTo(4503));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(bound);
        start = System.nanoTime();
        assertThatThrownBy(() -> hooks.onStoreDocument(new StoreDocument("x", NODES.objectNode(), Map.of(), 1), down))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.code()).isEqualTo(4503));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(bound);
    }

    @Test
    void theWriterRecoversWhenTheDatabaseIsBack() throws Exception {
        try (TcpProxy proxy = new TcpProxy(5432)) {
            String url = db.url().replace("127.0.0.1:5432", "127.0.0.1:" + proxy.port());
            TestHookContext viaProxy = TestHookContext.of("postgres", "{\"url\":\"" + url + "\"}");
            PostgresHooks hooks = hooks();
            hooks.onChange(set("r", 1, 0), viaProxy);

            proxy.stop(); // the database goes away, connections and all
            long start = System.nanoTime();
            assertThatThrownBy(() -> hooks.onChange(set("r", 2, 0), viaProxy))
                    .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.code()).isEqualTo(4503));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));

            proxy.start(); // and comes back
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> {
                        hooks.onChange(set("r", 2, 0), viaProxy);
                        return true;
                    });
            assertThat(hooks.onLoadDocument(empty("r"), viaProxy).version()).isEqualTo(2);
        }
    }
}
