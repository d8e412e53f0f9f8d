package dev.hookline.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hookline.testkit.PluginJar;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive as an operator gets it: unpacked into a temporary folder and started with its own
 * {@code bin/hookline}, then driven over HTTP and a real WebSocket on loopback.
 */
class DistributionIT {

    private static final String TOKEN = "s3cret-admin-token";

    @TempDir
    Path dir;

    private Path home;
    private Process server;
    private int port;
    /** HOOKLINE_JAVA_OPTS for the next start, or {@code null}. */
    private String javaOpts;
    /** More environment for the launcher. */
    private final Map<String, String> environment = new HashMap<>();

    @BeforeEach
    void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("hookline.archive"));
        assertThat(archive).exists();
        run(dir, "tar", "-xzf", archive.toString());
        try (var entries = Files.list(dir)) {
            home = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertThat(home.resolve("bin/hookline")).isExecutable();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null && server.isAlive()) {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private ProcessBuilder launcher(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = home.resolve("bin/hookline").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("HOOKLINE_ADMIN_TOKEN", TOKEN);
        if (javaOpts != null) {
            builder.environment().put("HOOKLINE_JAVA_OPTS", javaOpts);
        }
        builder.environment().putAll(environment);
        return builder;
    }

    private void start() throws Exception {
        port = freePort();
        server = launcher("--host", "127.0.0.1", "--port", String.valueOf(port))
                .redirectOutput(dir.resolve("server.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(server.isAlive()).as("server alive; log:%n%s", log()).isTrue();
            try {
                return get("/health", null).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private String log() throws IOException {
        Path log = dir.resolve("server.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Test
    void theArchiveRunsWithItsBundledPluginsAndAnswersHealthMetricsAndAdmin() throws Exception {
        start();

        assertThat(log()).contains("sqlite").contains("logger");
        // Shipped disabled (conf/hookline.yaml): loaded, not started, no database needed.
        assertThat(log()).contains("Plugin 'postgres'").contains("is disabled by configuration");
        HttpResponse<String> metrics = get("/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("hookline_");
        assertThat(get("/admin/plugins", null).statusCode()).isEqualTo(401);
        assertThat(get("/admin/plugins", "wrong").statusCode()).isEqualTo(401);
        HttpResponse<String> plugins = get("/admin/plugins", TOKEN);
        assertThat(plugins.statusCode()).isEqualTo(200);
        assertThat(plugins.body()).contains("\"sqlite\"").contains("\"logger\"").contains("\"postgres\"");
        assertThat(get("/admin/hooks", TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void aPluginDroppedInWhileRunningTakesEffectAndStopsWhenRemoved() throws Exception {
        start();
        try (Client client = new Client(port)) {
            client.send("{\"type\":\"open\",\"id\":1,\"doc\":\"board\"}");
            client.await("\"id\":1");
            assertThat(client.write(2, "\"hello\"")).contains("\"version\":1");

            // A plugin that refuses every write, dropped in while the client stays connected.
            Path jar = PluginJar.builder("no-writes").version("1.0.0")
                    .source("shout.NoWrites", """
                            package shout;
                            public class NoWrites implements dev.hookline.api.ServerHooks {
                                @Override
                                public dev.hookline.api.payload.Update onUpdate(dev.hookline.api.payload.Update update,
                                        dev.hookline.api.HookContext context) {
                                    throw dev.hookline.api.Reject.forbidden("writes are closed");
                                }
                            }
                            """)
                    .hooks("shout.NoWrites")
                    .writeTo(dir.resolve("built"));
            Files.copy(jar, home.resolve("plugins/no-writes.jar"));
            long[] id = {3};
            await().atMost(Duration.ofSeconds(30)).until(() -> client.write(id[0]++, "\"again\"").contains("writes are closed"));

            // A broken jar next to it is reported and survived.
            Files.writeString(home.resolve("plugins/broken.jar"), "not a zip");
            await().atMost(Duration.ofSeconds(30)).until(() -> log().contains("broken.jar"));
            assertThat(get("/health", null).statusCode()).isEqualTo(200);

            // Removed: writes work again, on the same connection.
            Files.delete(home.resolve("plugins/no-writes.jar"));
            await().atMost(Duration.ofSeconds(30)).until(() -> client.write(id[0]++, "\"back\"").contains("\"type\":\"ack\""));
        }
    }

    @Test
    void anOutOfMemoryErrorEndsTheProcessAtOnceAndAcknowledgedWritesSurviveTheRestart() throws Exception {
        // A plugin whose onRequest fills the heap: the OutOfMemoryError lands in a hook, on a
        // virtual thread, where the engine would catch it and serve on with whatever survived.
        Path jar = PluginJar.builder("heap-hog").version("1.0.0")
                .source("hog.Hog", """
                        package hog;
                        public class Hog implements dev.hookline.api.ServerHooks {
                            @Override
                            public dev.hookline.api.payload.HttpRequest onRequest(dev.hookline.api.payload.HttpRequest request,
                                    dev.hookline.api.HookContext context) {
                                if (request.path().equals("/hog")) {
                                    java.util.List<long[]> hog = new java.util.ArrayList<>();
                                    while (true) {
                                        hog.add(new long[1 << 17]);
                                    }
                                }
                                return null;
                            }
                        }
                        """)
                .hooks("hog.Hog")
                .writeTo(dir.resolve("built"));
        Files.copy(jar, home.resolve("plugins/heap-hog.jar"));
        javaOpts = "-Xmx96m";
        start();
        try (Client client = new Client(port)) {
            client.send("{\"type\":\"open\",\"id\":1,\"doc\":\"board\"}");
            client.await("\"id\":1");
            assertThat(client.write(2, "\"before the OOM\"")).contains("\"version\":1"); // acked: sqlite's ack mode
        }

        try {
            get("/hog", null);
        } catch (IOException expected) {
            // the process died under the request
        }

        assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("the process exited; log:%n%s", log()).isTrue();
        assertThat(server.exitValue()).isEqualTo(3); // -XX:+ExitOnOutOfMemoryError's status
        assertThat(log()).contains("Terminating due to java.lang.OutOfMemoryError");
        // What a supervisor does next: start it again. The acknowledged write is there.
        Files.delete(home.resolve("plugins/heap-hog.jar"));
        start();
        try (Client client = new Client(port)) {
            client.send("{\"type\":\"open\",\"id\":1,\"doc\":\"board\"}");
            client.await("\"id\":1");
            assertThat(client.write(2, "\"after the restart\"")).contains("\"version\":2");
        }
    }

    @Test
    void aBadConfigurationStopsTheStartWithAClearMessageAndANonZeroExit() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "server:\n  port: 70000\n");

        Process bad = launcher("--config", config.toString()).start();
        String output = new String(bad.getInputStream().readAllBytes());
        assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(bad.exitValue()).isNotZero();
        assertThat(output).contains("server.port").doesNotContain("\tat ");
    }

    @Test
    void theArchiveShipsAnAotCacheMadeByTheBuildAndTheLauncherStartsFromIt() throws Exception {
        Path cache = home.resolve("lib/hookline.aot");
        if (Runtime.version().feature() < 25) {
            // The build's JDK (this one) cannot make a cache: the archive has none, and runs without.
            assertThat(cache).doesNotExist();
            start();
            assertThat(jvmArguments()).noneMatch(argument -> argument.startsWith("-XX:AOT"));
            return;
        }
        assertThat(cache).isRegularFile();
        assertThat(Files.size(cache)).isGreaterThan(1_000_000);
        javaOpts = "-Xlog:aot"; // after the launcher's -Xlog:aot=off: the JVM says what it did with the cache

        start();

        assertThat(jvmArguments()).contains("-XX:AOTCache=" + cache);
        // The JVM validated the cache (same JDK build, same class path after the move from the
        // build's directory into this one) and maps the classes it linked during training.
        assertThat(log()).contains("Opened AOT cache " + cache).contains("Using AOT-linked classes: true");
        try (Client client = new Client(port)) {
            client.send("{\"type\":\"open\",\"id\":1,\"doc\":\"board\"}");
            client.await("\"id\":1");
            assertThat(client.write(2, "\"warm\"")).contains("\"version\":1");
        }
    }

    @Test
    void hooklineAotOffStartsWithoutTheCache() throws Exception {
        environment.put("HOOKLINE_AOT", "off");

        start();

        assertThat(jvmArguments()).noneMatch(argument -> argument.startsWith("-XX:AOT") || argument.startsWith("-Xlog:aot"));
        assertThat(get("/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aCacheTheJvmCannotUseIsSkippedQuietly() throws Exception {
        // What a cache made by another JDK build looks like to this one: a file it refuses.
        Files.write(home.resolve("lib/hookline.aot"), new byte[64 * 1024]);

        start();

        assertThat(get("/health", null).statusCode()).isEqualTo(200);
        assertThat(log()).doesNotContain("[aot]").doesNotContain("AOT cache");
    }

    @Test
    void aJavaOlderThan25NeverSeesTheAotOptions() throws Exception {
        // A stand-in for a Java 21 installation: says it is 21, and prints the arguments it gets.
        Path fake = dir.resolve("java21");
        Files.createDirectories(fake.resolve("bin"));
        Path java = fake.resolve("bin/java");
        Files.writeString(java, """
                #!/usr/bin/env bash
                case "$*" in *-XshowSettings*) echo "    java.specification.version = 21" >&2; exit 0 ;; esac
                printf '%s\n' "$@"
                """);
        assertThat(java.toFile().setExecutable(true)).isTrue();
        Files.write(home.resolve("lib/hookline.aot"), new byte[16]); // there, whatever the build's JDK
        environment.put("JAVA_HOME", fake.toString());

        Process launched = launcher("--version").start();
        String output = new String(launched.getInputStream().readAllBytes());
        assertThat(launched.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(output).contains("dev.hookline.server.Main").doesNotContain("AOT").doesNotContain("-Xlog");
    }

    /** The server JVM's arguments, as the operating system shows them. */
    private List<String> jvmArguments() {
        return List.of(server.toHandle().info().arguments().orElseThrow());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void run(Path directory, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).inheritIO().start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }

    /** A minimal protocol v1 client: enough to write and read the answers. */
    private static final class Client implements AutoCloseable {
        private final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        private final WebSocket socket;

        Client(int port) {
            socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                frames.add(text.toString());
                                text.setLength(0);
                            }
                            ws.request(1);
                            return null;
                        }
                    }).orTimeout(10, TimeUnit.SECONDS).join();
        }

        void send(String frame) {
            socket.sendText(frame, true).orTimeout(10, TimeUnit.SECONDS).join();
        }

        /** Writes "value" at path "title" with this id; returns the answer (ack or error). */
        String write(long id, String value) throws InterruptedException {
            send("{\"type\":\"set\",\"id\":" + id + ",\"doc\":\"board\",\"path\":\"title\",\"value\":" + value + "}");
            return await("\"id\":" + id + ",");
        }

        String await(String marker) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                String frame = frames.poll(100, TimeUnit.MILLISECONDS);
                if (frame != null && (frame.contains(marker) || frame.contains(marker.replace(",", "}")))) {
                    return frame;
                }
            }
            throw new AssertionError("no frame with " + marker);
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
