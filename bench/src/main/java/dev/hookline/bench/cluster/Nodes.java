package dev.hookline.bench.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The nodes {@code scripts/bench-cluster} started, read from its run folder: {@code nodes} (one
 * {@code "<id> <port>"} line per node), {@code <id>.pid} (the JVM's pid, rewritten at each start)
 * and {@code <id>.start} (a shell script that starts the node again in the background with the
 * same settings and data, and writes its pid). The driver kills and restarts nodes only through
 * these, so the script keeps track of every process it has to stop.
 */
final class Nodes {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Nodes(Path dir) throws IOException {
        this.dir = dir;
        for (String line : Files.readAllLines(dir.resolve("nodes"))) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 2) {
                ports.put(parts[0], Integer.parseInt(parts[1]));
            }
        }
    }

    int port(String id) {
        Integer port = ports.get(id);
        if (port == null) {
            throw new IllegalArgumentException("no node " + id + " in " + dir.resolve("nodes"));
        }
        return port;
    }

    long pid(String id) throws IOException {
        return Long.parseLong(Files.readString(dir.resolve(id + ".pid")).strip());
    }

    /** SIGKILL (ProcessHandle.destroyForcibly is SIGKILL on Unix). @return the nanoTime just before the signal */
    long kill(String id) throws IOException {
        ProcessHandle process = ProcessHandle.of(pid(id))
                .orElseThrow(() -> new IllegalStateException("node " + id + " is not running"));
        long at = System.nanoTime();
        process.destroyForcibly();
        process.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
        return at;
    }

    /** Runs the node's start script (which starts it in the background and writes its pid). */
    void start(String id) throws IOException, InterruptedException {
        Process script = new ProcessBuilder("bash", dir.resolve(id + ".start").toString()).inheritIO().start();
        if (script.waitFor() != 0) {
            throw new IllegalStateException("could not start node " + id);
        }
    }

    /** This node's {@code /health} {@code cluster} object, or null if it does not answer. */
    JsonNode cluster(String id) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port(id) + "/health")).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body()).path("cluster");
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** This node's {@code /admin/cluster} {@code relay} counters (admin token {@code x}), or null. */
    JsonNode relay(String id) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port(id) + "/admin/cluster"))
                            .header("Authorization", "Bearer x").timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body()).path("relay");
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Waits (at most {@code within}) until each of {@code ids} is connected and sees exactly {@code ids}. */
    void awaitFormed(List<String> ids, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        Set<String> expected = new TreeSet<>(ids);
        while (true) {
            boolean formed = true;
            for (String id : ids) {
                JsonNode cluster = cluster(id);
                Set<String> seen = new TreeSet<>();
                if (cluster != null) {
                    cluster.path("nodes").forEach(n -> seen.add(n.asText()));
                }
                formed &= cluster != null && cluster.path("connected").asBoolean() && seen.equals(expected);
            }
            if (formed) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("nodes " + ids + " did not form a cluster within " + within);
            }
            Thread.sleep(200);
        }
    }
}
