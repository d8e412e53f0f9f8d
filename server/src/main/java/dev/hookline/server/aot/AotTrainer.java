package dev.hookline.server.aot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Makes the distribution's JDK AOT cache, {@code lib/hookline.aot}, during the build: starts the
 * assembled distribution through its own {@code bin/hookline} with
 * {@code -XX:AOTCacheOutput} (JDK 25's one-step workflow, JEP 514), runs the
 * {@link TrainingWorkload} against it on loopback, and stops it with SIGTERM, the graceful stop; at
 * exit the JVM writes the cache. It trains the server as shipped: its launcher flags, its
 * {@code conf/}, its bundled plugins (sqlite in {@code ack} mode, logger), a fresh temporary data
 * folder and a free port.
 *
 * <p>Not part of the running server: the distribution's build runs
 * {@code java -cp lib/hookline-server-*.jar dev.hookline.server.aot.AotTrainer HOME LOG [SKIP]},
 * SKIP being {@code true} to make none ({@code -Dhookline.aot.skip=true}).
 * It never fails the build: on a JDK older than 25 (which cannot make the cache), when asked to
 * skip, or when training fails, the distribution ships without a cache (which {@code bin/hookline}
 * handles) and one line says why. Every step is bounded in time, and the server's process tree is
 * gone when it returns.
 */
public final class AotTrainer {

    /** The cache's file name in the distribution's {@code lib/}. */
    public static final String CACHE = "hookline.aot";

    private static final Pattern UP = Pattern.compile("is up on port (\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration WORKLOAD_TIMEOUT = Duration.ofSeconds(60);
    /** The JVM assembles the cache at exit, in a child JVM: seconds, more on a busy machine. */
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(180);

    private AotTrainer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: AotTrainer HOME LOG [SKIP]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path cache = home.resolve("lib").resolve(CACHE);
        // A cache left by an earlier build is stale whatever happens next.
        Files.deleteIfExists(cache);
        Files.deleteIfExists(cache.resolveSibling(CACHE + ".config"));
        int feature = Runtime.version().feature();
        if (args.length > 2 && Boolean.parseBoolean(args[2])) {
            say("skipped (hookline.aot.skip=true): the distribution has no lib/" + CACHE + "; it runs without one");
        } else if (feature < 25) {
            say("skipped: the build's JDK is " + feature + ", and making one needs JDK 25+ (JEP 514). "
                    + "The distribution has no lib/" + CACHE + "; it runs without one");
        } else {
            train(home, cache, Path.of(args[1]).toAbsolutePath());
        }
    }

    private static void train(Path home, Path cache, Path logFile) throws Exception {
        long started = System.nanoTime();
        Path data = Files.createTempDirectory("hookline-aot-data-");
        Files.createDirectories(logFile.getParent());
        Process server = null;
        Thread killer = null;
        try (PrintWriter log = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8), true)) {
            ProcessBuilder builder = new ProcessBuilder(home.resolve("bin").resolve("hookline").toString(),
                    "--host", "127.0.0.1", "--port", "0", "--data", data.toString())
                    .directory(home.toFile()).redirectErrorStream(true);
            // The build's JDK, the launcher's own flags, nothing from the developer's environment.
            builder.environment().keySet().removeIf(name -> name.startsWith("HOOKLINE_")
                    || name.equals("JAVA_TOOL_OPTIONS") || name.equals("JDK_JAVA_OPTIONS") || name.equals("_JAVA_OPTIONS"));
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            builder.environment().put("HOOKLINE_AOT", "off");
            builder.environment().put("HOOKLINE_JAVA_OPTS", "-XX:AOTCacheOutput=" + cache);
            log.println("$ HOOKLINE_JAVA_OPTS=-XX:AOTCacheOutput=" + cache + " " + String.join(" ", builder.command()));
            server = builder.start();
            Process process = server;
            killer = new Thread(() -> kill(process), "aot-trainer-cleanup");
            Runtime.getRuntime().addShutdownHook(killer);

            CompletableFuture<Integer> port = new CompletableFuture<>();
            Thread pump = new Thread(() -> pump(process, log, port), "aot-trainer-log");
            pump.setDaemon(true);
            pump.start();
            int listening = port.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long up = System.nanoTime();

            TrainingWorkload.Summary summary = new TrainingWorkload(listening, WORKLOAD_TIMEOUT).run();
            long worked = System.nanoTime();
            log.println("# workload: " + summary);
            if (summary.errors() > 0) {
                throw new IllegalStateException(summary.errors() + " requests of the training workload were refused");
            }

            // SIGTERM: the graceful stop, then the JVM writes the cache. Through the handle: Process.destroy()
            // would also close our end of its output, and the JVM reports the cache there.
            server.toHandle().destroy();
            if (!server.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the server did not exit within " + EXIT_TIMEOUT.toSeconds() + " s of SIGTERM");
            }
            pump.join(TimeUnit.SECONDS.toMillis(10));
            if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
                throw new IllegalStateException("the JVM wrote no cache (exit status " + server.exitValue() + ")");
            }
            say(String.format(Locale.ROOT, "lib/%s, %.0f MB, made in %.1f s (start %.1f s, workload %.1f s: %d connections, "
                            + "%d writes, %d deliveries; stop and assembly %.1f s) with JDK %s; log: %s",
                    CACHE, Files.size(cache) / 1e6, seconds(System.nanoTime() - started), seconds(up - started),
                    seconds(worked - up), summary.connections(), summary.writes(), summary.deliveries(),
                    seconds(System.nanoTime() - worked), Runtime.version(), logFile));
        } catch (Exception e) {
            if (server != null) {
                kill(server);
            }
            Files.deleteIfExists(cache);
            Files.deleteIfExists(cache.resolveSibling(CACHE + ".config"));
            say("NOT made, the distribution ships without one (" + e + "); log: " + logFile);
        } finally {
            if (server != null) {
                kill(server);
            }
            if (killer != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(killer);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway
                }
            }
            deleteTree(data);
        }
    }

    /** Copies the server's output to the log and completes port with the port it listens on. */
    private static void pump(Process server, PrintWriter log, CompletableFuture<Integer> port) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                log.println(line);
                Matcher up = UP.matcher(line);
                if (!port.isDone() && up.find()) {
                    port.complete(Integer.parseInt(up.group(1)));
                }
            }
        } catch (IOException e) {
            log.println("# reading the server's output: " + e);
        }
        port.completeExceptionally(new IllegalStateException("the server exited before listening"));
    }

    /** Ends the server and whatever it started (the JVM that assembles the cache), if still running. */
    private static void kill(Process server) {
        try (Stream<ProcessHandle> children = server.descendants()) {
            children.forEach(ProcessHandle::destroyForcibly);
        }
        server.destroyForcibly();
        try {
            server.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static void say(String line) {
        System.out.println("AOT cache: " + line);
        System.out.flush();
    }
}
