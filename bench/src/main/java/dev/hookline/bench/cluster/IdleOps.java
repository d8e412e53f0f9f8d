package dev.hookline.bench.cluster;

/**
 * Scenario 4b: Redis calls per second of a cluster with no traffic (heartbeats, lease renewals,
 * and whatever else the nodes do on their own), over {@code --seconds}.
 */
final class IdleOps {

    static void run(Options o) throws Exception {
        if (o.redisPort == 0) {
            throw new IllegalArgumentException("idle needs --redis-port");
        }
        try (RedisProbe redis = new RedisProbe(o.redisPort)) {
            CommandStats stats = new CommandStats(redis);
            stats.reset();
            Thread.sleep(o.seconds * 1000L);
            var calls = stats.read();
            System.out.printf("idle %s: redis calls per second with no clients, %d node(s), %d s: %s%n",
                    o.tag, o.nodes.size(), o.seconds, CommandStats.per(calls, o.seconds));
            System.out.printf("RESULT idle tag=%s nodes=%d calls_per_s=%.2f%n", o.tag, o.nodes.size(),
                    calls.values().stream().mapToLong(Long::longValue).sum() / (double) o.seconds);
        }
    }

    private IdleOps() {
    }
}
