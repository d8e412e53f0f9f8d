package dev.hookline.faults.support;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many WebSocket upgrades from plain sockets, the upgraded ones held open and idle until
 * {@link #close()}. Bounded: a number of attempts, a deadline, and a stop after a run of
 * unanswered attempts (a server that cannot accept any more must not cost a timeout per attempt).
 */
public final class SocketFlood implements AutoCloseable {

    private static final int ANSWER_TIMEOUT_MILLIS = 5_000;
    private static final int GIVE_UP_AFTER_UNANSWERED = 3;

    private final ConcurrentLinkedQueue<Socket> held = new ConcurrentLinkedQueue<>();
    private final Map<Integer, AtomicInteger> byStatus = new java.util.concurrent.ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> unansweredSamples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicInteger unansweredRun = new AtomicInteger();

    private SocketFlood() {
    }

    /**
     * @param count       upgrade attempts at most
     * @param concurrency attempts in flight at once (1: one after the other)
     * @param within      deadline of the whole flood
     */
    public static SocketFlood open(int port, int count, int concurrency, Duration within) throws InterruptedException {
        SocketFlood flood = new SocketFlood();
        long deadline = System.nanoTime() + within.toNanos();
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int t = 0; t < concurrency; t++) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (next.getAndIncrement() < count && System.nanoTime() < deadline
                            && flood.unansweredRun.get() < GIVE_UP_AFTER_UNANSWERED) {
                        flood.attempt(port);
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        if (!done.await(within.toMillis() + 2L * ANSWER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
            flood.close();
            throw new AssertionError("the flood's threads did not finish by their deadline");
        }
        return flood;
    }

    private void attempt(int port) {
        attempts.incrementAndGet();
        RawUpgrade.Answer answer = RawUpgrade.attempt(port, ANSWER_TIMEOUT_MILLIS);
        byStatus.computeIfAbsent(answer.status(), s -> new AtomicInteger()).incrementAndGet();
        if (answer.status() == 0) {
            unansweredRun.incrementAndGet();
            if (unansweredSamples.size() < 3) {
                unansweredSamples.add(answer.head());
            }
        } else {
            unansweredRun.set(0);
        }
        if (answer.upgraded()) {
            held.add(answer.socket());
        }
    }

    /** @return upgrade attempts made */
    public int attempts() {
        return attempts.get();
    }

    /** @return connections upgraded and held open */
    public int held() {
        return held.size();
    }

    /** @return attempts answered with this HTTP status (0: no answer) */
    public int answered(int status) {
        AtomicInteger n = byStatus.get(status);
        return n == null ? 0 : n.get();
    }

    /** @return attempts by HTTP status, for messages */
    public Map<Integer, Integer> byStatus() {
        Map<Integer, Integer> copy = new TreeMap<>();
        byStatus.forEach((status, n) -> copy.put(status, n.get()));
        return copy;
    }

    /** @return a few of the errors of unanswered attempts, for messages */
    public List<String> unansweredSamples() {
        return new ArrayList<>(unansweredSamples);
    }

    @Override
    public String toString() {
        return attempts() + " upgrade attempts, by status " + byStatus() + " (0 = no answer"
                + (unansweredSamples.isEmpty() ? "" : ", e.g. " + unansweredSamples) + "), " + held() + " held";
    }

    /** Closes every held connection. */
    @Override
    public void close() {
        Socket socket;
        while ((socket = held.poll()) != null) {
            RawUpgrade.closeQuietly(socket);
        }
    }
}
