package dev.hookline.plugins.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.hookline.api.Operation;
import dev.hookline.api.Origin;
import dev.hookline.api.Reject;
import dev.hookline.api.payload.Change;
import dev.hookline.api.payload.LoadDocument;
import dev.hookline.api.payload.StoreDocument;
import dev.hookline.plugins.storage.StorageHooksContract;
import dev.hookline.testkit.TestHookContext;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hooks called directly, as the server calls them, on a fresh database per test: the storage
 * plugins' contract, and what is PostgreSQL's own (schema, fencing, a database that goes away).
 */
class PostgresHooksTest extends StorageHooksContract<PostgresHooks> {

    @RegisterExtension
    final TestDatabase db = TestDatabase.perTest();
    private final List<PostgresHooks> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        opened.forEach(PostgresHooks::close); // before the database is dropped (TestDatabase)
    }

    @Override
    protected TestHookContext context(String extra) {
        return TestHookContext.of("postgres", db.settings(extra));
    }

    @Override
    protected PostgresHooks hooks() {
        PostgresHooks hooks = new PostgresHooks();
        opened.add(hooks);
        return hooks;
    }

    @Override
    protected String table(String name) {
        return "hookline_" + name;
    }

    @Override
    protected long count(String sql) throws Exception {
        return db.count(sql);
    }

    @Override
    protected void execute(String sql) throws Exception {
        db.execute(sql);
    }

    @Override
    protected long damagedLoads(PostgresHooks hooks) {
        return hooks.damagedLoads();
    }

    /**
     * Each writer waits for its ack before its next change, so one commit per change would be one
     * commit per write; group commit takes what the writers queued meanwhile into one.
     */
    @Override
    protected void checkGroupCommit(PostgresHooks hooks, int writes) {
        assertThat(hooks.store(context("")).commits()).isLessThan(writes / 2);
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
