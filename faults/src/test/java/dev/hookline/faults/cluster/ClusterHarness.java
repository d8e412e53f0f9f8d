package dev.hookline.faults.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.faults.support.Distribution;
import dev.hookline.faults.support.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A cluster of Hookline nodes on loopback, each the unpacked distribution in a home of its own,
 * started as separate JVMs with the cluster settings of issue #10: sqlite off, the {@code redis}
 * engine on (a key prefix of this run's own) and the {@code postgres} storage on (a database of
 * this run's own). Nodes are stopped by pid; {@link #close()} kills whatever is left, drops the
 * database (forcing out leftover connections), deletes the run's Redis keys, and copies each
 * node's log to {@code target/cluster-logs/<run>/} so a failure can be read afterwards.
 */
final class ClusterHarness implements AutoCloseable {

    /** The lease of a document ({@code cluster.leaseTtl}, the default of the contract). */
    static final Duration LEASE_TTL = Duration.ofSeconds(3);

    /**
     * How long a takeover may take, from the failure: what issue #10 asks (5 s), which covers the
     * lease running out (at most 3 s after its last renewal), the survivors' next heartbeat (every
     * second) and the load from PostgreSQL.
     */
    static final Duration TAKEOVER_BOUND = Duration.ofSeconds(5);

    private final String run;
    private final Redis redis;
    private final String prefix;
    private final String database;
    private final List<Node> nodes = new ArrayList<>();

    private ClusterHarness(String run, Redis redis) {
        this.run = run;
        this.redis = redis;
        this.prefix = "hookline-it-" + run + ":";
        this.database = Postgres.createDatabase();
    }

    /**
     * Starts {@code count} nodes ({@code n1}, {@code n2}, ...) against {@code redis}, all at once,
     * and waits until each sees all the others.
     *
     * @param dir an empty folder for the nodes' homes
     */
    static ClusterHarness start(Path dir, int count, Redis redis) throws Exception {
        return start(dir, count, redis, true);
    }

    /**
     * As {@link #start(Path, int, Redis)}, but returns once every node serves HTTP, without waiting
     * for the cluster to form (its Redis may be down): call {@link #awaitFormed} when it should be.
     */
    static ClusterHarness startUnformed(Path dir, int count, Redis redis) throws Exception {
        return start(dir, count, redis, false);
    }

    private static ClusterHarness start(Path dir, int count, Redis redis, boolean formed) throws Exception {
        ClusterHarness cluster = new ClusterHarness(UUID.randomUUID().toString().substring(0, 8), redis);
        try {
            for (int i = 1; i <= count; i++) {
                String id = "n" + i;
                Path into = Files.createDirectories(dir.resolve(id));
                cluster.nodes.add(new Node(id, Distribution.unpack(into), cluster.options(id)));
            }
            cluster.startAll(formed);
            log("cluster %s up: %s (redis %s, prefix %s, database %s)", cluster.run, cluster.nodes, redis.uri(),
                    cluster.prefix, cluster.database);
            return cluster;
        } catch (Throwable e) {
            cluster.close();
            throw e;
        }
    }

    /** The settings of issue #10 that make a node join the cluster. */
    private ServerProcess.Options options(String id) {
        return ServerProcess.options()
                .set("plugin.sqlite.enabled", "false")
                .set("plugin.redis.enabled", "true")
                .set("plugin.redis.settings.uri", redis.uri())
                .set("plugin.redis.settings.prefix", prefix)
                .set("plugin.postgres.enabled", "true")
                .set("plugin.postgres.settings.url", Postgres.jdbcUrl(database))
                .set("cluster.nodeId", id)
                // a stop gives its clients and stores 5 s, not 30: full restarts stay quick
                .set("server.shutdownGrace", "5s")
                .javaOpts("-Xmx256m");
    }

    List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** A node by its position, from 1. */
    Node node(int number) {
        return nodes.get(number - 1);
    }

    Node node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no node " + id + " in " + nodes));
    }

    /** The nodes other than {@code node}. */
    List<Node> others(Node node) {
        return nodes.stream().filter(n -> n != node).toList();
    }

    Set<String> ids() {
        Set<String> ids = new LinkedHashSet<>();
        nodes.forEach(n -> ids.add(n.id()));
        return ids;
    }

    Redis redis() {
        return redis;
    }

    String database() {
        return database;
    }

    // ---- life of the nodes --------------------------------------------------------------------

    /** Starts every node that is down (in parallel), thaws the paused ones, then waits for the cluster to form. */
    void startAll() throws Exception {
        startAll(true);
    }

    private void startAll(boolean formed) throws Exception {
        List<Callable<Node>> starts = new ArrayList<>();
        for (Node node : nodes) {
            if (node.isPaused()) {
                node.resume();
            }
            if (!node.isAlive()) {
                starts.add(node::start);
            }
        }
        parallel(starts);
        if (formed) {
            awaitFormed(Duration.ofSeconds(30));
        }
    }

    /** SIGTERM to every node at once; each is killed if it has not exited within 20 s. */
    void stopAll() throws Exception {
        List<Callable<Integer>> stops = new ArrayList<>();
        for (Node node : nodes) {
            stops.add(() -> node.stop(Duration.ofSeconds(20)));
        }
        parallel(stops);
    }

    /**
     * Waits until every serving node reports a {@code cluster} object in {@code /health} that is
     * connected and lists every serving node (and no other).
     */
    void awaitFormed(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "";
        while (true) {
            Set<String> expected = new TreeSet<>();
            nodes.stream().filter(Node::isServing).forEach(n -> expected.add(n.id()));
            List<String> wrong = new ArrayList<>();
            for (Node node : nodes) {
                if (!node.isServing()) {
                    continue;
                }
                JsonNode cluster;
                try {
                    cluster = node.cluster();
                } catch (IOException e) {
                    wrong.add(node.id() + ": /health failed: " + e);
                    continue;
                }
                if (!cluster.isObject()) {
                    wrong.add(node.id() + ": /health has no \"cluster\" object: " + node.health());
                    continue;
                }
                Set<String> seen = new TreeSet<>();
                cluster.path("nodes").forEach(n -> seen.add(n.asText()));
                if (!node.id().equals(cluster.path("node").asText()) || !cluster.path("connected").asBoolean()
                        || !seen.equals(expected)) {
                    wrong.add(node.id() + ": cluster " + cluster + ", expected node " + node.id() + ", connected, nodes " + expected);
                }
            }
            if (wrong.isEmpty()) {
                return;
            }
            last = String.join("; ", wrong);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the cluster did not form within " + within + ": " + last);
            }
            Thread.sleep(250);
        }
    }

    /**
     * The node holding the lease on {@code document}, waiting (bounded) until one does.
     */
    Node owner(String document, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            String holder = redis.leaseHolder(prefix, document, ids());
            if (holder != null) {
                return node(holder);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no node holds a lease on " + document + " after " + within
                        + " (keys under " + prefix + ": " + redis.keys(prefix) + ")");
            }
            Thread.sleep(100);
        }
    }

    /** The current lease holder of {@code document}, or null. */
    String holder(String document) {
        return redis.leaseHolder(prefix, document, ids());
    }

    /** A document name of this run, so that reruns never meet old rows or leases. */
    String document(String name) {
        return name + "-" + run;
    }

    // ---- end ----------------------------------------------------------------------------------

    @Override
    public void close() {
        nodes.forEach(Node::close);
        copyLogs();
        try {
            Postgres.dropDatabase(database);
        } catch (AssertionError e) {
            log("could not drop database %s: %s", database, e.getMessage());
        }
        try {
            redis.deleteKeys(prefix);
        } catch (AssertionError e) {
            log("could not delete the Redis keys under %s: %s", prefix, e.getMessage());
        }
    }

    private void copyLogs() {
        Path into = Path.of("target", "cluster-logs", run);
        try {
            Files.createDirectories(into);
            for (Node node : nodes) {
                Files.writeString(into.resolve(node.id() + ".log"), node.log());
            }
            log("node logs of cluster %s: %s", run, into.toAbsolutePath());
        } catch (IOException e) {
            log("could not copy the node logs: %s", e);
        }
    }

    private static <T> List<T> parallel(List<Callable<T>> tasks) throws Exception {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<T>> futures = executor.invokeAll(tasks);
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Exception cause) {
                        throw cause;
                    }
                    throw (Error) e.getCause();
                }
            }
            return results;
        }
    }

    static void log(String format, Object... args) {
        System.out.printf("[cluster] " + format + "%n", args);
    }
}
