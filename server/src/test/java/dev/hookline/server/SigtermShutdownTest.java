package dev.hookline.server;

import static dev.hookline.server.testsupport.TestPlugins.plugin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hookline.server.testsupport.WsClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as operators run it, in a JVM of its own, stopped with SIGTERM: clients get a goodbye
 * and a 1001 close, changed documents are stored, then {@code onDestroy} runs.
 */
class SigtermShutdownTest {

    @TempDir
    Path dir;

    private Process server;

    @AfterEach
    void kill() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    @Test
    void sigtermClosesClientsWith1001StoresDocumentsThenRunsOnDestroy() throws Exception {
        Path events = dir.resolve("events.txt");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        plugin("recorder", 100, """
                    private static void record(String line) {
                        try {
                            java.nio.file.Files.writeString(java.nio.file.Path.of(System.getenv("HOOKLINE_TEST_EVENTS")),
                                    line + "\\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }

                    @Override
                    public void onStoreDocument(StoreDocument store, HookContext context) {
                        record("store " + store.document() + " " + store.version() + " " + store.state());
                    }

                    @Override
                    public void onDestroy(Destroy destroy, HookContext context) {
                        record("destroy");
                    }
                """).writeTo(plugins);
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--host", "127.0.0.1", "--port", String.valueOf(port), "--plugins", plugins.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
        builder.environment().put("HOOKLINE_TEST_EVENTS", events.toString());
        server = builder.start();
        awaitHealthy(port);

        try (WsClient client = WsClient.connectWelcomed(port)) {
            client.openOk("board");
            JsonNode ack = WsClient.ok(client.set("board", "title", JsonNodeFactory.instance.textNode("Sprint 12")));
            assertThat(ack.get("version").asLong()).isEqualTo(1);

            server.destroy(); // SIGTERM

            JsonNode goodbye = client.await("goodbye");
            assertThat(goodbye.get("code").asInt()).isEqualTo(1001);
            assertThat(client.awaitClose()).isEqualTo(1001);
        }
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("the server exits after SIGTERM").isTrue();
        List<String> lines = Files.readAllLines(events);
        assertThat(lines).containsExactly("store board 1 {\"title\":\"Sprint 12\"}", "destroy");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitHealthy(int port) {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(server.isAlive()).as("server process alive; log: " + dir.resolve("server.log")).isTrue();
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }
}
