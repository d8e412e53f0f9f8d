package dev.hookline.faults.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis, the cluster engine's service, dies and comes back empty (no persistence: leases, fencing
 * counters and node records are gone). The nodes run on a redis-server of this test's own, on a
 * free port, which the test kills and starts again by pid; the shared Redis is not touched.
 * No node dies; while Redis is gone every request is answered (documents owned elsewhere may get
 * 4503); once it is back every node serves every document again.
 */
class ClusterRedisRestartIT extends ClusterTestBase {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void everyNodeRecoversAfterARedisRestart() throws Exception {
        try (RedisServer redis = RedisServer.start(Files.createDirectories(dir.resolve("redis")));
                ClusterHarness cluster = ClusterHarness.start(Files.createDirectories(dir.resolve("nodes")), 3, redis.client())) {
            List<Node> nodes = cluster.nodes();
            // three documents, each opened first on another node (so owned by different nodes if the
            // opener claims it), and on each node a client with all three open and watched
            List<String> docs = new ArrayList<>();
            Map<String, String> owners = new LinkedHashMap<>();
            for (Node node : nodes) {
                String doc = cluster.document("redis-" + node.id());
                JsonClient opener = client(node, "opener");
                opener.ack(opener.open(doc), "open " + doc);
                owners.put(doc, cluster.owner(doc, Duration.ofSeconds(10)).id());
                docs.add(doc);
            }
            log("owners before the Redis restart: %s", owners);
            Map<Node, JsonClient> clients = new LinkedHashMap<>();
            Map<String, List<Subscriber>> watchers = new LinkedHashMap<>();
            for (Node node : nodes) {
                JsonClient client = client(node, "client");
                for (String doc : docs) {
                    client.ack(client.open(doc), "open " + doc);
                    watchers.computeIfAbsent(doc, d -> new ArrayList<>()).add(subscriber(node, "watcher", doc));
                }
                clients.put(node, client);
            }
            Map<String, List<Writer.Ack>> acks = new LinkedHashMap<>(); // by document
            writeEverywhere(clients, docs, "before", acks, Duration.ofSeconds(15));

            redis.kill();
            long killedAt = System.nanoTime();
            log("redis-server (pid %d, port %d) killed", redis.pid(), redis.port());
            awaitDisconnected(nodes);
            Map<Integer, Integer> outcomes = writeDuringOutage(clients, docs, acks);
            assertThat(nodes).as("every node alive while Redis is down").allMatch(Node::isAlive);
            log("while Redis was down (%d ms): answers by code (0 = ack) %s", TimeUnit.NANOSECONDS.toMillis(
                    System.nanoTime() - killedAt), outcomes);

            redis.startAgain();
            log("redis-server started again on port %d (pid %d), empty", redis.port(), redis.pid());
            cluster.awaitFormed(Duration.ofSeconds(30));
            long back = System.nanoTime();
            writeEverywhere(clients, docs, "after", acks, Duration.ofSeconds(30));
            log("after the restart, every node wrote to every document within %d ms",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back));
            assertThat(nodes).as("every node alive after the Redis restart").allMatch(Node::isAlive);

