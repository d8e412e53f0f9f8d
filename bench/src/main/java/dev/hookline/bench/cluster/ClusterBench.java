package dev.hookline.bench.cluster;

import java.net.http.HttpClient;

/**
 * Load driver for a cluster of Hookline nodes that {@code scripts/bench-cluster} started: raw
 * WebSocket JSON clients on loopback, every scenario bounded in time. See docs/benchmarks.md,
 * section Cluster.
 *
 * <pre>
 * ClusterBench fanout   --run DIR --nodes n1,n2,n3 --writer n1 --subs 1000 --sub path|doc --rate 100|0 --seconds 15
 * ClusterBench hop      --run DIR --writer n1 --other n2 --rate 50 --seconds 15
 * ClusterBench failover --run DIR --nodes n1,n2,n3 --rounds 10 --redis-port P --prefix X:
 * ClusterBench idle     --run DIR --nodes n1,n2,n3 --seconds 10 --redis-port P
 * </pre>
 */
public final class ClusterBench {

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Nodes nodes = new Nodes(options.run);
        // One client for every socket: one selector thread instead of a thousand.
        HttpClient http = HttpClient.newHttpClient();
        nodes.awaitFormed(options.nodes, java.time.Duration.ofSeconds(60));
        switch (options.scenario) {
            case "fanout" -> Fanout.run(options, nodes, http);
            case "hop" -> RelayHop.run(options, nodes, http);
            case "failover" -> Failover.run(options, nodes, http);
            case "idle" -> IdleOps.run(options);
            default -> throw new IllegalArgumentException("unknown scenario " + options.scenario
                    + "; scenarios: fanout hop failover idle");
        }
        System.exit(0); // the HttpClient's threads would keep the JVM up a while
    }

    private ClusterBench() {
    }
}
