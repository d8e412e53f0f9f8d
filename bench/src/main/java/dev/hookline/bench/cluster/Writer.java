package dev.hookline.bench.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One writing client: opens a document on a node, then sends {@code set}s of one path, either
 * paced at a fixed rate or as fast as a window of writes in flight allows. Each value is the send
 * time (nanoTime minus the driver's epoch), so every subscriber in this JVM can tell a change's
 * delivery latency on the same clock. Ack latency counts only writes sent inside the measurement
 * window ({@link #measure}).
 */
final class Writer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonSocket socket;
    private final String doc;
    private final String path;
    private final long epoch;
    private final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
    private final Latencies ackLatency = new Latencies();
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong lastVersion = new AtomicLong();
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    private final Semaphore window = new Semaphore(0);
    private final CompletableFuture<Void> opened = new CompletableFuture<>();
    private volatile long measureFrom = Long.MAX_VALUE;
    private volatile long measureTo = Long.MAX_VALUE;
    private volatile long watchFrom = Long.MAX_VALUE;
    private volatile long firstAckAfterWatch;
    private volatile long firstErrorAfterWatch;
    private long nextId = 1;

    private Writer(JsonSocket socket, String doc, String path, long epoch) {
        this.socket = socket;
        this.doc = doc;
        this.path = path;
        this.epoch = epoch;
    }

    /** Connects to the node on {@code port} and opens {@code doc}; returns once the open is acknowledged. */
    static Writer open(HttpClient http, int port, String doc, String path, long epoch) {
        Writer[] self = new Writer[1];
        CompletableFuture<Writer> made = new CompletableFuture<>();
        JsonSocket socket = JsonSocket.connect(http, port, (s, frame, at) -> made.join().onFrame(frame, at))
                .orTimeout(20, TimeUnit.SECONDS).join();
        self[0] = new Writer(socket, doc, path, epoch);
        made.complete(self[0]);
        socket.send("{\"type\":\"open\",\"id\":0,\"doc\":\"" + doc + "\"}");
        self[0].opened.orTimeout(30, TimeUnit.SECONDS).join();
        return self[0];
    }

    /** Writes until {@code running} turns false: {@code rate} per second, or with {@code window} in flight if rate is 0. */
    void run(double rate, int window, BooleanSupplier running) {
        if (rate > 0) {
            long period = (long) (1e9 / rate);
            long next = System.nanoTime();
            while (running.getAsBoolean()) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    continue;
                }
                send();
                next += period;
                if (System.nanoTime() - next > 10 * period) {
                    next = System.nanoTime(); // fell far behind (a pause): no burst to catch up
                }
            }
        } else {
            this.window.release(window);
            while (running.getAsBoolean()) {
                try {
                    if (this.window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        send();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void send() {
        long id = nextId++;
        long now = System.nanoTime();
        sentAt.put(id, now);
        socket.send("{\"type\":\"set\",\"id\":" + id + ",\"doc\":\"" + doc + "\",\"path\":\"" + path
                + "\",\"value\":" + (now - epoch) + "}");
    }

    private void onFrame(String frame, long at) {
        JsonNode node;
        try {
            node = JSON.readTree(frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String type = node.path("type").asText();
        if (!type.equals("ack") && !type.equals("error")) {
            return;
        }
        long id = node.path("id").asLong(-1);
        if (id == 0 && type.equals("ack")) {
            opened.complete(null);
            return;
        }
        if (id == 0) {
            opened.completeExceptionally(new IllegalStateException("open refused: " + frame));
            return;
        }
        Long sent = sentAt.remove(id);
        if (type.equals("ack")) {
            acks.incrementAndGet();
            lastVersion.accumulateAndGet(node.path("version").asLong(), Math::max);
            if (sent != null && sent >= measureFrom && sent < measureTo) {
                ackLatency.recordNanos(at - sent);
            }
            if (sent != null && sent > watchFrom && firstAckAfterWatch == 0) {
                firstAckAfterWatch = at;
            }
        } else {
            // one line per kind of error: request ids and document names vary, the rest does not
            String reason = node.path("reason").asText().replaceAll("request \\d+", "request #")
                    .replace(doc, "<doc>");
            errors.computeIfAbsent(node.path("code").asText() + " " + reason,
                    k -> new AtomicLong()).incrementAndGet();
            if (sent != null && sent > watchFrom && firstErrorAfterWatch == 0) {
                firstErrorAfterWatch = at;
            }
        }
        window.release();
    }

    /** Ack latencies count for writes sent from {@code from} (nanoTime) to {@code to}. */
    void measure(long from, long to) {
        measureFrom = from;
        measureTo = to;
    }

    /** From now on, remember the arrival of the first ack (and error) of a write sent after {@code from}. */
    void watch(long from) {
        firstAckAfterWatch = 0;
        firstErrorAfterWatch = 0;
        watchFrom = from;
    }

    long firstAckAfterWatch() {
        return firstAckAfterWatch;
    }

    long firstErrorAfterWatch() {
        return firstErrorAfterWatch;
    }

    Latencies ackLatency() {
        return ackLatency;
    }

    long acks() {
        return acks.get();
    }

    long lastVersion() {
        return lastVersion.get();
    }

    /** Writes sent and not answered yet. */
    int unanswered() {
        return sentAt.size();
    }

    Map<String, Long> errors() {
        Map<String, Long> copy = new TreeMap<>();
        errors.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    void close() {
        socket.close();
    }
}
