package dev.hookline.plugins.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server child process of the test's own, on a port of its own, without persistence; the
 * shared Redis on 6379 is never touched. Stopped by its PID.
 */
final class RedisProcess implements AutoCloseable {

    private final Process process;
    final int port;

    private RedisProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Starts redis-server on {@code port} and waits until it answers PING (10 s at most). */
    static RedisProcess start(int port) throws Exception {
        Process process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        RedisProcess redis = new RedisProcess(process, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!redis.answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                redis.close();
                throw new IllegalStateException("redis-server did not start on port " + port);
            }
            Thread.sleep(20);
        }
        return redis;
    }

    private boolean answersPing() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    long pid() {
        return process.pid();
    }

    /** Kills the server at once (SIGKILL to its PID) and waits until it is gone. */
    @Override
    public void close() throws InterruptedException {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
