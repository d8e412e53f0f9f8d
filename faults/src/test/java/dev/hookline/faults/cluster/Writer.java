package dev.hookline.faults.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client writing to one document from one node: {@code set}s to paths of its own
 * ({@code <name>/k<i>}), a few in flight at once, every outcome recorded: acks (with their
 * version and when they came), errors (with their code), and requests that died with their
 * connection. A refused write is not retried (the next one goes on), so errors during a failover
 * are counted, not hidden.
 */
final class Writer {

    /** An acknowledged write: what must be found afterwards, and the version its ack carried. */
    record Ack(String writer, String path, JsonNode value, long version, long sentNanos, long ackNanos) {
    }

    /**
     * The usual pause after each write: a writer runs at most ~100 writes a second, so a test of
     * some seconds makes documents of thousands of keys, not of a hundred thousand on a fast node.
     */
    static final long PACE_MILLIS = 10;

    private final String name;
    private final JsonClient client;
    private final String doc;
    private final int window;
    private final long paceMillis;
    private final List<Ack> acks = new ArrayList<>();
    private final Map<Integer, Integer> errorCodes = new ConcurrentHashMap<>();
    private final List<JsonNode> errors = new ArrayList<>();
    private final AtomicInteger lost = new AtomicInteger();
    private final AtomicInteger sent = new AtomicInteger();
    private volatile boolean refused; // the last answer was an error: pause before the next write
    private volatile boolean stopping;
    private final CountDownLatch done = new CountDownLatch(1);
    private Semaphore inFlight;

    /**
     * @param name also the first segment of every path it writes (unique in the test)
     * @param client a client that has {@code doc} open
     * @param window writes in flight at most
     * @param paceMillis pause after each write
     */
    Writer(String name, JsonClient client, String doc, int window, long paceMillis) {
        this.name = name;
        this.client = client;
        this.doc = doc;
        this.window = window;
        this.paceMillis = paceMillis;
    }

    String name() {
        return name;
    }

    JsonClient client() {
        return client;
    }

    /** Writes {@code count} times (or until {@link #stop}), in a virtual thread. */
    Writer start(int count) {
        inFlight = new Semaphore(window);
        Thread.ofVirtual().name("writer-" + name).start(() -> {
            try {
                for (int i = 0; i < count && !stopping && client.isOpen(); i++) {
                    while (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        if (stopping || !client.isOpen()) {
                            return;
                        }
                    }
                    if (refused) {
                        refused = false;
                        Thread.sleep(20); // after a refusal (4503 during a takeover, say): no busy loop
                    }
                    write(i);
                    Thread.sleep(paceMillis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                done.countDown();
            }
        });
        return this;
    }

    private void write(int i) {
        String path = name + "/k" + i;
        JsonNode value = IntNode.valueOf(i);
        long sentAt = System.nanoTime();
        sent.incrementAndGet();
        client.set(doc, path, value).whenComplete((answer, failure) -> {
            if (failure != null) {
                lost.incrementAndGet();
            } else if ("ack".equals(answer.path("type").asText())) {
                synchronized (acks) {
                    acks.add(new Ack(name, path, value, answer.path("version").asLong(), sentAt, System.nanoTime()));
                }
            } else {
                errorCodes.merge(answer.path("code").asInt(), 1, Integer::sum);
                synchronized (errors) {
                    errors.add(answer);
                }
                refused = true;
            }
            inFlight.release();
        });
    }

    /** Stops sending; requests already sent still get their answer recorded. */
    void stop() {
        stopping = true;
    }

    /**
     * Waits until the writer has sent its last write and every request it sent was answered (or
     * died with the connection).
     *
     * @return true if so within {@code seconds}
     */
    boolean awaitAnswered(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        if (!done.await(seconds, TimeUnit.SECONDS)) {
            return false;
        }
        while (client.pendingCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return client.pendingCount() == 0;
    }

    /** Requests sent and not answered yet. */
    int unanswered() {
        return client.pendingCount();
    }

    List<Ack> acks() {
        synchronized (acks) {
            return List.copyOf(acks);
        }
    }

    int ackCount() {
        synchronized (acks) {
            return acks.size();
        }
    }

    /** Error frames by code. */
    Map<Integer, Integer> errorCodes() {
        return Map.copyOf(errorCodes);
    }

    int errorCount() {
        return errorCodes.values().stream().mapToInt(Integer::intValue).sum();
    }

    List<JsonNode> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    /** Requests whose connection ended before an answer. */
    int lost() {
        return lost.get();
    }

    int sent() {
        return sent.get();
    }

    @Override
    public String toString() {
        return name + ": " + sent() + " sent, " + ackCount() + " acked, errors " + errorCodes() + ", " + lost()
                + " lost with the connection, " + unanswered() + " unanswered";
    }
}
