package dev.hookline.bench.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scenario 1: one writer on {@code --writer} (it opens the document first, so that node owns it)
 * and {@code --subs} subscribers spread round-robin over {@code --nodes}. Prints deliveries per
 * second (median of the one-second intervals), delivery latency, the writer's ack latency, and
 * with {@code --redis-port} the Redis calls per change over the measured interval.
 */
final class Fanout {

    static void run(Options o, Nodes nodes, HttpClient http) throws Exception {
        long epoch = System.nanoTime();
        String doc = "fanout-" + Long.toHexString(System.currentTimeMillis());
        String path = "w/v";
        Writer writer = Writer.open(http, nodes.port(o.writer), doc, path, epoch);
        int[] ports = o.nodes.stream().mapToInt(nodes::port).toArray();
        Subscribers subscribers = new Subscribers(doc, o.sub.equals("doc") ? "" : path, o.subs, epoch);
        long connectStart = System.nanoTime();
        subscribers.connect(http, ports);
        System.out.printf("fanout %s: doc %s, writer on %s, %d subscribers (%s) over %s, subscribed in %.1f s; owner %s%n",
                o.tag, doc, o.writer, o.subs, o.sub.equals("doc") ? "whole document" : "path " + path, o.nodes,
                (System.nanoTime() - connectStart) / 1e9, owner(o, doc));

        AtomicBoolean running = new AtomicBoolean(true);
        Thread writing = Thread.ofPlatform().name("writer").start(() -> writer.run(o.rate, o.window, running::get));
        Thread.sleep(o.warmup * 1000L);
        CommandStats stats = o.redisPort > 0 ? new CommandStats(new RedisProbe(o.redisPort)) : null;
        long from = System.nanoTime();
        long to = from + o.seconds * 1_000_000_000L;
        writer.measure(from, to);
        subscribers.measure(from, to);
        if (stats != null) {
            stats.reset();
        }
        long acksBefore = writer.acks();
        Map<String, JsonNode> relayBefore = relay(o, nodes);
        long[] perSecond = new long[o.seconds];
        for (int i = 0; i < o.seconds; i++) {
            long before = subscribers.deliveries();
            Thread.sleep(1000);
            perSecond[i] = subscribers.deliveries() - before;
        }
        long changes = writer.acks() - acksBefore;
        Map<String, Long> calls = stats != null ? stats.read() : null;
        Map<String, JsonNode> relayAfter = relay(o, nodes);
        running.set(false);
        writing.join(10_000);
        Thread.sleep(2000); // let the last changes reach everyone before checking
        long last = writer.lastVersion();

        long[] sorted = perSecond.clone();
        Arrays.sort(sorted);
        System.out.printf("  deliveries/s: median %,d (min %,d, max %,d); writes acked in the window: %,d (%.1f/s)%n",
                sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1], changes, changes / (double) o.seconds);
        System.out.println("  delivery latency: " + subscribers.latency().summary());
        System.out.println("  writer ack latency: " + writer.ackLatency().summary());
        System.out.printf("  checks: last version %d, subscribers behind it 2 s after the end: %d, version gaps: %d, "
                        + "subscriber errors: %d, writer errors: %s, writes unanswered: %d%n",
                last, subscribers.behind(last), subscribers.gaps(), subscribers.errors(), writer.errors(), writer.unanswered());
        if (calls != null) {
            System.out.printf("  redis calls per change (%,d changes, %d s, background included): %s%n",
                    changes, o.seconds, CommandStats.per(calls, changes));
        }
        if (o.nodes.size() > 1) {
            StringBuilder relay = new StringBuilder("  relay per change (/admin/cluster, messages sent / items sent / "
                    + "bytes sent / messages received):");
            for (String id : o.nodes) {
                relay.append(String.format(" %s %.2f / %.1f / %.0f / %.2f;", id,
                        delta(relayBefore, relayAfter, id, "messagesSent") / (double) changes,
                        delta(relayBefore, relayAfter, id, "itemsSent") / (double) changes,
                        delta(relayBefore, relayAfter, id, "bytesSent") / (double) changes,
                        delta(relayBefore, relayAfter, id, "messagesReceived") / (double) changes));
            }
            System.out.println(relay + " gaps " + sum(relayAfter, "gaps") + ", send failures "
                    + sum(relayAfter, "sendFailures") + ", requests failed " + sum(relayAfter, "requestsFailed")
                    + " (since start)");
        }
        System.out.printf("RESULT fanout tag=%s nodes=%d sub=%s rate=%s deliveries_per_s=%d delivery_p50_ms=%.2f "
                        + "delivery_p99_ms=%.2f ack_p50_ms=%.2f ack_p99_ms=%.2f changes_per_s=%.1f%n",
                o.tag, o.nodes.size(), o.sub, o.rate == 0 ? "max" : String.valueOf((int) o.rate),
                sorted[sorted.length / 2], subscribers.latency().percentileMillis(50),
                subscribers.latency().percentileMillis(99), writer.ackLatency().percentileMillis(50),
                writer.ackLatency().percentileMillis(99), changes / (double) o.seconds);
        writer.close();
        subscribers.close();
    }

    private static Map<String, JsonNode> relay(Options o, Nodes nodes) {
        Map<String, JsonNode> relay = new TreeMap<>();
        for (String id : o.nodes) {
            relay.put(id, nodes.relay(id));
        }
        return relay;
    }

    private static long delta(Map<String, JsonNode> before, Map<String, JsonNode> after, String id, String field) {
        if (before.get(id) == null || after.get(id) == null) {
            return -1;
        }
        return after.get(id).path(field).asLong() - before.get(id).path(field).asLong();
    }

    private static long sum(Map<String, JsonNode> counters, String field) {
        return counters.values().stream().filter(n -> n != null).mapToLong(n -> n.path(field).asLong()).sum();
    }

    static String owner(Options o, String doc) {
        if (o.redisPort == 0) {
            return "(unknown: no --redis-port)";
        }
        try (RedisProbe redis = new RedisProbe(o.redisPort)) {
            return redis.leaseHolder(o.prefix, doc);
        } catch (Exception e) {
            return "(" + e + ")";
        }
    }

    private Fanout() {
    }
}
