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

/**
 * The server as operators run it ({@link Main}), in a JVM of its own on 127.0.0.1, with its output
 * in a log file. For tests about the process: exit codes, signals, shutdown.
 */
public final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;

    private ServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts the server with a plugins folder and waits until {@code /health} answers.
     *
     * @param log where its output goes
     */
    public static ServerProcess start(Path plugins, Path log, String... moreArgs) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--host", "127.0.0.1", "--port", String.valueOf(port), "--plugins", plugins.toString()));
        command.addAll(List.of(moreArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ServerProcess server = new ServerProcess(process, log, port);
        server.awaitHealthy();
        return server;
    }

    /** @return the process */
    public Process process() {
        return process;
    }

    /** @return the port it listens on */
    public int port() {
        return port;
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

    /** Kills it if it still runs. */
    @Override
    public void close() {
        process.destroyForcibly();
    }
}
