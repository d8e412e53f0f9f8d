package dev.hookline.faults;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.hookline.faults.support.Ledger;
import dev.hookline.faults.support.NormalClient;
import dev.hookline.faults.support.ServerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGKILL while writes are in flight, against the distribution with its defaults (the bundled
 * sqlite plugin, durability {@code ack}): after each restart a normal client is served and every
 * acknowledged write is there. (plugins/sqlite's CrashIT does the same on the server's class path.)
 */
class SigkillDuringWritesIT extends FaultTestBase {

    private static final int ROUNDS = 3;
    private static final String[] DOCUMENTS = {"crash-a", "crash-b"};
    private static final int WRITERS = 2;
    private static final int IN_FLIGHT = 8;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        Ledger ledger = new Ledger();
        ServerProcess server = start(ServerProcess.options());
        for (int round = 1; round <= ROUNDS; round++) {
            int acks = writeAndKill(server, round, ledger);
            server = restart(server);
            NormalClient.assertServedAndNothingLost(server.port(), ledger);
            log("SIGKILL round %d: killed after %d acks; %d acknowledged writes in all, every one there after the restart",
                    round, acks, ledger.size());
        }
    }

    /** Writes from several clients, several writes in flight each; SIGKILL once enough were acknowledged. */
    private int writeAndKill(ServerProcess server, int round, Ledger ledger) throws Exception {
        int killAfter = 100 + 50 * round;
        AtomicInteger acks = new AtomicInteger();
        CompletableFuture<Void> enough = new CompletableFuture<>();
        List<NormalClient> writers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int w = 0; w < WRITERS; w++) {
                NormalClient writer = NormalClient.connect(server.port());
                writers.add(writer);
                int id = w;
                threads.add(Thread.ofVirtual().start(() -> {
                    Semaphore window = new Semaphore(IN_FLIGHT);
                    try {
                        for (int i = 0; i < 100_000 && !enough.isDone(); i++) {
                            if (!window.tryAcquire(10, TimeUnit.SECONDS)) {
                                return;
                            }
                            String document = DOCUMENTS[i % DOCUMENTS.length];
                            String path = "r" + round + "/w" + id + "/k" + i;
                            IntNode value = IntNode.valueOf(round * 1_000_000 + id * 100_000 + i);
                            writer.writeAsync(document, path, value).whenComplete((version, error) -> {
                                window.release();
                                if (error == null) {
                                    ledger.acked(document, path, value);
                                    if (acks.incrementAndGet() >= killAfter) {
                                        enough.complete(null);
                                    }
                                }
                            });
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            enough.get(60, TimeUnit.SECONDS);
            server.kill(); // SIGKILL with writes in flight
        } finally {
            writers.forEach(NormalClient::close); // nothing queued in a client reaches the restarted server
            for (Thread thread : threads) {
                thread.join(10_000);
            }
        }
        return acks.get();
    }
}
