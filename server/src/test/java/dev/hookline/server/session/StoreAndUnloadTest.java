package dev.hookline.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hookline.api.HookContext;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.DocumentStored;
import dev.hookline.api.payload.DocumentUnloaded;
import dev.hookline.api.payload.StoreDocument;
import dev.hookline.api.payload.UnloadDocument;
import dev.hookline.server.testsupport.WsClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** What happens when the last client leaves: unload, store, and their vetoes. */
class StoreAndUnloadTest extends LiveServerSupport {

    private final AtomicBoolean vetoUnload = new AtomicBoolean();
    private final AtomicBoolean failStore = new AtomicBoolean();

    private final ServerHooks recorder = new ServerHooks() {
        @Override
        public void beforeUnloadDocument(UnloadDocument unload, HookContext context) {
            events.add("beforeUnload " + unload.document());
            if (vetoUnload.get()) {
                throw new Reject(4409, "still needed");
            }
        }

        @Override
        public void onStoreDocument(StoreDocument store, HookContext context) {
            events.add("store " + store.document() + " v" + store.version() + " " + store.state());
            if (failStore.get()) {
                throw new Reject(4503, "disk full");
            }
        }

        @Override
        public void afterStoreDocument(DocumentStored stored, HookContext context) {
            events.add("afterStore " + stored.document() + " v" + stored.version());
        }

        @Override
        public void afterUnloadDocument(DocumentUnloaded unloaded, HookContext context) {
            events.add("afterUnload " + unloaded.document());
        }
    };

    private void writeAndLeave(WsClient client) {
        client.openOk("board");
        WsClient.ok(client.set("board", "title", text("kept")));
        WsClient.ok(client.set("board", "n", number(2)));
        WsClient.ok(client.request(client.frame("leave").put("doc", "board")));
    }

    @Test
    void lastLeaveOfAChangedDocumentStoresThenUnloadsInOrder() {
        start(recorder);
        writeAndLeave(client());

        await().atMost(Duration.ofSeconds(3)).until(() -> events.contains("afterUnload board"));
        assertThat(events).containsExactly("beforeUnload board", "store board v2 {\"title\":\"kept\",\"n\":2}",
                "afterStore board v2", "afterUnload board");
        assertThat(server.documentCount()).isZero();
    }

    @Test
    void aDisconnectIsALeaveToo() {
        start(recorder);
        WsClient ann = client();
        ann.openOk("board");
        WsClient.ok(ann.set("board", "x", number(1)));
        ann.close();

        await().atMost(Duration.ofSeconds(3)).until(() -> events.contains("afterUnload board"));
        assertThat(events).containsExactly("beforeUnload board", "store board v1 {\"x\":1}", "afterStore board v1",
                "afterUnload board");
    }

    @Test
    void aDocumentThatWasNotChangedIsUnloadedWithoutAStore() {
        start(recorder);
        WsClient ann = client();
        ann.openOk("board");
        WsClient.ok(ann.subscribe("board", ""));
        WsClient.ok(ann.request(ann.frame("leave").put("doc", "board")));

        await().atMost(Duration.ofSeconds(3)).until(() -> events.contains("afterUnload board"));
        assertThat(events).containsExactly("beforeUnload board", "afterUnload board");
        assertThat(server.documentCount()).isZero();
    }

    @Test
    void theUnloadWaitsForTheLastMember() {
        start(recorder);
        WsClient ann = client();
        WsClient bob = client();
        bob.openOk("board");
        writeAndLeave(ann);

        assertThat(ann.collect(f -> true, QUIET)).isEmpty();
        assertThat(events).isEmpty();
        assertThat(server.documentCount()).isEqualTo(1);
        bob.close();
        await().atMost(Duration.ofSeconds(3)).until(() -> events.contains("afterUnload board"));
    }

    @Test
    void beforeUnloadVetoKeepsTheDocumentInMemoryAndStoresNothing() {
        vetoUnload.set(true);
        start(recorder);
        WsClient ann = client();
        writeAndLeave(ann);

        await().atMost(Duration.ofSeconds(3)).until(() -> events.contains("beforeUnload board"));
        ann.collect(f -> true, QUIET);
        assertThat(events).containsExactly("beforeUnload board");
        assertThat(server.documentCount()).isEqualTo(1);
        // Still live with its data: the next open sees it without a load.
        ann.openOk("board");
        WsClient.ok(ann.subscribe("board", ""));
        assertThat(ann.await("snapshot").get("value")).isEqualTo(json("{'title':'kept','n':2}"));
    }

    @Test
    void aFailedStoreKeepsTheDocumentInMemory() {
        failStore.set(true);
        start(recorder);
        WsClient ann = client();
        writeAndLeave(ann);

        await().atMost(Duration.ofSeconds(3)).until(() -> events.stream().anyMatch(e -> e.startsWith("store")));
        ann.collect(f -> true, QUIET);
        assertThat(events).containsExactly("beforeUnload board", "store board v2 {\"title\":\"kept\",\"n\":2}");
        assertThat(server.documentCount()).isEqualTo(1);
        ann.openOk("board");
        WsClient.ok(ann.subscribe("board", ""));
        assertThat(ann.await("snapshot").get("value")).isEqualTo(json("{'title':'kept','n':2}"));
    }
}
