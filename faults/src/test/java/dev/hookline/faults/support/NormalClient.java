package dev.hookline.faults.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.client.ClientDocument;
import dev.hookline.client.HooklineClient;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A well-behaved user: the Java client ({@link HooklineClient}) on one connection, with every
 * step bounded in time. Acknowledged writes go into a {@link Ledger}.
 */
public final class NormalClient implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 15;
    private static final AtomicLong SERIAL = new AtomicLong();

    private final HooklineClient client;
    private final Map<String, ClientDocument> documents = new HashMap<>();

    private NormalClient(HooklineClient client) {
        this.client = client;
    }

    /** Connects and waits for the welcome. */
    public static NormalClient connect(int port) {
        HooklineClient client = HooklineClient.builder(URI.create("ws://127.0.0.1:" + port + "/ws"))
                .connectTimeout(Duration.ofSeconds(5))
                .reconnect(Duration.ofMillis(200), Duration.ofSeconds(1))
                .build();
        try {
            client.ready().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            client.close();
            throw new AssertionError("a normal client could not connect to 127.0.0.1:" + port + " within "
                    + TIMEOUT_SECONDS + " s: " + e, e);
        }
        return new NormalClient(client);
    }

    /** Opens a document (once per document on this connection). */
    public ClientDocument open(String document) {
        return documents.computeIfAbsent(document, name -> join(client.open(name), "open '" + name + "'"));
    }

    /**
     * Writes and waits for the ack; an acknowledged write goes into the ledger.
     *
     * @return the version of the ack
     * @throws AssertionError when the write is refused or not answered in time
     */
    public long write(Ledger ledger, String document, String path, JsonNode value) {
        long version = join(open(document).ref(path).set(value), "write " + document + "/" + path);
        ledger.acked(document, path, value);
        return version;
    }

    /** Sends a write without waiting: the future completes with the ack's version or fails. */
    public CompletableFuture<Long> writeAsync(String document, String path, JsonNode value) {
        return open(document).ref(path).set(value);
    }

    /** Reads a value from the server (a fresh subscription, not a cache). */
    public JsonNode read(String document, String path) {
        return join(open(document).ref(path).once(), "read " + document + "/" + path);
    }

    /**
     * What each fault test ends with: a new connection is served (open, write, ack, read back),
     * then every acknowledged write so far is there.
     */
    public static void assertServedAndNothingLost(int port, Ledger ledger) {
        try (NormalClient fresh = connect(port)) {
            String path = "served/" + SERIAL.incrementAndGet();
            JsonNode value = com.fasterxml.jackson.databind.node.TextNode.valueOf("hello " + path);
            fresh.write(ledger, "served", path, value);
            if (!value.equals(fresh.read("served", path))) {
                throw new AssertionError("a normal client's acknowledged write did not read back: " + path);
            }
        }
        try (NormalClient reader = connect(port)) {
            ledger.assertAllPresent(reader);
        }
    }

    private static <T> T join(CompletableFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(what + " failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(what + " was not answered within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(what + " interrupted", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
