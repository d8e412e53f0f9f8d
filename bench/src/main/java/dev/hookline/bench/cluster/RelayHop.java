package dev.hookline.bench.cluster;

import java.net.http.HttpClient;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scenario 2: the cost of the relay hop. Two writers of one document, paced alike at
 * {@code --rate}, each on its own path: one on {@code --writer} (it opens first, so that node owns
 * the document), one on {@code --other} (its writes are relayed to the owner and their acks relayed
 * back). Prints the ack latency of each.
 */
final class RelayHop {

    static void run(Options o, Nodes nodes, HttpClient http) throws Exception {
        long epoch = System.nanoTime();
        String doc = "hop-" + Long.toHexString(System.currentTimeMillis());
        Writer local = Writer.open(http, nodes.port(o.writer), doc, "owner/v", epoch);
        Writer relayed = Writer.open(http, nodes.port(o.other), doc, "relayed/v", epoch);
        System.out.printf("hop %s: doc %s, writer on %s and writer on %s, %s writes/s each; owner %s%n",
                o.tag, doc, o.writer, o.other, o.rate == 0 ? "max (window " + o.window + ")" : (int) o.rate,
                Fanout.owner(o, doc));
        AtomicBoolean running = new AtomicBoolean(true);
        Thread a = Thread.ofPlatform().name("writer-owner").start(() -> local.run(o.rate, o.window, running::get));
        Thread b = Thread.ofPlatform().name("writer-relayed").start(() -> relayed.run(o.rate, o.window, running::get));
        Thread.sleep(o.warmup * 1000L);
        long from = System.nanoTime();
        long to = from + o.seconds * 1_000_000_000L;
        local.measure(from, to);
        relayed.measure(from, to);
        Thread.sleep(o.seconds * 1000L);
        running.set(false);
        a.join(10_000);
        b.join(10_000);
        Thread.sleep(1000);
        System.out.println("  ack latency, writer on the owner (" + o.writer + "): " + local.ackLatency().summary());
        System.out.println("  ack latency, writer on another node (" + o.other + "): " + relayed.ackLatency().summary());
        System.out.printf("  checks: errors %s / %s, unanswered %d / %d%n", local.errors(), relayed.errors(),
                local.unanswered(), relayed.unanswered());
        System.out.printf("RESULT hop tag=%s rate=%s owner_p50_ms=%.2f owner_p99_ms=%.2f relayed_p50_ms=%.2f relayed_p99_ms=%.2f%n",
                o.tag, o.rate == 0 ? "max" : String.valueOf((int) o.rate),
                local.ackLatency().percentileMillis(50), local.ackLatency().percentileMillis(99),
                relayed.ackLatency().percentileMillis(50), relayed.ackLatency().percentileMillis(99));
        local.close();
        relayed.close();
    }

    private RelayHop() {
    }
}
