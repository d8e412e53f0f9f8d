package dev.hookline.faults.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.hookline.client.ClientDocument;
import dev.hookline.client.HooklineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One document of the real Java client written to continuously: {@code set}s to paths of its own
 * ({@code <name>/k<i>}), a few in flight at once, whatever happens to the connection. Every write's
 * future is kept, so that afterwards each one is known to be acknowledged (with its version) or
 * failed (with its exception): a write whose future never completes was dropped silently.
 */
final class ClientWriter {

    /** A write and what became of it. */
    record Write(String path, JsonNode value, long sentNanos, CompletableFuture<Long> future, AtomicLong answeredNanos) {
    }

    private final String name;
    private final ClientDocument doc;
    private final Semaphore window;
    private final long paceMillis;
    private final List<Write> writes = new ArrayList<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean stopping;

    /**
     * @param name the first segment of every path it writes
     * @param doc an open document of the client
     * @param window writes in flight at most (the client queues those made while it reconnects)
     */
    ClientWriter(String name, ClientDocument doc, int window, long paceMillis) {
        this.name = name;
        this.doc = doc;
        this.window = new Semaphore(window);
        this.paceMillis = paceMillis;
    }

    ClientWriter start() {
        Thread.ofVirtual().name("client-writer-" + name).start(() -> {
            try {
                for (int i = 1; !stopping; i++) {
                    while (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        if (stopping) {
                            return;
                        }
                    }
                    String path = name + "/k" + i;
                    JsonNode value = IntNode.valueOf(i);
                    long sentAt = System.nanoTime();
                    CompletableFuture<Long> future = doc.ref(path).set(value);
                    AtomicLong answered = new AtomicLong();
                    synchronized (writes) {
                        writes.add(new Write(path, value, sentAt, future, answered));
                    }
                    future.whenComplete((version, error) -> {
                        answered.set(System.nanoTime());
                        window.release();
                    });
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

    void stop() {
        stopping = true;
    }

    List<Write> writes() {
        synchronized (writes) {
            return List.copyOf(writes);
        }
    }

    /** Writes acknowledged, as the cluster checks take them. */
    List<Writer.Ack> acks() {
        List<Writer.Ack> acks = new ArrayList<>();
        for (Write write : writes()) {
            if (write.future().isDone() && !write.future().isCompletedExceptionally()) {
                acks.add(new Writer.Ack(name, write.path(), write.value(), write.future().join(), write.sentNanos(),
                        write.answeredNanos().get()));
            }
        }
        return acks;
    }

    /** Acknowledged writes sent after {@code nanos}. */
    long acksSentAfter(long nanos) {
        return writes().stream().filter(w -> w.sentNanos() > nanos && w.future().isDone()
                && !w.future().isCompletedExceptionally()).count();
    }

    /** Writes not answered yet. */
    List<Write> unanswered() {
        return writes().stream().filter(w -> !w.future().isDone()).toList();
    }

    /** Failed writes by what the client said: the close or error code, or the exception's class. */
    Map<String, Integer> failures() {
        Map<String, Integer> failures = new TreeMap<>();
        for (Write write : writes()) {
            if (write.future().isCompletedExceptionally()) {
                Throwable error = write.future().exceptionNow();
                String key = error instanceof HooklineException h ? String.valueOf(h.code()) : error.getClass().getSimpleName();
                failures.merge(key, 1, Integer::sum);
            }
        }
        return failures;
    }

    /** Waits until the writer sent its last write and every write got its answer; true if within {@code seconds}. */
    boolean awaitAnswered(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        if (!done.await(seconds, TimeUnit.SECONDS)) {
            return false;
        }
        while (!unanswered().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return unanswered().isEmpty();
    }

    @Override
    public String toString() {
        List<Write> all = writes();
        return name + ": " + all.size() + " sent, " + acks().size() + " acked, failed " + failures() + ", "
                + unanswered().size() + " unanswered";
    }
}
