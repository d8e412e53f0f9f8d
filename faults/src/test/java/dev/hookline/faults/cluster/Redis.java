package dev.hookline.faults.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Redis on loopback seen through {@code redis-cli}: who holds a document's lease, and the
 * cleanup of a test run's keys. The tests do not rely on the redis plugin's key layout beyond its
 * README's lease value {@code "<nodeId>:<token>"} under a key that contains the document name.
 */
final class Redis {

    private static final Pattern LEASE = Pattern.compile("(.+):(\\d+)");

    private final int port;

    Redis(int port) {
        this.port = port;
    }

    int port() {
        return port;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    boolean answers() {
        Commands.Result result = Commands.run(5, "redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port), "ping");
        return result.exit() == 0 && result.output().strip().equals("PONG");
    }

    /** The keys under {@code prefix} (SCAN, so the shared Redis is not blocked). */
    List<String> keys(String prefix) {
        return cli("--scan", "--pattern", glob(prefix) + "*").lines();
    }

    /**
     * The node holding the lease on {@code document}: a string key under the run's prefix that
     * contains the document's name and holds {@code "<one of nodeIds>:<token>"}.
     *
     * @return the node id, or null when no such key exists (no lease)
     */
    String leaseHolder(String prefix, String document, Set<String> nodeIds) {
        for (String key : keys(prefix)) {
            if (!key.contains(document)) {
                continue;
            }
            Commands.Result type = cli("type", key);
            if (!type.output().strip().equals("string")) {
                continue;
            }
            Matcher lease = LEASE.matcher(cli("get", key).output().strip());
            if (lease.matches() && nodeIds.contains(lease.group(1))) {
                return lease.group(1);
            }
        }
        return null;
    }

    /** Deletes every key under {@code prefix}. */
    void deleteKeys(String prefix) {
        List<String> keys = new ArrayList<>(keys(prefix));
        for (int from = 0; from < keys.size(); from += 500) {
            List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port), "del"));
            command.addAll(keys.subList(from, Math.min(keys.size(), from + 500)));
            Commands.run(30, command.toArray(String[]::new));
        }
    }

    private Commands.Result cli(String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        return Commands.check(15, command.toArray(String[]::new));
    }

    /** Escapes the glob characters of a prefix for SCAN's MATCH. */
    private static String glob(String prefix) {
        return prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }
}
