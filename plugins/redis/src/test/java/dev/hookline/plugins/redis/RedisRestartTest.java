package dev.hookline.plugins.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two engines on a redis-server of the test's own, killed and started again on the same port. */
@Timeout(90)
class RedisRestartTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final Duration SLACK = Duration.ofSeconds(1);

    @Test
    void callsFailFastWhileRedisIsDownAndMessagesFlowAgainAfterItsRestart() throws Exception {
        int port = RedisProcess.freePort();
        String settings = "{\"uri\":\"redis://127.0.0.1:" + port + "\",\"timeout\":\"" + TIMEOUT.toMillis() + "ms\"}";
        TestNode nodeA = new TestNode("a", settings);
        TestNode nodeB = new TestNode("b", settings);
        RedisClusterEngine a = new RedisClusterEngine();
        RedisClusterEngine b = new RedisClusterEngine();
        RedisProcess redis = RedisProcess.start(port);
        try {
            a.start(nodeA);
            b.start(nodeB);
            a.send("b", bytes("before"));
            await().atMost(Duration.ofSeconds(5)).until(() -> nodeB.received.size() == 1);
            long token = a.claim("doc", Duration.ofSeconds(30));

            redis.close(); // SIGKILL by PID

            List<Callable<?>> calls = List.of(
                    () -> a.claim("doc", Duration.ofSeconds(30)),
                    () -> a.holder("doc"),
                    () -> a.renew(Map.of("doc", token), Duration.ofSeconds(30)),
                    () -> {
                        a.release("doc", token);
                        return null;
                    },
                    () -> a.heartbeat(Duration.ofSeconds(5)),
                    () -> {
                        a.send("b", bytes("lost"));
                        return null;
                    });
            for (Callable<?> call : calls) {
                long started = System.nanoTime();
                assertThatThrownBy(call::call).isInstanceOf(RuntimeException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT.plus(SLACK));
            }

            redis = RedisProcess.start(port); // the same port, empty: no persistence
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                    .until(() -> a.claim("doc", Duration.ofSeconds(30)) > token);
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> nodeA.reconnections.get() >= 1 && nodeB.reconnections.get() >= 1);

            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
                a.send("b", bytes("after"));
                b.send("a", bytes("back"));
                return true;
            });
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    nodeB.received.stream().anyMatch(r -> new String(r.message(), StandardCharsets.UTF_8).equals("after"))
                            && nodeA.received.stream().anyMatch(r -> new String(r.message(), StandardCharsets.UTF_8).equals("back")));
        } finally {
            a.close();
            b.close();
            redis.close();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
