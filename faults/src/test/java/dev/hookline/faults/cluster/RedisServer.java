package dev.hookline.faults.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of the test's own on a free loopback port, without persistence: the one a
 * test may kill and start again (the shared Redis on 6379 is never stopped). Killed by pid.
 */
final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path dir;
    private Process process;

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Starts one on a free port, working in {@code dir} (its log goes there). */
    static RedisServer start(Path dir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        RedisServer server = new RedisServer(port, dir);
        server.startAgain();
        return server;
    }

    Redis client() {
        return new Redis(port);
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** Starts it (again) on the same port, empty, and waits until it answers. */
    void startAgain() throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server (pid " + process.pid() + ") is still running");
        }
        process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis-" + port + ".log").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!client().answers()) {
            if (!process.isAlive()) {
                throw new AssertionError("redis-server on port " + port + " exited with " + process.exitValue()
                        + " (log: " + dir.resolve("redis-" + port + ".log") + ")");
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new AssertionError("redis-server on port " + port + " did not answer within 15 s");
            }
            Thread.sleep(100);
        }
    }

    /** SIGKILL by pid, and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("redis-server pid " + process.pid() + " still alive 10 s after SIGKILL");
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

}
