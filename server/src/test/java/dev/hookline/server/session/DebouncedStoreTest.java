package dev.hookline.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hookline.api.HookContext;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.StoreDocument;
import dev.hookline.server.Hookline;
import dev.hookline.server.config.ServerConfig;
import dev.hookline.server.testsupport.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stores while clients stay connected: debounced, forced after a while, retried with backoff. */
class DebouncedStoreTest extends LiveServerSupport {

    private static ServerConfig timing(long debounceMs, long maxDelayMs, long retryMinMs, long retryMaxMs) {
        return ServerConfig.DEFAULTS.withAddress("127.0.0.1", 0).withStore(new ServerConfig.StoreTiming(
                Duration.ofMillis(debounceMs), Duration.ofMillis(maxDelayMs), Duration.ofMillis(retryMinMs),
                Duration.ofMillis(retryMaxMs)));
    }

    @AfterEach
    void tearDown() {
        stopServer();
    }

    @Test
    void aChangeIsStoredADebounceLaterWhileItsClientStaysConnected() {
        List<Long> storedVersions = new CopyOnWriteArrayList<>();
        start(timing(1000, 5000, 100, 1000), new ServerHooks() {
            @Override
            public void onStoreDocument(StoreDocument store, HookContext context) {
                storedVersions.add(store.version());
            }
        });
        WsClient writer = client();
        writer.openOk("draft");
        WsClient.ok(writer.set("draft", "a", number(1)));
        WsClient.ok(writer.set("draft", "b", number(2)));

        // Not at once: the two changes are stored together, once the document has been quiet.
        assertThat(storedVersions).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> storedVersions.equals(List.of(2L)));
    }

    @Test
    void aDocumentWrittenWithoutPauseIsStillStoredAfterTheMaxDelay() throws Exception {
        List<Long> storedVersions = new CopyOnWriteArrayList<>();
        start(timing(400, 800, 100, 1000), new ServerHooks() {
            @Override
            public void onStoreDocument(StoreDocument store, HookContext context) {
                storedVersions.add(store.version());
            }
        });
        WsClient writer = client();
        writer.openOk("ticker");
        long until = System.nanoTime() + Duration.ofMillis(2000).toNanos();
        int value = 0;
        while (System.nanoTime() < until) { // a change every 50 ms: the debounce alone would never fire
            WsClient.ok(writer.set("ticker", "n", number(value++)));
            Thread.sleep(50);
        }

        assertThat(storedVersions).as("stored while writes kept coming").isNotEmpty();
    }

    @Test
    void aFailingStoreIsRetriedWithBackoffUntilItSucceedsAndTheDocumentStaysMeanwhile() {
        AtomicInteger attempts = new AtomicInteger();
        Hookline server = start(timing(100, 1000, 100, 400), new ServerHooks() {
            @Override
            public void onStoreDocument(StoreDocument store, HookContext context) {
                if (attempts.incrementAndGet() <= 3) {
                    throw new Reject(4503, "database unavailable");
                }
            }
        });
        WsClient writer = client();
        writer.openOk("precious");
        WsClient.ok(writer.set("precious", "data", text("keep me")));
        writer.close(); // last leave: a store, which fails, so the document must stay

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(attempts.get()).isEqualTo(4);
            assertThat(server.storeStats().failed()).isEqualTo(3);
            assertThat(server.storeStats().stored()).isEqualTo(1);
        });
        // Stored at last, and nobody has it open: now it leaves memory.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(server.documentCount()).isZero());
    }
}
