package dev.hookline.bench.cluster;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scenario 3: failover time over {@code --rounds} SIGKILLs. In round k the owner is
 * {@code nodes[k % n]} (a client there opens the round's document first) and a writer on
 * {@code nodes[(k+1) % n]} writes every 50 ms. The owner is killed; the failover time is from the
 * kill to the first ack of a write sent after it. A thread reads the lease in Redis every 10 ms,
 * for the time until it names another node. The killed node is started again between rounds.
 */
final class Failover {

    private static final double RATE = 20; // one write every 50 ms

    static void run(Options o, Nodes nodes, HttpClient http) throws Exception {
        if (o.redisPort == 0) {
            throw new IllegalArgumentException("failover needs --redis-port and --prefix (to read the lease)");
        }
        List<Double> failovers = new ArrayList<>();
        List<Double> leaseMoves = new ArrayList<>();
        String base = "failover-" + Long.toHexString(System.currentTimeMillis());
        System.out.printf("failover %s: %d rounds over %s, a write every 50 ms, lease ttl as configured%n",
                o.tag, o.rounds, o.nodes);
        for (int round = 0; round < o.rounds; round++) {
            String victim = o.nodes.get(round % o.nodes.size());
            String survivor = o.nodes.get((round + 1) % o.nodes.size());
            String doc = base + "-" + round;
            long epoch = System.nanoTime();
            Writer opener = Writer.open(http, nodes.port(victim), doc, "x", epoch);
            Writer writer = Writer.open(http, nodes.port(survivor), doc, "w/v", epoch);
            String holder;
            try (RedisProbe redis = new RedisProbe(o.redisPort)) {
                holder = redis.leaseHolder(o.prefix, doc);
            }
            if (!victim.equals(holder)) {
                throw new IllegalStateException("round " + round + ": expected " + victim + " to own " + doc + ", lease says " + holder);
            }
            AtomicBoolean running = new AtomicBoolean(true);
            Thread writing = Thread.ofPlatform().name("writer").start(() -> writer.run(RATE, 1, running::get));
            Thread.sleep(2000);
            LeaseWatch watch = new LeaseWatch(o.redisPort, o.prefix, doc, victim);
            writer.watch(System.nanoTime());
            long killedAt = nodes.kill(victim);
            watch.start(killedAt);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (writer.firstAckAfterWatch() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(200);
            running.set(false);
            writing.join(5000);
            watch.stop();
            double failover = writer.firstAckAfterWatch() == 0 ? Double.NaN : (writer.firstAckAfterWatch() - killedAt) / 1e6;
            double leaseMoved = watch.movedAt() == 0 ? Double.NaN : (watch.movedAt() - killedAt) / 1e6;
            double leaseGone = watch.goneAt() == 0 ? Double.NaN : (watch.goneAt() - killedAt) / 1e6;
            failovers.add(failover);
            leaseMoves.add(leaseMoved);
            System.out.printf("  round %2d: killed %s (owner), writer on %s: first ack after %.0f ms; lease gone after %.0f ms, "
                            + "held by %s after %.0f ms; first error after %.0f ms; writer errors %s%n",
                    round + 1, victim, survivor, failover, leaseGone, watch.newHolder(), leaseMoved,
                    writer.firstErrorAfterWatch() == 0 ? Double.NaN : (writer.firstErrorAfterWatch() - killedAt) / 1e6,
                    writer.errors());
            writer.close();
            opener.close();
            long restart = System.nanoTime();
            nodes.start(victim);
            nodes.awaitFormed(o.nodes, Duration.ofSeconds(90));
            System.out.printf("            %s restarted, cluster formed again in %.1f s%n", victim, (System.nanoTime() - restart) / 1e9);
        }
        System.out.printf("  failover (kill -> first ack): median %.0f ms, max %.0f ms; lease moved: median %.0f ms, max %.0f ms%n",
                median(failovers), max(failovers), median(leaseMoves), max(leaseMoves));
        System.out.printf("RESULT failover tag=%s rounds=%d failover_median_ms=%.0f failover_max_ms=%.0f lease_median_ms=%.0f lease_max_ms=%.0f%n",
                o.tag, o.rounds, median(failovers), max(failovers), median(leaseMoves), max(leaseMoves));
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
    }

    static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** Reads a document's lease every 10 ms: when it disappeared, and when another node took it. */
    private static final class LeaseWatch {
        private final int port;
        private final String prefix;
        private final String doc;
        private final String old;
        private volatile boolean running = true;
        private volatile long goneAt;
        private volatile long movedAt;
        private volatile String newHolder;
        private Thread thread;

        LeaseWatch(int port, String prefix, String doc, String old) {
            this.port = port;
            this.prefix = prefix;
            this.doc = doc;
            this.old = old;
        }

        void start(long from) {
            thread = Thread.ofPlatform().name("lease-watch").start(() -> {
                try (RedisProbe redis = new RedisProbe(port)) {
                    while (running && movedAt == 0) {
                        String holder = redis.leaseHolder(prefix, doc);
                        long now = System.nanoTime();
                        if (holder == null && goneAt == 0) {
                            goneAt = now;
                        } else if (holder != null && !holder.equals(old)) {
                            newHolder = holder;
                            movedAt = now;
                        }
                        Thread.sleep(10);
                    }
                } catch (Exception e) {
                    System.out.println("  lease watch failed: " + e);
                }
            });
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(2000);
        }

        long goneAt() {
            return goneAt;
        }

        long movedAt() {
            return movedAt;
        }

        String newHolder() {
            return newHolder;
        }
    }

    private Failover() {
    }
}
