package dev.hookline.bench.cluster;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many subscribing clients of one document, spread round-robin over nodes, each with one value
 * subscription (the whole document, or one path). Every {@code change} frame counts as a delivery;
 * its latency is the arrival time minus the send time the writer put in the value (same JVM, same
 * clock). Each subscriber also checks that versions arrive one by one (a jump is a gap).
 */
final class Subscribers {

    private final String doc;
    private final String subPath;
    private final long epoch;
    private final List<JsonSocket> sockets = new ArrayList<>();
    private final AtomicLongArray lastVersion;
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder gaps = new LongAdder();
    private final AtomicLong errors = new AtomicLong();
    private final Latencies latency = new Latencies();
    private final CountDownLatch subscribed;
    private volatile long measureFrom = Long.MAX_VALUE;
    private volatile long measureTo = Long.MAX_VALUE;

    Subscribers(String doc, String subPath, int count, long epoch) {
        this.doc = doc;
        this.subPath = subPath;
        this.epoch = epoch;
        this.lastVersion = new AtomicLongArray(count);
        this.subscribed = new CountDownLatch(count);
    }

    /** Connects subscriber i to {@code ports[i % ports.length]}, 50 connects at a time; returns once all are subscribed. */
    void connect(HttpClient http, int[] ports) throws InterruptedException {
        int count = lastVersion.length();
        for (int from = 0; from < count; from += 50) {
            List<CompletableFuture<JsonSocket>> batch = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + 50); i++) {
                int index = i;
                batch.add(JsonSocket.connect(http, ports[i % ports.length], (s, frame, at) -> onFrame(index, s, frame, at)));
            }
            for (CompletableFuture<JsonSocket> connected : batch) {
                JsonSocket socket = connected.orTimeout(30, TimeUnit.SECONDS).join();
                sockets.add(socket);
                socket.send("{\"type\":\"open\",\"id\":1,\"doc\":\"" + doc + "\"}");
            }
        }
        if (!subscribed.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(subscribed.getCount() + " of " + count + " subscribers not subscribed after 60 s");
        }
    }

    private void onFrame(int index, JsonSocket socket, String frame, long at) {
        if (frame.startsWith("{\"type\":\"change\"")) {
            long version = number(frame, "\"version\":");
            long sent = number(frame, "\"value\":") + epoch;
            deliveries.increment();
            long previous = lastVersion.getAndSet(index, version);
            if (previous > 0 && version != previous + 1) {
                gaps.increment();
            }
            if (sent >= measureFrom && sent < measureTo) {
                latency.recordNanos(at - sent);
            }
        } else if (frame.startsWith("{\"type\":\"ack\"")) {
            if (frame.contains("\"id\":1,")) {
                socket.send("{\"type\":\"sub\",\"id\":2,\"doc\":\"" + doc + "\",\"path\":\"" + subPath + "\"}");
            } else if (frame.contains("\"id\":2,")) {
                lastVersion.set(index, number(frame, "\"version\":"));
                subscribed.countDown();
            }
        } else if (frame.startsWith("{\"type\":\"error\"") || frame.startsWith("{\"type\":\"goodbye\"")
                || frame.startsWith("{\"type\":\"closed\"")) {
            if (errors.incrementAndGet() <= 5) {
                System.out.println("  subscriber " + index + ": " + frame);
            }
        }
    }

    /** The integer after {@code key} in {@code frame} (the server writes integers plainly). */
    private static long number(String frame, String key) {
        int at = frame.indexOf(key) + key.length();
        int end = at;
        while (end < frame.length() && (Character.isDigit(frame.charAt(end)) || frame.charAt(end) == '-')) {
            end++;
        }
        return Long.parseLong(frame, at, end, 10);
    }

    /** Delivery latency counts for changes written from {@code from} (nanoTime) to {@code to}. */
    void measure(long from, long to) {
        measureFrom = from;
        measureTo = to;
    }

    long deliveries() {
        return deliveries.sum();
    }

    long gaps() {
        return gaps.sum();
    }

    long errors() {
        return errors.get();
    }

    Latencies latency() {
        return latency;
    }

    /** How many subscribers have not seen {@code version} yet. */
    int behind(long version) {
        int behind = 0;
        for (int i = 0; i < lastVersion.length(); i++) {
            if (lastVersion.get(i) < version) {
                behind++;
            }
        }
        return behind;
    }

    void close() {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            sockets.forEach(socket -> executor.submit(socket::close));
        }
    }
}
