package dev.hookline.server.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hookline.server.Main;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The server as operators run it: {@link Main} in a JVM of its own, on loopback, with the test's
 * class path (so plugins built in the test can see {@link Probe}). Its output goes to a log file
 * in the test's directory. Close it to kill it.
 */
public final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the server on a free loopback port and waits until {@code /health} answers.
     *
     * @param dir         where its log goes ({@code server.log})
     * @param environment extra environment variables
     * @param args        more server arguments, e.g. {@code --plugins DIR}
     */
    public static ServerProcess start(Path dir, Map<String, String> environment, String... args) {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--host", "127.0.0.1", "--port", String.valueOf(port)));
        command.addAll(List.of(args));
        Path log = dir.resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        try {
            ServerProcess server = new ServerProcess(builder.start(), port, log);
            server.awaitHealthy();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("could not start the server JVM", e);
        }
    }

    /** @return the port it listens on */
    public int port() {
        return port;
    }

    /** @return the operating system's process */
    public Process process() {
        return process;
    }

    /** @return what it has written so far */
    public String output() throws IOException {
        return Files.readString(log);
    }

    /**
     * Waits for the process to end, failing (with its log) if it is still alive after {@code atMost}.
     *
     * @return its exit status
     */
    public int awaitExit(Duration atMost) throws IOException, InterruptedException {
        assertThat(process.waitFor(atMost.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
                .as("the server process exits within " + atMost + "; log:\n" + output()).isTrue();
        return process.exitValue();
    }

    /** @return the HTTP status and body of {@code GET path} */
    public HttpResponse<String> get(String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed; log: " + log, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private void awaitHealthy() {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(process.isAlive()).as("server process alive; log: " + log).isTrue();
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Kills the process (its threads, spinning or not, end with it). */
    @Override
    public void close() {
        process.destroyForcibly();
    }
}
