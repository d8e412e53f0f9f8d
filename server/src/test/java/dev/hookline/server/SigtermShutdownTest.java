package dev.hookline.server;

import static dev.hookline.server.testsupport.TestPlugins.plugin;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hookline.server.testsupport.ServerProcess;
import dev.hookline.server.testsupport.WsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

    private ServerProcess server;

    @AfterEach
    void kill() {
        if (server != null) {
            server.close();
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
        server = ServerProcess.start(dir, Map.of("HOOKLINE_TEST_EVENTS", events.toString()),
                "--plugins", plugins.toString());

        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.openOk("board");
            JsonNode ack = WsClient.ok(client.set("board", "title", JsonNodeFactory.instance.textNode("Sprint 12")));
            assertThat(ack.get("version").asLong()).isEqualTo(1);

            server.process().destroy(); // SIGTERM

            JsonNode goodbye = client.await("goodbye");
            assertThat(goodbye.get("code").asInt()).isEqualTo(1001);
            assertThat(client.awaitClose()).isEqualTo(1001);
        }
        assertThat(server.process().waitFor(30, TimeUnit.SECONDS)).as("the server exits after SIGTERM").isTrue();
        List<String> lines = Files.readAllLines(events);
        assertThat(lines).containsExactly("store board 1 {\"title\":\"Sprint 12\"}", "destroy");
    }
}
