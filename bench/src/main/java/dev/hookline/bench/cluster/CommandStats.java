package dev.hookline.bench.cluster;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Redis calls per command over a stretch of time ({@code CONFIG RESETSTAT}, then
 * {@code INFO commandstats}), without the benchmark's own INFO and CONFIG calls. Meaningful only on
 * a Redis nothing else uses: scripts/bench-cluster starts one of its own.
 */
final class CommandStats {

    private final RedisProbe redis;

    CommandStats(RedisProbe redis) {
        this.redis = redis;
    }

    void reset() throws IOException {
        redis.resetStats();
    }

    Map<String, Long> read() throws IOException {
        Map<String, Long> calls = new TreeMap<>(redis.commandCalls());
        calls.remove("info");
        calls.remove("config|resetstat");
        calls.remove("config");
        return calls;
    }

    /** "publish 1.02, evalsha 0.01 ... (total t)" with each count divided by {@code per}. */
    static String per(Map<String, Long> calls, double per) {
        StringBuilder out = new StringBuilder();
        long total = 0;
        for (Map.Entry<String, Long> entry : calls.entrySet()) {
            out.append(String.format("%s %.3f, ", entry.getKey(), entry.getValue() / per));
            total += entry.getValue();
        }
        return out.append(String.format("total %.3f", total / per)).toString();
    }
}