            for (String doc : docs) {
                List<Writer.Ack> ofDoc = acks.getOrDefault(doc, List.of());
                ObjectNode state = Checks.state(nodes.get(0), doc);
                Checks.assertAcksPresent(state, ofDoc, doc + " on " + nodes.get(0).id());
                for (Node node : nodes) {
                    assertThat(Checks.state(node, doc)).as("%s read on %s", doc, node.id()).isEqualTo(state);
                }
                for (Subscriber watcher : watchers.get(doc)) {
                    Checks.assertConverges(watcher.mirror(), state, watcher.client().name() + " of " + doc);
                }
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void nodesStartedWhileRedisIsDownJoinOnceItIsUp() throws Exception {
        try (RedisServer redis = RedisServer.start(Files.createDirectories(dir.resolve("late-redis")))) {
            redis.kill();
            try (ClusterHarness cluster = ClusterHarness.startUnformed(Files.createDirectories(dir.resolve("late-nodes")),
                    3, redis.client())) {
                // Every node serves without its cluster service, and says so.
                awaitDisconnected(cluster.nodes());
                redis.startAgain();
                cluster.awaitFormed(Duration.ofSeconds(30));
                for (Node node : cluster.nodes()) {
                    assertThat(node.log()).as("%s's log: the engine could not start at first", node.id())
                            .contains("could not start");
                }
                String doc = cluster.document("late-redis");
                JsonClient writer = client(cluster.node(1), "writer");
                writer.ack(writer.open(doc), "open " + doc);
                JsonClient reader = client(cluster.node(3), "reader");
                reader.ack(reader.open(doc), "open " + doc);
                reader.ack(reader.sub(doc, "", null), "sub");
                JsonNode ack = writer.ack(writer.set(doc, "x", IntNode.valueOf(7)), "write");
                reader.awaitFrame(f -> "change".equals(f.path("type").asText())
                        && f.path("version").asLong() == ack.path("version").asLong(), Duration.ofSeconds(10),
                        "the write of n1 on n3");
                log("nodes started while Redis was down joined once it was up; %s owned by %s", doc,
                        cluster.holder(doc));
            }
        }
    }

    /** Every connection health says the engine is unreachable (bounded), and no node died of it. */
    private static void awaitDisconnected(List<Node> nodes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (Node node : nodes) {
            JsonNode cluster = node.cluster();
            while (cluster.path("connected").asBoolean(true) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                cluster = node.cluster();
            }
            assertThat(cluster.path("connected").asBoolean(true)).as("/health cluster.connected of %s with Redis down: %s",
                    node.id(), cluster).isFalse();
        }
    }

    /**
     * From every node, one write to every document, retried until acknowledged (bounded): after a
     * Redis restart a lease may have to be claimed again first.
     */
    private static void writeEverywhere(Map<Node, JsonClient> clients, List<String> docs, String phase,
            Map<String, List<Writer.Ack>> acks, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        for (Map.Entry<Node, JsonClient> entry : clients.entrySet()) {
            for (String doc : docs) {
                String path = phase + "/" + entry.getKey().id();
                JsonNode answer = null;
                for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
                    answer = entry.getValue().await(entry.getValue().set(doc, path, IntNode.valueOf(attempt)), "write " + path);
                    if ("ack".equals(answer.path("type").asText())) {
                        acks.computeIfAbsent(doc, d -> new ArrayList<>()).add(new Writer.Ack(entry.getKey().id(), path,
                                IntNode.valueOf(attempt), answer.path("version").asLong(), 0, 0));
                        break;
                    }
                    Thread.sleep(200);
                }
                assertThat(answer.path("type").asText()).as("%s: write %s to %s from %s within %s, last answer %s", phase,
                        path, doc, entry.getKey().id(), within, answer).isEqualTo("ack");
            }
        }
    }

    /**
     * With Redis gone, one write from every node to every document: each must be answered (an ack
     * or an error) within 15 s, never left hanging.
     *
     * @return the answers' codes (0 for an ack) and how many of each
     */
    private static Map<Integer, Integer> writeDuringOutage(Map<Node, JsonClient> clients, List<String> docs,
            Map<String, List<Writer.Ack>> acks) {
        Map<Integer, Integer> outcomes = new LinkedHashMap<>();
        List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
        List<String[]> sent = new ArrayList<>(); // node, doc, path
        for (Map.Entry<Node, JsonClient> entry : clients.entrySet()) {
            for (String doc : docs) {
                String path = "outage/" + entry.getKey().id();
                answers.add(entry.getValue().set(doc, path, IntNode.valueOf(1)));
                sent.add(new String[] {entry.getKey().id(), doc, path});
            }
        }
        JsonClient any = clients.values().iterator().next();
        for (int i = 0; i < answers.size(); i++) {
            String[] write = sent.get(i);
            JsonNode answer = any.await(answers.get(i), "write " + write[2] + " to " + write[1] + " during the outage");
            boolean ack = "ack".equals(answer.path("type").asText());
            outcomes.merge(ack ? 0 : answer.path("code").asInt(), 1, Integer::sum);
            if (ack) {
                acks.computeIfAbsent(write[1], d -> new ArrayList<>()).add(new Writer.Ack(write[0], write[2], IntNode.valueOf(1),
                        answer.path("version").asLong(), 0, 0));
            }
        }
        return outcomes;
    }
}
