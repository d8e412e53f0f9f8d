package dev.hookline.server.aot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The work a training run does against a server on loopback, so that the AOT cache holds what a
 * real server loads and the profiles of what it runs hot: the HTTP endpoints, then clients that
 * connect, open a document, subscribe, write (set, merge, delete) in a closed loop while the others
 * receive every change, share presence, send stateless messages, unsubscribe and leave. Some
 * connections stay open, so the graceful stop that follows sends them its goodbye.
 *
 * <p>Only the JDK's own HTTP client and hand-written frames: this runs in a separate JVM from the
 * server's class path without any library. Every wait is bounded by one deadline.
 */
final class TrainingWorkload {

    static final int SUBSCRIBERS = 40;
    static final int WRITES = 4_000;
    private static final int WINDOW = 32;
    private static final String DOC = "aot-training";
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final Pattern VERSION = Pattern.compile("\"version\":(\\d+)");

    private final int port;
    private final long deadlineNanos;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** What the run did, for the build log. */
    record Summary(int connections, int writes, long deliveries, int errors) {
    }

    TrainingWorkload(int port, Duration budget) {
        this.port = port;
        this.deadlineNanos = System.nanoTime() + budget.toNanos();
    }

    Summary run() throws Exception {
        for (String path : List.of("/health", "/metrics", "/hookline.js", "/")) {
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(remaining()).build(), HttpResponse.BodyHandlers.discarding());
        }
        List<Connection> subscribers = new ArrayList<>();
        for (int i = 0; i < SUBSCRIBERS; i++) {
            Connection subscriber = new Connection();
            subscriber.request(1, "{\"type\":\"open\",\"id\":1,\"doc\":\"" + DOC + "\"}");
            subscriber.request(2, "{\"type\":\"sub\",\"id\":2,\"doc\":\"" + DOC + "\",\"path\":\"cards\"}");
            if (i % 4 == 0) {
                subscriber.request(3, "{\"type\":\"sub\",\"id\":3,\"doc\":\"" + DOC + "\",\"path\":\"\",\"keys\":true}");
            }
            subscriber.request(4, "{\"type\":\"presence\",\"id\":4,\"doc\":\"" + DOC
                    + "\",\"state\":{\"name\":\"s" + i + "\",\"cursor\":[" + i + ",0]}}");
            subscribers.add(subscriber);
        }
        Connection writer = new Connection();
        long firstVersion = versionOf(writer.request(1, "{\"type\":\"open\",\"id\":1,\"doc\":\"" + DOC + "\"}"));
        writer.pipeline(WRITES, TrainingWorkload::write);
        long lastVersion = firstVersion + WRITES;
        for (Connection subscriber : subscribers) {
            subscriber.awaitVersion(lastVersion);
        }
        for (int i = 0; i < 50; i++) {
            writer.request(100_000 + i, "{\"type\":\"stateless\",\"id\":" + (100_000 + i) + ",\"doc\":\"" + DOC
                    + "\",\"payload\":{\"kind\":\"emoji\",\"n\":" + i + "}}");
            subscribers.get(i % SUBSCRIBERS).request(10 + i, "{\"type\":\"presence\",\"id\":" + (10 + i)
                    + ",\"doc\":\"" + DOC + "\",\"state\":{\"name\":\"s\",\"cursor\":[" + i + ",1]}}");
        }
        // Half leave as a client does, half stay for the server's goodbye at the graceful stop.
        for (int i = 0; i < SUBSCRIBERS / 2; i++) {
            Connection subscriber = subscribers.get(i);
            subscriber.request(200, "{\"type\":\"unsub\",\"id\":200,\"doc\":\"" + DOC + "\",\"sub\":2}");
            subscriber.request(201, "{\"type\":\"leave\",\"id\":201,\"doc\":\"" + DOC + "\"}");
            subscriber.close();
        }
        long deliveries = 0;
        int errors = writer.errors.get();
        for (Connection subscriber : subscribers) {
            deliveries += subscriber.changes.get();
            errors += subscriber.errors.get();
        }
        return new Summary(SUBSCRIBERS + 1, WRITES, deliveries, errors);
    }

    /** The i-th write of the closed loop: mostly sets, some merges and deletes, on 64 cards. */
    private static String write(long id, int i) {
        String card = "cards/c" + (i % 64);
        if (i % 10 == 9) {
            return "{\"type\":\"delete\",\"id\":" + id + ",\"doc\":\"" + DOC + "\",\"path\":\"" + card + "/done\"}";
        }
        if (i % 5 == 4) {
            return "{\"type\":\"merge\",\"id\":" + id + ",\"doc\":\"" + DOC + "\",\"path\":\"" + card
                    + "\",\"value\":{\"done\":true,\"by\":\"w\"}}";
        }
        return "{\"type\":\"set\",\"id\":" + id + ",\"doc\":\"" + DOC + "\",\"path\":\"" + card
                + "\",\"value\":{\"title\":\"card " + i + "\",\"n\":" + i + ",\"tags\":[\"a\",\"b\"],\"w\":1.5}}";
    }

    private static long versionOf(String ack) {
        Matcher v = VERSION.matcher(ack);
        return v.find() ? Long.parseLong(v.group(1)) : 0;
    }

    private Duration remaining() throws TimeoutException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new TimeoutException("the training workload ran out of time");
        }
        return Duration.ofNanos(left);
    }

    /** One WebSocket: answers by request id, the latest change version seen, and counts. */
    private final class Connection implements WebSocket.Listener {
        private final Map<Long, CompletableFuture<String>> answers = new ConcurrentHashMap<>();
        private final AtomicLong version = new AtomicLong(-1);
        private final AtomicLong changes = new AtomicLong();
        private final AtomicInteger errors = new AtomicInteger();
        private final StringBuilder text = new StringBuilder();
        private final WebSocket socket;

        Connection() throws Exception {
            socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), this)
                    .get(remaining().toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                frame(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        private void frame(String frame) {
            if (frame.startsWith("{\"type\":\"change\"")) {
                changes.incrementAndGet();
                Matcher v = VERSION.matcher(frame);
                if (v.find()) {
                    version.accumulateAndGet(Long.parseLong(v.group(1)), Math::max);
                }
            } else if (frame.startsWith("{\"type\":\"ping\"")) {
                socket.sendText("{\"type\":\"pong\",\"payload\":" + frame.substring(frame.indexOf("\"payload\":") + 10,
                        frame.length() - 1) + "}", true);
            } else if (frame.startsWith("{\"type\":\"ack\"") || frame.startsWith("{\"type\":\"error\"")) {
                if (frame.startsWith("{\"type\":\"error\"")) {
                    errors.incrementAndGet();
                }
                Matcher id = ID.matcher(frame);
                if (id.find()) {
                    answers.computeIfAbsent(Long.parseLong(id.group(1)), k -> new CompletableFuture<>()).complete(frame);
                }
            }
        }

        /** Sends a frame and waits for its ack (or error). */
        String request(long id, String frame) throws Exception {
            CompletableFuture<String> answer = answers.computeIfAbsent(id, k -> new CompletableFuture<>());
            socket.sendText(frame, true).get(remaining().toNanos(), TimeUnit.NANOSECONDS);
            String result = answer.get(remaining().toNanos(), TimeUnit.NANOSECONDS);
            answers.remove(id);
            return result;
        }

        /** Sends count writes with at most WINDOW unanswered, and waits for the last answers. */
        void pipeline(int count, Writes writes) throws Exception {
            Semaphore window = new Semaphore(WINDOW);
            long firstId = 1_000;
            for (int i = 0; i < count; i++) {
                if (!window.tryAcquire(remaining().toNanos(), TimeUnit.NANOSECONDS)) {
                    throw new TimeoutException("no answer to the training writes");
                }
                long id = firstId + i;
                answers.computeIfAbsent(id, k -> new CompletableFuture<>()).whenComplete((frame, failure) -> {
                    answers.remove(id);
                    window.release();
                });
                socket.sendText(writes.frame(id, i), true).get(remaining().toNanos(), TimeUnit.NANOSECONDS);
            }
            if (!window.tryAcquire(WINDOW, remaining().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException("no answer to the last training writes");
            }
        }

        void awaitVersion(long wanted) throws Exception {
            while (version.get() < wanted) {
                remaining();
                Thread.sleep(5);
            }
        }

        void close() throws Exception {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(remaining().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @FunctionalInterface
    private interface Writes {
        String frame(long id, int i);
    }
}
