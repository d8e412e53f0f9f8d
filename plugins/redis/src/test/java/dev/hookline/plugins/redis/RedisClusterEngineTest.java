package dev.hookline.plugins.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two engines (two node ids) against the shared Redis at 127.0.0.1:6379, under a prefix of their own. */
@Timeout(60)
class RedisClusterEngineTest {

    static final String REDIS = "redis://127.0.0.1:6379";

    private final String prefix = "hookline-test:" + UUID.randomUUID() + ":";
    private final List<RedisClusterEngine> engines = new ArrayList<>();
    private RedisClient admin;
    private StatefulRedisConnection<String, String> redis;

    private RedisClusterEngine a;
    private RedisClusterEngine b;
    private TestNode nodeA;
    private TestNode nodeB;

    @BeforeEach
    void startTwoNodes() throws Exception {
        admin = RedisClient.create(REDIS);
        redis = admin.connect();
        nodeA = node("a");
        nodeB = node("b");
        a = start(nodeA);
        b = start(nodeB);
    }

    @AfterEach
    void cleanUp() {
        engines.forEach(RedisClusterEngine::close);
        try {
            List<String> keys = redis.sync().keys(prefix + "*");
            if (!keys.isEmpty()) {
                redis.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            redis.close();
            admin.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private TestNode node(String id) {
        return new TestNode(id, "{\"uri\":\"" + REDIS + "\",\"prefix\":\"" + prefix + "\",\"timeout\":\"2s\"}");
    }

    private RedisClusterEngine start(TestNode node) throws Exception {
        RedisClusterEngine engine = new RedisClusterEngine();
        engines.add(engine);
        engine.start(node);
        return engine;
    }

    @Test
    void aLeaseIsHeldByOneNodeAtATime() throws Exception {
        long token = a.claim("doc", Duration.ofSeconds(10));
        assertThat(token).isPositive();
        assertThat(b.claim("doc", Duration.ofSeconds(10))).isZero();
        assertThat(a.claim("doc", Duration.ofSeconds(10))).as("not even the holder claims it twice").isZero();
        assertThat(a.holder("doc")).isEqualTo("a");
        assertThat(b.holder("doc")).isEqualTo("a");
        assertThat(a.holder("other")).isNull();
        assertThat(redis.sync().get(prefix + "lease:doc")).isEqualTo("a:" + token);
    }

    @Test
    void fencingTokensStrictlyIncreaseAcrossReleaseExpiryAndLostCounters() throws Exception {
        long first = a.claim("doc", Duration.ofSeconds(10));
        assertThat(b.claim("doc", Duration.ofSeconds(10))).isZero();
        a.release("doc", first);

        long second = b.claim("doc", Duration.ofMillis(100));
        assertThat(second).isGreaterThan(first);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.holder("doc") == null);

        long third = a.claim("doc", Duration.ofSeconds(10));
        assertThat(third).isGreaterThan(second);
        assertThat(b.claim("doc", Duration.ofSeconds(10))).isZero();
        assertThat(redis.sync().get(prefix + "fence:doc")).as("a refused claim draws no token").isEqualTo(String.valueOf(third));
        a.release("doc", third);
        long fourth = b.claim("doc", Duration.ofSeconds(10));
        assertThat(fourth).isGreaterThan(third);
        b.release("doc", fourth);

        // Redis lost its data (restart without persistence): the counter restarts above every old token.
        // A restart takes far longer than the clock floor's millisecond; losing the counter within
        // the same millisecond as the last claim (as a bare DEL right after it could) is not one.
        Thread.sleep(5);
        redis.sync().del(prefix + "fence:doc");
        long afterLoss = a.claim("doc", Duration.ofSeconds(10));
        assertThat(afterLoss).isGreaterThan(fourth);
        assertThat(redis.sync().get(prefix + "lease:doc")).isEqualTo("a:" + afterLoss);

        // Tokens are per document.
        assertThat(b.claim("other", Duration.ofSeconds(10))).isPositive();
    }

    @Test
    void renewKeepsLeasesAndReportsTheLostOnes() throws Exception {
        long one = a.claim("one", Duration.ofMillis(300));
        long two = a.claim("two", Duration.ofMillis(300));
        long three = a.claim("three", Duration.ofMillis(100));
        long four = a.claim("four", Duration.ofSeconds(10));

        assertThat(a.renew(Map.of("one", one, "two", two), Duration.ofSeconds(10))).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> a.holder("three") == null);
        long taken = b.claim("three", Duration.ofSeconds(10));
        assertThat(taken).isGreaterThan(three);
        Thread.sleep(400); // past the first ttl of one and two

        assertThat(a.renew(Map.of("one", one, "two", two, "three", three, "four", four - 1, "never", 7L),
                Duration.ofSeconds(10))).containsExactlyInAnyOrder("three", "four", "never");
        assertThat(a.holder("one")).isEqualTo("a");
        assertThat(a.holder("two")).isEqualTo("a");
        assertThat(b.holder("three")).isEqualTo("b");
        assertThat(redis.sync().pttl(prefix + "lease:one")).isGreaterThan(5_000);
        assertThat(a.renew(Map.of(), Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void renewCoversMoreLeasesThanOneScriptCall() throws Exception {
        Map<String, Long> leases = new java.util.HashMap<>();
        for (int i = 0; i < RedisClusterEngine.RENEW_BATCH * 2 + 7; i++) {
            leases.put("d" + i, a.claim("d" + i, Duration.ofSeconds(10)));
        }
        b.claim("gone", Duration.ofSeconds(10));
        leases.put("gone", 1L);
        assertThat(a.renew(leases, Duration.ofSeconds(10))).containsExactly("gone");
    }

    @Test
    void releaseLetsAnotherNodeClaimAtOnce() throws Exception {
        long token = a.claim("doc", Duration.ofSeconds(30));
        a.release("doc", token - 1);
        b.release("doc", token);
        assertThat(b.claim("doc", Duration.ofSeconds(30))).as("a stale token or another node releases nothing").isZero();

        a.release("doc", token);
        assertThat(a.holder("doc")).isNull();
        long next = b.claim("doc", Duration.ofSeconds(30));
        assertThat(next).isGreaterThan(token);
        a.release("doc", token); // too late: b's lease stays
        assertThat(a.holder("doc")).isEqualTo("b");
    }

    @Test
    void heartbeatSeesTheLiveNodesAndForgetsOneAfterItsTtl() throws Exception {
        assertThat(a.heartbeat(Duration.ofSeconds(10))).containsExactly("a");
        assertThat(b.heartbeat(Duration.ofMillis(300))).containsExactlyInAnyOrder("a", "b");
        assertThat(a.heartbeat(Duration.ofSeconds(10))).containsExactlyInAnyOrder("a", "b");
        Thread.sleep(400);
        assertThat(a.heartbeat(Duration.ofSeconds(10))).containsExactly("a");
        assertThat(redis.sync().pttl(prefix + "nodes")).as("the set lives as long as its last node").isBetween(5_000L, 10_000L);
    }

    @Test
    void messagesArriveInOrderFromTheirSender() throws Exception {
        int count = 1000;
        for (int i = 0; i < count; i++) {
            a.send("b", ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        b.send("a", "back".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> nodeB.received.size() == count && nodeA.received.size() == 1);
        for (int i = 0; i < count; i++) {
            TestNode.Received received = nodeB.received.get(i);
            assertThat(received.from()).isEqualTo("a");
            assertThat(new String(received.message(), StandardCharsets.UTF_8)).isEqualTo("m" + i);
        }
        assertThat(nodeB.received).extracting(TestNode.Received::thread).as("handed over from one thread").containsOnly(
                nodeB.received.get(0).thread());
        assertThat(nodeA.received.get(0).from()).isEqualTo("b");
        assertThat(nodeA.reconnections).hasValue(0);
    }

    @Test
    void binaryPayloadsArriveIntact() throws Exception {
        byte[] all = new byte[256 * 4];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        a.send("b", all);
        a.send("b", new byte[0]);
        a.send("a", new byte[] {0, 0, (byte) 0xFF}); // to itself
        await().atMost(Duration.ofSeconds(10)).until(() -> nodeB.received.size() == 2 && nodeA.received.size() == 1);
        assertThat(nodeB.received.get(0).message()).isEqualTo(all);
        assertThat(nodeB.received.get(1).message()).isEmpty();
        assertThat(nodeA.received.get(0).message()).containsExactly(0, 0, 0xFF);
        assertThat(nodeA.received.get(0).from()).isEqualTo("a");
    }

    @Test
    void nodeIdsWithColonsAndNonAsciiWork() throws Exception {
        TestNode odd = node("zone:1/ñode");
        RedisClusterEngine engine = start(odd);
        long token = engine.claim("doc", Duration.ofSeconds(10));
        assertThat(a.holder("doc")).isEqualTo("zone:1/ñode");
        assertThat(engine.renew(Map.of("doc", token), Duration.ofSeconds(10))).isEmpty();
        a.send("zone:1/ñode", new byte[] {1});
        engine.send("a", new byte[] {2});
        await().atMost(Duration.ofSeconds(10)).until(() -> odd.received.size() == 1 && nodeA.received.size() == 1);
        assertThat(nodeA.received.get(0).from()).isEqualTo("zone:1/ñode");
    }

    @Test
    void anEngineNotStartedOrClosedRefusesCalls() {
        RedisClusterEngine engine = new RedisClusterEngine();
        assertThatThrownBy(() -> engine.claim("doc", Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
        a.close();
        assertThatThrownBy(() -> a.heartbeat(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> b.start(nodeB)).isInstanceOf(IllegalStateException.class).hasMessageContaining("started already");
    }

    @Test
    void startFailsFastWhenRedisIsDownAndCanBeRetried() throws Exception {
        int port = RedisProcess.freePort();
        TestNode node = new TestNode("c", "{\"uri\":\"redis://127.0.0.1:" + port + "\",\"prefix\":\"" + prefix
                + "\",\"timeout\":\"500ms\"}");
        RedisClusterEngine engine = new RedisClusterEngine();
        engines.add(engine);
        long started = System.nanoTime();
        assertThatThrownBy(() -> engine.start(node)).isInstanceOf(Exception.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThatThrownBy(() -> engine.claim("doc", Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
        try (RedisProcess process = RedisProcess.start(port)) {
            engine.start(node); // the retry the server makes
            assertThat(engine.claim("doc", Duration.ofSeconds(1))).isPositive();
            engine.close();
        }
    }
}
