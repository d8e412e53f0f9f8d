package dev.hookline.bench.load;

import dev.hookline.bench.Args;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.server.Hookline;
import dev.hookline.server.hooks.PluginSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Acknowledged writes per second against an in-process server on loopback, with real WebSocket
 * clients. Each client keeps a window of writes in flight and counts acks. The run is bounded:
 * a warm-up, then one-second intervals for a fixed time; it prints each interval and the median.
 *
 * <pre>
 * ./scripts/bench-load WriteThroughput --docs 1 --clients 8 --window 64 --seconds 10 \
 *     [--sqlite path/to/hookline-plugin-sqlite.jar --durability ack|async]
 * </pre>
 */
public final class WriteThroughput {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path work = Files.createTempDirectory("hookline-bench");
        Hookline.Builder builder = Hookline.builder().host("127.0.0.1").port(0).classpathHooks(false);
        if (options.sqlite != null) {
            Path plugins = Files.createDirectories(work.resolve("plugins"));
            Files.copy(Path.of(options.sqlite), plugins.resolve("sqlite.jar"), StandardCopyOption.REPLACE_EXISTING);
            JsonNode settings = JSON.createObjectNode().put("file", work.resolve("bench.db").toString())
                    .put("durability", options.durability);
            builder.pluginsDirectory(plugins)
                    .pluginSettings(id -> id.equals("sqlite") ? PluginSettings.DEFAULTS.withSettings(settings) : PluginSettings.DEFAULTS);
        }
        try (Hookline server = builder.start()) {
            System.out.printf("server on port %d; %d client(s) x window %d over %d document(s); storage: %s%n",
                    server.port(), options.clients, options.window, options.docs,
                    options.sqlite == null ? "none (memory)" : "sqlite " + options.durability);
            AtomicLong acks = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> writers = new ArrayList<>();
            for (int c = 0; c < options.clients; c++) {
                int client = c;
                writers.add(Thread.ofPlatform().name("writer-" + c).start(() ->
                        runClient(server.port(), client, options, acks, errors, running)));
            }
            Thread.sleep(options.warmupSeconds * 1000L);
            long[] perSecond = new long[options.seconds];
            for (int i = 0; i < options.seconds; i++) {
                long before = acks.get();
                Thread.sleep(1000);
                perSecond[i] = acks.get() - before;
                System.out.printf("  second %2d: %,d acks%n", i + 1, perSecond[i]);
            }
            running.set(false);
            for (Thread writer : writers) {
                writer.join(10_000);
            }
            long[] sorted = perSecond.clone();
            Arrays.sort(sorted);
            System.out.printf("median %,d acknowledged writes/s (min %,d, max %,d), errors %d%n",
                    sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1], errors.get());
        }
    }

    private static void runClient(int port, int client, Options options, AtomicLong acks, AtomicLong errors,
                                  AtomicBoolean running) {
        Semaphore window = new Semaphore(options.window);
        CompletableFuture<Void> opened = new CompletableFuture<>();
        int docsPerClient = Math.max(1, options.docs / options.clients);
        int openAcksNeeded = options.docs == 1 ? 1 : docsPerClient;
        AtomicLong openAcks = new AtomicLong();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            String frame = text.toString();
                            text.setLength(0);
                            if (frame.startsWith("{\"type\":\"ack\"")) {
                                if (!opened.isDone()) {
                                    if (openAcks.incrementAndGet() == openAcksNeeded) {
                                        opened.complete(null);
                                    }
                                } else {
                                    acks.incrementAndGet();
                                    window.release();
                                }
                            } else if (frame.startsWith("{\"type\":\"error\"")) {
                                errors.incrementAndGet();
                                window.release();
                            }
                        }
                        ws.request(1);
                        return null;
                    }
                }).join();
        List<String> docs = new ArrayList<>();
        if (options.docs == 1) {
            docs.add("doc-0");
        } else {
            for (int d = 0; d < docsPerClient; d++) {
                docs.add("doc-" + (client * docsPerClient + d));
            }
        }
        long id = 0;
        for (String doc : docs) {
            socket.sendText("{\"type\":\"open\",\"id\":" + id++ + ",\"doc\":\"" + doc + "\"}", true).join();
        }
        opened.orTimeout(30, TimeUnit.SECONDS).join();
        try {
            while (running.get()) {
                if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                String doc = docs.get((int) (id % docs.size()));
                socket.sendText("{\"type\":\"set\",\"id\":" + id + ",\"doc\":\"" + doc + "\",\"path\":\"c" + client
                        + "/k" + (id % 64) + "\",\"value\":" + id + "}", true).join();
                id++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.sendClose(1000, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> null).join();
    }

    /** Command-line options; every one bounded and defaulted. */
    private static final class Options {
        int docs = 1;
        int clients = 8;
        int window = 64;
        int seconds = 10;
        int warmupSeconds = 3;
        String sqlite;
        String durability = "ack";

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i += 2) {
                String value = i + 1 < args.length ? args[i + 1] : "";
                switch (args[i]) {
                    case "--docs" -> o.docs = Args.bounded(value, 1, 10_000);
                    case "--clients" -> o.clients = Args.bounded(value, 1, 1000);
                    case "--window" -> o.window = Args.bounded(value, 1, 10_000);
                    case "--seconds" -> o.seconds = Args.bounded(value, 1, 300);
                    case "--warmup" -> o.warmupSeconds = Args.bounded(value, 0, 60);
                    case "--sqlite" -> o.sqlite = value;
                    case "--durability" -> o.durability = value;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; options: --docs --clients --window --seconds --warmup --sqlite --durability");
                }
            }
            if (o.docs > 1 && o.docs % o.clients != 0) {
                throw new IllegalArgumentException("--docs must be 1 or a multiple of --clients");
            }
            return o;
        }
    }

    private WriteThroughput() {
    }
}
