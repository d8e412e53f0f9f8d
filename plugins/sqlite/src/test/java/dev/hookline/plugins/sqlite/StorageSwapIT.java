package dev.hookline.plugins.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hookline.server.Hookline;
import dev.hookline.server.hooks.PluginSettings;
import dev.hookline.testkit.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * The packaged plugin jar unloaded, loaded and reloaded through the plugin host while a document
 * is open (issue 9: a write acknowledged with no storage behind it left a gap in the log, and the
 * document could never load again). What counts is the database: each check opens a copy of the
 * live file, taken while the server still runs, so a write the server only kept in memory (and
 * would have stored at shutdown) is not found there.
 */
class StorageSwapIT {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The most writes the reload test sends (it stops once the reloads are done). */
    private static final int MAX_WRITES = 5_000;

    @TempDir
    Path dir;

    private Hookline server(Path plugins, Path db) {
        return server(plugins, () -> db);
    }

    /** A server whose sqlite plugin opens the file {@code db} names when the plugin is (re)loaded. */
    private Hookline server(Path plugins, Supplier<Path> db) {
        return Hookline.builder().host("127.0.0.1").port(0).classpathHooks(false).pluginsDirectory(plugins)
                .watchPlugins(false) // the test drives the host itself
                .pluginSettings(id -> id.equals("sqlite")
                        ? PluginSettings.DEFAULTS.withSettings(WsClient.JSON.createObjectNode().put("file", db.get().toString()))
                        : PluginSettings.DEFAULTS)
                .start();
    }

