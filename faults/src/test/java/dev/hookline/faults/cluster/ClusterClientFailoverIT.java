package dev.hookline.faults.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.client.ClientHooks;
import dev.hookline.client.ChangeInfo;
import dev.hookline.client.ClientDocument;
import dev.hookline.client.HooklineClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #10's "done when", with the real Java client: a three-node cluster survives the SIGKILL of
 * the node where a client is writing without losing an acknowledged write. The writer knows the
 * three nodes' URIs (its own node first) and nothing else: no load balancer, no help from the
 * test. It reconnects to the next node by itself, re-opens the document and goes on writing; a
 * subscriber on another node follows the document throughout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterClientFailoverIT extends SharedClusterTestBase {

    private static final int ACKS_BEFORE = 100;
    private static final int ACKS_AFTER = 100;

    private final List<HooklineClient> javaClients = new ArrayList<>();

    @AfterEach
    void closeJavaClients() {
        javaClients.forEach(HooklineClient::close);
    }

    private HooklineClient javaClient(List<Node> nodes, ClientHooks... hooks) {
        List<URI> uris = nodes.stream().map(n -> URI.create("ws://127.0.0.1:" + n.port() + "/ws")).toList();
        HooklineClient client = HooklineClient.builder(uris).hooks(hooks)
                .connectTimeout(Duration.ofSeconds(2))
                .reconnect(Duration.ofMillis(100), Duration.ofSeconds(1))
                .build();
        javaClients.add(client);
        client.ready().orTimeout(10, TimeUnit.SECONDS).join();
        return client;
    }

    /** What a root listener heard: the latest value, and versions that skipped one without a snapshot. */
    private static final class RootFollower {
        final AtomicReference<JsonNode> value = new AtomicReference<>();
        final List<String> gaps = new CopyOnWriteArrayList<>();
        final AtomicInteger resets = new AtomicInteger();
        private long version = -1;

        /** On the client's event thread: one call at a time. */
        void heard(JsonNode now, ChangeInfo info) {
            if (info.snapshot()) {
                if (info.reset()) {
                    resets.incrementAndGet();
                }
            } else if (version >= 0 && info.version() != version + 1) {
                // every change touches the root: a root listener must see each version in turn
                gaps.add("v" + version + " -> v" + info.version());
            }
            version = info.version();
            value.set(now.deepCopy());
        }
    }

    @Test
    void theWritersNodeKilledLosesNoAcknowledgedWrite() throws Exception {
        String doc = cluster.document("client-failover");
        Node home = cluster.node(1);
        List<Node> survivors = cluster.others(home);

        AtomicInteger reconnects = new AtomicInteger();
        HooklineClient writerClient = javaClient(List.of(home, survivors.get(0), survivors.get(1)), new ClientHooks() {
            @Override
            public void reconnect(int attempts) {
                reconnects.incrementAndGet();
            }
        });
        ClientDocument written = writerClient.open(doc).orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(cluster.owner(doc, Duration.ofSeconds(5))).as("the owner of %s, opened first on %s", doc, home.id())
                .isSameAs(home);

        HooklineClient readerClient = javaClient(List.of(survivors.get(0), survivors.get(1)));
        ClientDocument read = readerClient.open(doc).orTimeout(10, TimeUnit.SECONDS).join();
        RootFollower follower = new RootFollower();
        read.ref("").on(follower::heard);

        ClientWriter writer = new ClientWriter("w", written, 4, 10).start();
        awaitTrue(() -> writer.acks().size() >= ACKS_BEFORE, 20, () -> "acks before the kill: " + writer);

        long killedAt = System.nanoTime();
        home.kill();
        log("SIGKILL of %s (owner of %s, the writer's node) after %s", home.id(), doc, writer);
        awaitTrue(() -> writer.acksSentAfter(killedAt) >= ACKS_AFTER, 30,
                () -> ACKS_AFTER + " acks of writes sent after the kill: " + writer + ", writer on "
                        + writerClient.serverUri() + " (" + writerClient.status() + "), document open "
                        + written.isOpen());
        long firstAfter = writer.acks().stream().filter(a -> a.sentNanos() > killedAt)
                .mapToLong(Writer.Ack::ackNanos).min().orElse(killedAt);
        writer.stop();
        assertThat(writer.awaitAnswered(15)).as("every write of %s answered (acked or failed)", writer).isTrue();

        Node newOwner = cluster.owner(doc, Duration.ofSeconds(5));
        URI writerNow = writerClient.serverUri();
        log("writer reconnected %d time(s), now on %s; new owner %s; %s; a write sent after the kill was first "
                        + "acknowledged %d ms after it", reconnects.get(), writerNow, newOwner.id(), writer,
                TimeUnit.NANOSECONDS.toMillis(firstAfter - killedAt));
        assertThat(reconnects.get()).as("the writer's reconnects").isGreaterThanOrEqualTo(1);
        assertThat(writerNow.getPort()).as("the writer's node after the kill").isNotEqualTo(home.port());
        assertThat(newOwner).as("the new owner of %s", doc).isIn(survivors);

        List<Writer.Ack> acks = writer.acks();
        Checks.assertVersionsUnique(acks);
        ObjectNode state = null;
        for (Node node : survivors) {
            ObjectNode onNode = Checks.state(node, doc);
            Checks.assertAcksPresent(onNode, acks, "read on " + node.id());
            if (state == null) {
                state = onNode;
            } else {
                assertThat(onNode).as("%s's document against %s's", node.id(), survivors.get(0).id()).isEqualTo(state);
            }
        }
        ObjectNode expected = state;
        awaitTrue(() -> expected.equals(follower.value.get()), 15,
                () -> "the subscriber's cache converged: " + follower.value.get() + " against " + expected);
        assertThat(follower.gaps).as("versions the subscriber skipped without a snapshot").isEmpty();
        log("client failover: %d acknowledged writes, all on %s and in the subscriber's cache (resets %d); failed writes %s",
                acks.size(), survivors, follower.resets.get(), writer.failures());
    }

    interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Condition condition, int seconds, java.util.function.Supplier<String> what)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what.get());
            }
            Thread.sleep(20);
        }
    }
}
