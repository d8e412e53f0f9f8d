package dev.hookline.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hookline.faults.support.Ledger;
import dev.hookline.faults.support.NormalClient;
import dev.hookline.faults.support.RawUpgrade;
import dev.hookline.faults.support.ServerProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #9, items 2 and 4 and the OOM deliverable: the server under a small heap ({@code -Xmx64m},
 * through {@code HOOKLINE_JAVA_OPTS}) fed more than it can hold. The policy is "never a zombie":
 * the process either goes on serving with every limit holding (no OutOfMemoryError at all), or
 * exits at once on the first one ({@code -XX:+ExitOnOutOfMemoryError} in {@code bin/hookline})
 * and is restarted, as a supervisor would. Either way a normal client is then served and every
 * acknowledged write is there.
 */
class MemoryPressureIT extends FaultTestBase {

    private static final String HEAP = "-Xmx64m";

    /** The change log: large writes to one key, more in all than the heap. */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void largeWritesToOneKeyBeyondTheHeapLeaveNoZombie() throws Exception {
        int writes = 150;
        int valueChars = 512 * 1024; // 150 x 512 KiB = 75 MiB of changes, more than the heap
        ServerProcess server = start(ServerProcess.options().javaOpts(HEAP));
        Ledger ledger = new Ledger();
        AtomicInteger lastAcked = new AtomicInteger(-1);

        try (NormalClient regular = NormalClient.connect(server.port())) {
            regular.write(ledger, "heavy", "before", IntNode.valueOf(1));
        }
        try (NormalClient writer = NormalClient.connect(server.port())) {
            Semaphore window = new Semaphore(4);
            List<CompletableFuture<Long>> sent = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            int secondsWithoutAnswer = 0;
            while (sent.size() < writes && System.nanoTime() < deadline && server.isAlive()) {
                if (!window.tryAcquire(1, TimeUnit.SECONDS)) {
                    if (++secondsWithoutAnswer >= 15) {
                        break; // no answers any more: the server is stuck, judged below
                    }
                    continue; // look at the process again
                }
                secondsWithoutAnswer = 0;
                int index = sent.size();
                CompletableFuture<Long> write = writer.writeAsync("heavy", "blob", TextNode.valueOf(blob(index, valueChars)));
                write.whenComplete((version, error) -> {
                    window.release();
                    if (error == null) {
                        lastAcked.accumulateAndGet(index, Math::max);
                    }
                });
                sent.add(write);
            }
            // The last answers; none will come from a dead server (a write made after its socket
            // closed waits in the client for a reconnect).
            long answers = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < answers && server.isAlive() && !sent.stream().allMatch(CompletableFuture::isDone)) {
                Thread.sleep(200);
            }
            log("memory pressure (%s), %d writes of %d KiB to one key: %d sent, %d answered, the last acknowledged #%d; "
                    + "server %s", HEAP, writes, valueChars / 1024, sent.size(), sent.stream().filter(CompletableFuture::isDone).count(),
                    lastAcked.get(), server.isAlive() ? "alive" : "exited");
        }

        ServerProcess serving = noZombie(server);
        NormalClient.assertServedAndNothingLost(serving.port(), ledger);
        if (lastAcked.get() >= 0) {
            try (NormalClient reader = NormalClient.connect(serving.port())) {
                JsonNode blob = reader.read("heavy", "blob");
                assertThat(blob.isTextual()).as("the acknowledged blob is there").isTrue();
                int stored = Integer.parseInt(blob.asText().substring(1, blob.asText().indexOf('#', 1)));
                assertThat(stored).as("the blob is the last acknowledged one or a later one").isGreaterThanOrEqualTo(lastAcked.get());
            }
        }
    }

    /** Request headers: sockets sending ~900 KB of header each and never finishing. */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void hugeUnfinishedHeadersBeyondTheHeapLeaveNoZombie() throws Exception {
        int sockets = 200; // 200 x 900 KB, about three times the heap
        ServerProcess server = start(ServerProcess.options().javaOpts(HEAP));
        Ledger ledger = new Ledger();
        try (NormalClient regular = NormalClient.connect(server.port())) {
            regular.write(ledger, "headers", "before", IntNode.valueOf(1));
        }
        List<Socket> open = new ArrayList<>();
        try {
            byte[] chunk = ("X-Filler-" + "a".repeat(8 * 1024 - 12) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            int sentBytes = 0;
            int refused = 0;
            String firstError = "none";
            for (int s = 0; s < sockets && server.isAlive(); s++) {
                Socket socket = new Socket();
                open.add(socket);
                try {
                    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                    socket.setSoTimeout(5_000);
                    OutputStream out = socket.getOutputStream();
                    out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n").getBytes(StandardCharsets.US_ASCII));
                    for (int c = 0; c < 110; c++) { // ~900 KB, never the blank line that ends the head
                        out.write(chunk);
                        sentBytes += chunk.length;
                    }
                    out.flush();
                } catch (IOException e) {
                    refused++; // closed or reset by the server: a header limit at work (or a dead server)
                    firstError = refused == 1 ? e.toString() : firstError;
                }
            }
            log("memory pressure (%s), %d sockets with unfinished ~900 KB headers: %d MiB sent, %d cut off by the server (%s)",
                    HEAP, sockets, sentBytes >> 20, refused, firstError);
            Thread.sleep(3_000); // let the server act on what it read
        } finally {
            open.forEach(RawUpgrade::closeQuietly);
        }
        ServerProcess serving = noZombie(server);
        NormalClient.assertServedAndNothingLost(serving.port(), ledger);
    }

    /**
     * The process either exited at once because of an OutOfMemoryError (then it is restarted on the
     * same data), or it is alive, threw none, and serves.
     *
     * @return the server to check with a normal client
     */
    private ServerProcess noZombie(ServerProcess server) throws Exception {
        Integer exit = server.exitValue(Duration.ofSeconds(5));
        String log = server.log();
        if (exit != null) {
            log("memory pressure: the server exited with %d; restarting it", exit);
            assertThat(log).as("it exited because of an OutOfMemoryError (exit %d); log:%n%s", exit, tail(log))
                    .contains("OutOfMemoryError");
            return track(server.restart());
        }
        assertThat(log).as("the server is alive, so no OutOfMemoryError may have happened in it (a thread it "
                + "killed would leave a zombie); log:%n%s", tail(log)).doesNotContain("OutOfMemoryError");
        assertThat(server.get("/health").statusCode()).isEqualTo(200);
        return server;
    }

    private static String blob(int index, int chars) {
        String head = "#" + index + "#";
        return head + "x".repeat(chars - head.length());
    }

    private static String tail(String log) {
        return log.length() > 6_000 ? "..." + log.substring(log.length() - 6_000) : log;
    }
}