    /** A consistent copy of the live database (what a SIGKILL now would leave on disk). */
    private Path copyOf(Path db, String name) throws Exception {
        Path copy = dir.resolve(name);
        SQLiteDataSource source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + db);
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("VACUUM INTO '" + copy.toString().replace("'", "''") + "'");
        }
        return copy;
    }

    private static long version(JsonNode answer) {
        assertThat(answer.path("type").asText()).as("answer %s", answer).isEqualTo("ack");
        return answer.path("version").asLong();
    }

    @Test
    void whileTheStoragePluginIsUnloadedWritesAreRefusedAndEveryAcknowledgedWriteIsOnDisk() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = Files.copy(PluginJarIT.pluginJar(), plugins.resolve("hookline-plugin-sqlite.jar"));
        Path db = dir.resolve("data/live.db");

        Path copy;
        try (Hookline server = server(plugins, db); WsClient client = WsClient.connect(server.port())) {
            client.open("fdvictim");
            assertThat(version(client.write("set", "fdvictim", "k0", NODES.textNode("zero"), null))).isEqualTo(1);

            assertThat(server.plugins().unload("sqlite")).isTrue();
            JsonNode refused = client.write("set", "fdvictim", "k1", NODES.textNode("one"), null);
            assertThat(refused.path("type").asText()).isEqualTo("error");
            assertThat(refused.path("code").asInt()).isEqualTo(4503);
            // A document not in memory is not loaded empty in the meantime either.
            try (WsClient other = WsClient.connect(server.port())) {
                assertThat(other.open("elsewhere").path("code").asInt()).isEqualTo(4503);
            }

            server.plugins().load(jar);
            // The new instance stores the document first, then logs the change after it.
            assertThat(version(client.write("set", "fdvictim", "k2", NODES.textNode("two"), null))).isEqualTo(2);
            copy = copyOf(db, "after-reload.db");
        }

        try (Hookline server = server(plugins, copy); WsClient client = WsClient.connect(server.port())) {
            assertThat(client.open("fdvictim").path("version").asLong()).isEqualTo(2);
            assertThat(client.snapshot("fdvictim").get("value").toString()).isEqualTo("{\"k0\":\"zero\",\"k2\":\"two\"}");
        }
    }

    @Test
    void aReloadOntoAnotherDatabaseGetsTheWholeDocumentBeforeItsNextChange() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = Files.copy(PluginJarIT.pluginJar(), plugins.resolve("hookline-plugin-sqlite.jar"));
        AtomicReference<Path> db = new AtomicReference<>(dir.resolve("data/first.db"));

        Path copy;
        try (Hookline server = server(plugins, db::get); WsClient client = WsClient.connect(server.port())) {
            client.open("moved");
            version(client.write("set", "moved", "k0", NODES.textNode("zero"), null));
            version(client.write("set", "moved", "k1", NODES.textNode("one"), null));

            // The new version opens another (empty) file: its log must not start at version 3.
            db.set(dir.resolve("data/second.db"));
            server.plugins().reload("sqlite", jar);
            assertThat(version(client.write("set", "moved", "k2", NODES.textNode("two"), null))).isEqualTo(3);
            copy = copyOf(db.get(), "second-copy.db");
        }

        try (Hookline server = server(plugins, copy); WsClient client = WsClient.connect(server.port())) {
            assertThat(client.open("moved").path("version").asLong()).isEqualTo(3);
            assertThat(client.snapshot("moved").get("value").toString())
                    .isEqualTo("{\"k0\":\"zero\",\"k1\":\"one\",\"k2\":\"two\"}");
        }
    }

    @Test
    void replacingTheJarWhileWritesGoOnLosesNoAcknowledgedWrite() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = Files.copy(PluginJarIT.pluginJar(), plugins.resolve("hookline-plugin-sqlite.jar"));
        Path db = dir.resolve("data/live.db");
        List<String> acked = new ArrayList<>();
        int refused = 0;

        Path copy;
        try (Hookline server = server(plugins, db); WsClient client = WsClient.connect(server.port())) {
            client.open("board");
            // Up to 8 writes in flight at any time, so that some are running when the chains swap.
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger answered = new AtomicInteger();
            List<CompletableFuture<JsonNode>> answers = new CopyOnWriteArrayList<>();
            Thread writer = Thread.ofPlatform().name("writer").start(() -> {
                Deque<CompletableFuture<JsonNode>> window = new ArrayDeque<>();
                for (int i = 0; i < MAX_WRITES && writing.get(); i++) {
                    if (window.size() == 8) {
                        window.removeFirst().orTimeout(WsClient.WAIT.toSeconds(), TimeUnit.SECONDS).exceptionally(e -> null).join();
                    }
                    CompletableFuture<JsonNode> answer = client.setAsync("board", "k" + i, NODES.numberNode(i));
                    answer.whenComplete((frame, error) -> answered.incrementAndGet());
                    answers.add(answer);
                    window.addLast(answer);
                }
            });
            for (int reload = 0; reload < 3; reload++) {
                int before = answered.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() >= before + 20 || !writer.isAlive());
                server.plugins().reload("sqlite", jar);
            }
            int after = answered.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() >= after + 20 || !writer.isAlive());
            writing.set(false);
            writer.join();
            for (int i = 0; i < answers.size(); i++) {
                JsonNode answer = answers.get(i).orTimeout(WsClient.WAIT.toSeconds(), TimeUnit.SECONDS).join();
                if (answer.path("type").asText().equals("ack")) {
                    acked.add("k" + i);
                } else {
                    assertThat(answer.path("code").asInt()).as("answer %s", answer).isIn(4500, 4503);
                    refused++;
                }
            }
            assertThat(server.plugins().problems()).isEmpty();
            copy = copyOf(db, "during-reloads.db");
        }

        assertThat(acked).hasSizeGreaterThanOrEqualTo(80);
        try (Hookline server = server(plugins, copy); WsClient client = WsClient.connect(server.port())) {
            client.open("board");
            JsonNode value = client.snapshot("board").get("value");
            List<String> found = new ArrayList<>();
            value.fieldNames().forEachRemaining(found::add);
            assertThat(found).as("every acknowledged write, and only those (%d refused)", refused)
                    .containsExactlyInAnyOrderElementsOf(acked);
        }
    }
}
