package dev.hookline.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.DocumentUnloaded;
import dev.hookline.api.payload.StoreDocument;
import dev.hookline.server.Hookline;
import dev.hookline.server.testsupport.WsClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Behaviour at the edges: no storage plugin, hooks that write while storing, reused subscription ids. */
class MemoryOnlyAndEdgeCasesTest extends LiveServerSupport {

    @AfterEach
    void tearDown() {
        stopServer();
    }

    @Test
    void withoutAStoragePluginAChangedDocumentStaysInMemoryAfterTheLastLeave() {
        Hookline server = start();
        WsClient writer = client();
        writer.openOk("notes");
        WsClient.ok(writer.set("notes", "todo", text("buy milk")));
        writer.close();

        // Memory is the only copy: unloading would lose the write.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(server.documentCount()).isEqualTo(1));
        WsClient reader = client();
        reader.openOk("notes");
        WsClient.ok(reader.subscribe("notes", "todo"));
        assertThat(reader.await("snapshot").get("value").asText()).isEqualTo("buy milk");
    }

    @Test
    void withoutAStoragePluginNoStoreIsAnnouncedNotEvenAtShutdown() {
        java.util.List<String> stored = new java.util.concurrent.CopyOnWriteArrayList<>();
        Hookline server = start(new ServerHooks() {
            @Override
            public void afterStoreDocument(dev.hookline.api.payload.DocumentStored done, HookContext context) {
                stored.add(done.document());
            }
        });
        WsClient writer = client();
        writer.openOk("notes");
        WsClient.ok(writer.set("notes", "todo", text("buy milk")));

        server.stop();

        assertThat(stored).as("nothing was stored, so afterStoreDocument must not say it was").isEmpty();
    }

    @Test
    void anUnchangedDocumentIsStillUnloadedWithoutAStoragePlugin() {
        Hookline server = start();
        WsClient visitor = client();
        visitor.openOk("empty");
        visitor.close();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(server.documentCount()).isZero());
    }

    @Test
    void aDocumentAStoreHookChangedAgainIsNotUnloaded() {
        AtomicInteger stores = new AtomicInteger();
        AtomicInteger unloads = new AtomicInteger();
        Hookline server = start(new ServerHooks() {
            @Override
            public void onStoreDocument(StoreDocument store, HookContext context) {
                if (stores.incrementAndGet() == 1) {
                    // e.g. a plugin stamping the document with when it was stored
                    context.server().set(store.document(), "storedAt", text("now"));
                }
            }

            @Override
            public void afterUnloadDocument(DocumentUnloaded unloaded, HookContext context) {
                unloads.incrementAndGet();
            }
        });
        WsClient writer = client();
        writer.openOk("stamped");
        WsClient.ok(writer.set("stamped", "title", text("draft")));
        writer.close();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(stores.get()).isEqualTo(1));
        await().during(Duration.ofMillis(300)).untilAsserted(() -> {
            assertThat(unloads.get()).as("unloading would drop the stamp").isZero();
            assertThat(server.documentCount()).isEqualTo(1);
        });
        assertThat(server.api().get("stamped", "storedAt")).map(JsonNode::asText).contains("now");
    }

    @Test
    void aSubscriptionIdInUseIsRefused() {
        start();
        WsClient client = client();
        client.openOk("board");
        var first = client.frame("sub").put("doc", "board").put("path", "a").put("id", 7);
        WsClient.ok(client.request(first));
        client.await("snapshot");

        JsonNode again = client.request(client.frame("sub").put("doc", "board").put("path", "b").put("id", 7));

        assertThat(again.get("type").asText()).isEqualTo("error");
        assertThat(again.get("code").asInt()).isEqualTo(4409);
    }
}
