package dev.hookline.bench.load;

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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What idle connections cost the server at rest: the distribution ({@code bin/hookline}, its
 * default plugins, a temporary data folder, loopback) with N idle WebSockets held open by several
 * {@link IdleClient} processes, each under its own descriptor limit. For each N (a fresh server
 * each time) it reports, for the server process:
 * <ul>
 *   <li>RSS ({@code /proc/<pid>/status} VmRSS) and heap in use after a full GC ({@code jcmd
 *       GC.run}, then {@code /health}'s {@code usedAfterGc}), empty and with N connections, and the
 *       difference divided by N;</li>
 *   <li>CPU while idle: user+system ticks from {@code /proc/<pid>/stat} over windows of
 *       {@code --window} seconds, as % of one core, the median of {@code --samples} windows, and the
 *       same for the client processes together;</li>
 *   <li>with {@code --threads}, the server threads that used the most CPU in those windows.</li>
 * </ul>
 * Loopback only, bounded in time; it stops the processes it started, by PID.
 *
 * <pre>./scripts/bench-idle --connections 5000,10000,19500 --clients 4</pre>
 */
public final class IdleConnections {

    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        Path home = null;
        int[] levels = {5000, 10_000, 19_500};
        int clients = 4;
        int settle = 20;
        int window = 15; // one keep-alive interval: each window holds one ping per connection
        int samples = 3;
        boolean threads = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home" -> home = Path.of(args[++i]);
                case "--connections" -> levels = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--clients" -> clients = Math.max(1, Integer.parseInt(args[++i]));
                case "--settle" -> settle = Math.max(0, Integer.parseInt(args[++i]));
                case "--window" -> window = Math.max(1, Integer.parseInt(args[++i]));
                case "--samples" -> samples = Math.max(1, Integer.parseInt(args[++i]));
                case "--threads" -> threads = true;
                default -> throw new IllegalArgumentException("options: --home DIST_DIR --connections N[,N...] --clients K "
                        + "--settle S --window S --samples K --threads");
            }
        }
        if (home == null || !Files.isExecutable(home.resolve("bin/hookline"))) {
            throw new IllegalArgumentException("--home must be an unpacked distribution (with bin/hookline)");
        }
        System.out.printf("server: %s, HOOKLINE_JAVA_OPTS=%s; %d client processes; settle %d s; CPU: median of %d windows of %d s%n",
                home, System.getenv().getOrDefault("HOOKLINE_JAVA_OPTS", ""), clients, settle, samples, window);
        for (int n : levels) {
            run(home, n, clients, settle, window, samples, threads);
        }
    }

    private static void run(Path home, int n, int clientCount, int settle, int window, int samples, boolean threads)
            throws Exception {
        Path work = Files.createTempDirectory("hookline-idle");
        int port = freePort();
        ProcessBuilder serverCommand = new ProcessBuilder(home.resolve("bin/hookline").toString(),
                "--host", "127.0.0.1", "--port", String.valueOf(port), "--data", work.resolve("data").toString(),
                "--set", "server.maxConnections=" + (n + 200))
                .redirectErrorStream(true).redirectOutput(work.resolve("server.log").toFile());
        Process server = serverCommand.start();
        List<Process> clients = new ArrayList<>();
        try {
            long pid = server.pid(); // bin/hookline execs the JVM: same process
            waitForHealth(port, server);
            Thread.sleep(5000); // start-up work (JIT, plugin loading) out of the way
            Memory empty = memory(pid, port);
            double emptyCpu = cpuPercent(List.of(pid), window);

            long started = System.nanoTime();
            int perClient = (n + clientCount - 1) / clientCount;
            int left = n;
            for (int c = 0; c < clientCount && left > 0; c++) {
                int count = Math.min(perClient, left);
                left -= count;
                clients.add(new ProcessBuilder(javaBin(), "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-cp", ownJar(), IdleClient.class.getName(), "--url", "ws://127.0.0.1:" + port + "/ws",
                        "--connections", String.valueOf(count), "--max-seconds", "900")
                        .redirectErrorStream(true).redirectOutput(work.resolve("client-" + c + ".log").toFile()).start());
            }
            waitForConnections(port, n, clients, Duration.ofSeconds(180));
            double openSeconds = (System.nanoTime() - started) / 1e9;
            Thread.sleep(settle * 1000L);

            List<Long> clientPids = clients.stream().map(Process::pid).toList();
            double[] serverCpu = new double[samples];
            double[] clientCpu = new double[samples];
            Map<String, Long> threadTicks = new HashMap<>();
            for (int s = 0; s < samples; s++) {
                Map<String, Long> before = threads ? threadTicks(pid) : Map.of();
                long[] ticks0 = {ticks(pid), ticks(clientPids)};
                Thread.sleep(window * 1000L);
                long[] ticks1 = {ticks(pid), ticks(clientPids)};
                serverCpu[s] = percent(ticks1[0] - ticks0[0], window);
                clientCpu[s] = percent(ticks1[1] - ticks0[1], window);
                if (threads) {
                    threadTicks(pid).forEach((name, t) -> threadTicks.merge(name, t - before.getOrDefault(name, 0L), Long::sum));
                }
            }
            Memory full = memory(pid, port);
            int open = connections(port);

            System.out.printf("%n%,d connections (%d client processes, opened in %.1f s; %,d open at the end)%n", n,
                    clients.size(), openSeconds, open);
            System.out.printf("  server RSS        empty %6.1f MiB   loaded %7.1f MiB   per connection %5.1f KiB%n",
                    empty.rss / 1048576.0, full.rss / 1048576.0, (full.rss - empty.rss) / 1024.0 / n);
            System.out.printf("  heap after GC     empty %6.1f MiB   loaded %7.1f MiB   per connection %5.1f KiB%n",
                    empty.heap / 1048576.0, full.heap / 1048576.0, (full.heap - empty.heap) / 1024.0 / n);
            System.out.printf("  server CPU idle   empty %5.2f %%   loaded: median %5.2f %% of a core (samples %s)%n",
                    emptyCpu, median(serverCpu), format(serverCpu));
            System.out.printf("  client CPU        median %5.2f %% of a core, all %d processes (samples %s)%n",
                    median(clientCpu), clients.size(), format(clientCpu));
            if (threads) {
                System.out.println("  server threads by CPU over the samples (ticks of 10 ms):");
                threadTicks.entrySet().stream().filter(e -> e.getValue() > 0)
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                        .forEach(e -> System.out.printf("    %6d  %s%n", e.getValue(), e.getKey()));
            }
        } finally {
            for (Process client : clients) {
                client.destroy();
            }
            server.destroy(); // SIGTERM: a graceful stop
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
            for (Process client : clients) {
                if (!client.waitFor(10, TimeUnit.SECONDS)) {
                    client.destroyForcibly();
                }
            }
            System.out.println("  (logs in " + work + ")");
        }
    }

    private record Memory(long rss, long heap) { }

    /** RSS now, and the heap in use after a full collection asked for with jcmd. */
    private static Memory memory(long pid, int port) throws Exception {
        Process gc = new ProcessBuilder(Path.of(javaBin()).resolveSibling("jcmd").toString(), String.valueOf(pid), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!gc.waitFor(60, TimeUnit.SECONDS)) {
            gc.destroyForcibly();
            throw new IllegalStateException("jcmd GC.run did not finish");
        }
        Thread.sleep(1000);
        long heap = jsonLong(health(port), "usedAfterGc");
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return new Memory(rss, heap);
    }

    private static double cpuPercent(List<Long> pids, int seconds) throws Exception {
        long before = ticks(pids);
        Thread.sleep(seconds * 1000L);
        return percent(ticks(pids) - before, seconds);
    }

    private static double percent(long ticks, int seconds) {
        return 100.0 * ticks / TICKS_PER_SECOND / seconds;
    }

    private static long ticks(List<Long> pids) throws IOException {
        long sum = 0;
        for (long pid : pids) {
            sum += ticks(pid);
        }
        return sum;
    }

    /** utime + stime of a process (all its threads), from /proc/PID/stat. */
    private static long ticks(long pid) throws IOException {
        return statTicks(Files.readString(Path.of("/proc/" + pid + "/stat")));
    }

    private static long statTicks(String stat) {
        // Fields after the command name (which may hold spaces), "(...)": state is field 3, utime 14, stime 15.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** CPU ticks per thread name (threads of one name summed: pools, carriers). */
    private static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> byName = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+$", "#");
                    byName.merge(name, statTicks(stat), Long::sum);
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return byName;
    }

    private static void waitForHealth(int port, Process server) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < end) {
            if (!server.isAlive()) {
                throw new IllegalStateException("the server exited with " + server.exitValue() + " before answering");
            }
            try {
                health(port);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the server did not answer /health within 120 s");
    }

    private static void waitForConnections(int port, int n, List<Process> clients, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        int open = 0;
        while (System.nanoTime() < end) {
            for (Process client : clients) {
                if (!client.isAlive()) {
                    throw new IllegalStateException("a client process exited with " + client.exitValue());
                }
            }
            open = connections(port);
            if (open >= n) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("only " + open + " of " + n + " connections open after " + limit.toSeconds() + " s");
    }

    private static int connections(int port) throws Exception {
        return (int) jsonLong(health(port), "connections");
    }

    private static String health(int port) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The first number named {@code key} in a JSON text (the /health body is flat enough for that). */
    private static long jsonLong(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*(\\d+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + key + " in " + json);
        }
        return Long.parseLong(m.group(1));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String ownJar() throws Exception {
        return Path.of(IdleConnections.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    private static String format(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format("%.2f", v)).toList().toString();
    }
}
