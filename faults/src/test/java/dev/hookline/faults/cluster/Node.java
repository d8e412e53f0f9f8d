package dev.hookline.faults.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.faults.support.ServerProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One Hookline node of a {@link ClusterHarness}: the distribution's {@code bin/hookline} in a home
 * of its own (its own {@code server.log}), started, killed, frozen and thawed by pid. A restart
 * keeps the node id and the options but gets a new port.
 */
final class Node {

    private final String id;
    private final Path home;
    private final ServerProcess.Options options;
    private volatile ServerProcess process;
    private volatile boolean paused;

    Node(String id, Path home, ServerProcess.Options options) {
        this.id = id;
        this.home = home;
        this.options = options;
    }

    String id() {
        return id;
    }

    /** Starts the node and waits until {@code /health} answers 200 (bounded by ServerProcess). */
    Node start() throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(id + " is running (pid " + process.pid() + ")");
        }
        paused = false;
        process = ServerProcess.start(home, options);
        return this;
    }

    int port() {
        return process.port();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    boolean isPaused() {
        return paused;
    }

    /** Alive and not frozen: it can answer. */
    boolean isServing() {
        return isAlive() && !paused;
    }

    /** SIGKILL by pid, and waits until the process is gone. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.kill();
        }
        paused = false;
    }

    /** SIGSTOP by pid. */
    void pause() {
        Signals.stop(pid());
        paused = true;
    }

    /** SIGCONT by pid. */
    void resume() {
        Signals.resume(pid());
        paused = false;
    }

    /** SIGTERM (the orderly stop) and waits for the exit; SIGKILL if it has not exited within {@code within}. */
    Integer stop(Duration within) throws InterruptedException {
        if (!isAlive()) {
            return null;
        }
        if (paused) {
            resume();
        }
        process.terminate();
        Integer exit = process.exitValue(within);
        if (exit == null) {
            kill();
        }
        return exit;
    }

    /** A fresh raw client of this node. */
    JsonClient client(String name) {
        return JsonClient.connect(name + "@" + id, port());
    }

    /** {@code GET /health} as JSON (any status: 503 while stopping carries a body too). */
    JsonNode health() throws IOException, InterruptedException {
        HttpResponse<String> response = process.get("/health");
        return JsonClient.JSON.readTree(response.body());
    }

    /** The {@code cluster} object of {@code /health}, or a missing node when there is none. */
    JsonNode cluster() throws IOException, InterruptedException {
        return health().path("cluster");
    }

    /** {@code GET /metrics}, the Prometheus text. */
    String metrics() throws IOException, InterruptedException {
        return process.get("/metrics").body();
    }

    /** The log of every run of this node so far. */
    String log() {
        Path log = home.resolve("server.log");
        try {
            return java.nio.file.Files.exists(log) ? java.nio.file.Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    Path home() {
        return home;
    }

    /** SIGKILL if still running (thawed first is not needed: SIGKILL ends a stopped process too). */
    void close() {
        if (process != null) {
            process.close();
        }
    }

    @Override
    public String toString() {
        return id + (isAlive() ? (paused ? " (paused, pid " : " (port " + port() + ", pid ") + pid() + ")" : " (down)");
    }
}
