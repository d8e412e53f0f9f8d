package dev.hookline.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Change;
import dev.hookline.api.payload.LoadDocument;
import dev.hookline.api.payload.StoreDocument;
import dev.hookline.server.hooks.HookSource;
import dev.hookline.server.observe.Scrape;
import dev.hookline.server.testsupport.WsClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A storage that goes away and comes back while documents are open: a change is acknowledged
 * only when the storage that logs it also holds every version before it (issue 9).
 */
class StorageGoneTest extends LiveServerSupport {

    /**
     * A storage as the sqlite plugin is one: a snapshot per document, a log of changes appended in
     * {@code onChange}, and a load that refuses a log that does not continue its snapshot.
     */
    static class LoggingStore implements ServerHooks {
        /** What it saw, in order: "store doc@v" and "change doc@v". */
        final List<String> seen = new CopyOnWriteArrayList<>();
        private long snapshotVersion = -1;
        private long loggedVersion = -1;

        @Override
        public LoadDocument onLoadDocument(LoadDocument load, HookContext context) {
            seen.add("load " + load.document());
            return null;
        }

        @Override
        public void onChange(Change change, HookContext context) {
            long before = Math.max(snapshotVersion, loggedVersion);
            if (before >= 0 && change.version() != before + 1) {
                throw new IllegalStateException("a gap: after version " + before + " comes " + change.version());
            }
            seen.add("change " + change.document() + "@" + change.version());
            loggedVersion = change.version();
        }

        @Override
        public void onStoreDocument(StoreDocument store, HookContext context) {
            seen.add("store " + store.document() + "@" + store.version());
            snapshotVersion = store.version();
        }
    }

    /** A server with {@code store} installed as plugin "store", and a client that has {@code doc} open. */
    private WsClient openWith(LoggingStore store, String doc) {
        start();
        server.engine().install(HookSource.of("store", store));
        WsClient writer = client();
        writer.openOk(doc);
        return writer;
    }

    private static JsonNode value(WsClient client, String doc, String path) {
        WsClient.ok(client.subscribe(doc, path));
        return client.await("snapshot").get("value");
    }

    @Test
    void writesToADocumentLoadedFromStorageAreRefusedWhileNoStorageIsInstalled() {
        LoggingStore store = new LoggingStore();
        WsClient writer = openWith(store, "fdvictim");
        WsClient.ok(writer.set("fdvictim", "k0", text("zero")));

        server.engine().uninstall("store"); // the plugin is unloaded (e.g. the watcher thought its jar was gone)
        JsonNode refused = error(writer.set("fdvictim", "k1", text("one")), 4503);
        assertThat(refused.path("reason").asText()).contains("fdvictim", "not installed");
        // Not applied: nobody sees it, and the version did not move.
        assertThat(value(writer, "fdvictim", "").toString()).isEqualTo("{\"k0\":\"zero\"}");
        // Counted for the operator.
        assertThat(Scrape.value(Scrape.get(server.port(), "/metrics").body(), "hookline_storage_refused_total"))
                .isEqualTo(1.0);

        // The same storage comes back (it holds version 1): writes continue its log.
        server.engine().install(HookSource.of("store", store));
        assertThat(WsClient.ok(writer.set("fdvictim", "k2", text("two"))).path("version").asLong()).isEqualTo(2);
        assertThat(store.seen).containsExactly("load fdvictim", "change fdvictim@1", "change fdvictim@2");
    }

    @Test
    void anotherStorageGetsTheWholeDocumentBeforeItLogsTheNextChange() {
        LoggingStore first = new LoggingStore();
        WsClient writer = openWith(first, "doc");
        WsClient.ok(writer.set("doc", "a", text("1")));
        WsClient.ok(writer.set("doc", "b", text("2")));

        // Replaced in one swap (a reload) by an instance that never saw the document.
        LoggingStore second = new LoggingStore();
        server.engine().install(HookSource.of("store", second));
        assertThat(WsClient.ok(writer.set("doc", "c", text("3"))).path("version").asLong()).isEqualTo(3);
        assertThat(second.seen).containsExactly("store doc@2", "change doc@3");
        assertThat(first.seen).containsExactly("load doc", "change doc@1", "change doc@2");
    }

    @Test
    void aStorageThatCannotStoreTheDocumentFirstRefusesItsWrites() {
        WsClient writer = openWith(new LoggingStore(), "doc");
        WsClient.ok(writer.set("doc", "a", text("1")));

        server.engine().install(HookSource.of("store", new LoggingStore() {
            @Override
            public void onStoreDocument(StoreDocument store, HookContext context) {
                throw new IllegalStateException("disk full");
            }
        }));
        error(writer.set("doc", "b", text("2")), 4503);
        assertThat(value(writer, "doc", "").toString()).isEqualTo("{\"a\":\"1\"}");
    }

    @Test
    void aDocumentOpenedWhileStorageIsGoneIsNotLoadedEmpty() {
        start();
        server.engine().install(HookSource.of("store", new LoggingStore()));
        server.engine().uninstall("store");

        WsClient reader = client();
        JsonNode refused = error(reader.open("stored", ""), 4503);
        assertThat(refused.path("reason").asText()).contains("no storage plugin");
    }
}
