package dev.hookline.plugins.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hookline.testkit.WsClient;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every acknowledged write survives {@code kill -9}: the server runs in a JVM of its own with the
 * packaged plugin jar and its default settings (ack durability, {@code data/hookline.db} in its
 * working directory), clients write with acks, and the process is killed while writes are in
 * flight. After each restart every acknowledged write is there, at a version at least as high.
 */
class CrashIT {

    private static final int ROUNDS = 5;
    private static final String[] DOCUMENTS = {"crash-a", "crash-b"};
    private static final int CLIENTS = 4;
    private static final int IN_FLIGHT = 16;

    @TempDir
    Path dir;

    private Process server;

    /** One acknowledged write: the value at the path and the version its ack carried. */
    private record Acked(String document, String path, int value, long version) {
    }

    @AfterEach
    void kill() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    @Test
    void acknowledgedWritesSurviveKillMinus9() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(PluginJarIT.pluginJar(), plugins.resolve("hookline-plugin-sqlite.jar"));
        Map<String, Acked> acked = new ConcurrentHashMap<>(); // by document + path
        for (int round = 1; round <= ROUNDS + 1; round++) {
            int port = freePort();
            start(plugins, port, round);
            verify(port, acked, round);
            if (round > ROUNDS) {
                break; // the last start only verifies
            }
            writeAndKill(port, round, acked);
        }
        assertThat(acked).hasSizeGreaterThan(ROUNDS * 100);
        assertThat(dir.resolve("data/hookline.db")).exists();
        String log = Files.readString(dir.resolve("server.log"));
        assertThat(log).as("the plugin came from the jar").contains("hookline-plugin-sqlite.jar")
                .contains("SQLite storage at " + dir.toRealPath().resolve("data/hookline.db"));
        System.out.printf("CrashIT: %d acknowledged writes over %d kills, all present after each restart%n",
                acked.size(), ROUNDS);
    }

    private void verify(int port, Map<String, Acked> acked, int round) {
        try (WsClient client = WsClient.connect(port)) {
            for (String document : DOCUMENTS) {
                JsonNode open = client.open(document);
                assertThat(open.path("type").asText()).as("open %s in round %d: %s", document, round, open).isEqualTo("ack");
                JsonNode snapshot = client.snapshot(document);
                JsonNode value = snapshot.get("value");
                long version = snapshot.path("version").asLong();
                List<Acked> mine = acked.values().stream().filter(a -> a.document().equals(document)).toList();
                long highest = mine.stream().mapToLong(Acked::version).max().orElse(0);
                assertThat(version).as("version of %s after round %d", document, round - 1).isGreaterThanOrEqualTo(highest);
                List<String> missing = new ArrayList<>();
                for (Acked write : mine) {
                    JsonNode node = value.at("/" + write.path());
                    if (!node.isInt() || node.asInt() != write.value()) {
                        missing.add(write.path() + "@" + write.version());
                    }
                }
                assertThat(missing).as("acknowledged writes of %s missing after round %d", document, round - 1).isEmpty();
            }
        }
    }

    /** Writes from several clients with several writes in flight each; kills the server mid-stream. */
    private void writeAndKill(int port, int round, Map<String, Acked> acked) throws Exception {
        int killAfter = 150 + 50 * round;
        AtomicInteger acks = new AtomicInteger();
        CompletableFuture<Void> killed = new CompletableFuture<>();
        List<Thread> writers = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int clientId = c;
            writers.add(Thread.ofVirtual().start(() -> {
                Semaphore window = new Semaphore(IN_FLIGHT);
                try (WsClient client = WsClient.connect(port)) {
                    for (String document : DOCUMENTS) {
                        client.open(document);
                    }
                    for (int i = 0; !killed.isDone() && i < 100_000; i++) {
                        if (!window.tryAcquire(5, TimeUnit.SECONDS)) {
                            break;
                        }
                        String document = DOCUMENTS[i % DOCUMENTS.length];
                        String path = "r" + round + "/c" + clientId + "/k" + i;
                        int value = round * 1_000_000 + clientId * 100_000 + i;
                        client.setAsync(document, path, JsonNodeFactory.instance.numberNode(value))
                                .whenComplete((answer, error) -> {
                                    window.release();
                                    if (error == null && answer.path("type").asText().equals("ack")) {
                                        acked.put(document + " " + path,
                                                new Acked(document, path, value, answer.path("version").asLong()));
                                        if (acks.incrementAndGet() == killAfter) {
                                            killed.complete(null);
                                        }
                                    }
                                });
                    }
                } catch (Exception | AssertionError e) {
                    // the server died under us: expected
                }
            }));
        }
        killed.orTimeout(60, TimeUnit.SECONDS).join();
        server.destroyForcibly(); // SIGKILL, writes in flight
        System.out.printf("CrashIT round %d: killed after %d acks (%d acknowledged in all)%n", round, acks.get(),
                acked.size());
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        for (Thread writer : writers) {
            writer.join(Duration.ofSeconds(30));
        }
        server = null;
    }

    private void start(Path plugins, int port, int round) throws Exception {
        Path target = Path.of("target").toAbsolutePath().normalize();
        // The server's class path without this plugin (its classes or jar), without sqlite-jdbc and
        // without the storage support: the plugin and what it shades come only from the jar in the
        // plugins folder.
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).toAbsolutePath().normalize().startsWith(target))
                .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("sqlite-jdbc"))
                .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("hookline-plugin-storage-support")
                        && !entry.contains("storage-support" + File.separator + "target"))
                .collect(Collectors.joining(File.pathSeparator));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classpath, "dev.hookline.server.Main",
                "--host", "127.0.0.1", "--port", String.valueOf(port), "--plugins", plugins.toString())
                .directory(dir.toFile()) // the default data/hookline.db lands here
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()));
        server = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(server.isAlive()).as("server alive (round %d); log: %s", round, Files.exists(dir.resolve("server.log"))
                    ? Files.readString(dir.resolve("server.log")) : "").isTrue();
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
