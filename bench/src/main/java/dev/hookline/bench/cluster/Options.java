package dev.hookline.bench.cluster;

import dev.hookline.bench.Args;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The driver's command line; every option bounded and defaulted. */
final class Options {

    String scenario;
    Path run;
    List<String> nodes = List.of("n1", "n2", "n3");
    String writer = "n1";
    String other = "n2";
    int subs = 1000;
    String sub = "path";
    double rate = 100;
    int window = 4;
    int seconds = 15;
    int warmup = 3;
    int rounds = 10;
    int redisPort;
    String prefix = "";
    String tag = "";

    static Options parse(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: ClusterBench fanout|hop|failover|idle --run DIR [options]");
        }
        Options o = new Options();
        o.scenario = args[0];
        for (int i = 1; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--run" -> o.run = Path.of(value);
                case "--nodes" -> o.nodes = Arrays.asList(value.split(","));
                case "--writer" -> o.writer = value;
                case "--other" -> o.other = value;
                case "--subs" -> o.subs = Args.bounded(value, 1, 5000);
                case "--sub" -> o.sub = value.equals("doc") ? "doc" : "path";
                case "--rate" -> o.rate = Math.min(10_000, Math.max(0, Double.parseDouble(value)));
                case "--window" -> o.window = Args.bounded(value, 1, 1000);
                case "--seconds" -> o.seconds = Args.bounded(value, 1, 120);
                case "--warmup" -> o.warmup = Args.bounded(value, 0, 60);
                case "--rounds" -> o.rounds = Args.bounded(value, 1, 50);
                case "--redis-port" -> o.redisPort = Args.bounded(value, 1, 65535);
                case "--prefix" -> o.prefix = value;
                case "--tag" -> o.tag = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --run --nodes "
                        + "--writer --other --subs --sub doc|path --rate (0 = max) --window --seconds --warmup --rounds "
                        + "--redis-port --prefix --tag");
            }
        }
        if (o.run == null) {
            throw new IllegalArgumentException("--run DIR (the run folder of scripts/bench-cluster) is required");
        }
        return o;
    }
}
