package dev.hookline.faults.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The distribution's own {@code bin/hookline}, run as a separate process on a free loopback port,
 * with the bundled plugins, the home's {@code data/} and the log appended to {@code server.log}
 * (one log over restarts, so a test can read what happened before a kill).
 *
 * <p>{@code bin/hookline} execs java, and {@code prlimit} execs its command, so {@link #pid()} is
 * the JVM's and a kill reaches the server itself.
 */
public final class ServerProcess implements AutoCloseable {

    /** How a server is started; the same options start it again after a kill. */
    public static final class Options {
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String javaOpts = "";
        private Integer descriptorLimit;

        /** A configuration key, given as {@code --set key=value}. */
        public Options set(String key, String value) {
            settings.put(key, value);
            return this;
        }

        /** An environment variable of the server (e.g. a {@code HOOKLINE_*} setting). */
        public Options env(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** {@code HOOKLINE_JAVA_OPTS}, e.g. {@code -Xmx64m}. */
        public Options javaOpts(String opts) {
            javaOpts = opts;
            return this;
        }

        /** Runs the server under {@code prlimit --nofile=limit:limit}; null for the inherited limit. */
        public Options descriptorLimit(Integer limit) {
            descriptorLimit = limit;
            return this;
        }

        Options copy() {
            Options copy = new Options();
            copy.settings.putAll(settings);
            copy.environment.putAll(environment);
            copy.javaOpts = javaOpts;
            copy.descriptorLimit = descriptorLimit;
            return copy;
        }
    }

    public static Options options() {
        return new Options();
    }

    /**
     * Servers still running when the test JVM exits (a failsafe timeout, say) are killed too:
     * a child process would otherwise outlive it.
     */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "kill-fault-servers"));
    }

    private final Path home;
    private final Options options;
    private final int port;
    private final Process process;

    private ServerProcess(Path home, Options options, int port, Process process) {
        this.home = home;
        this.options = options;
        this.port = port;
        this.process = process;
    }

    /** Starts the server and waits (at most 60 s) until {@code /health} answers 200. */
    public static ServerProcess start(Path home, Options options) throws Exception {
        Options own = options.copy();
        int port = freePort();
        List<String> command = new ArrayList<>();
        if (own.descriptorLimit != null) {
            Path prlimit = Prlimit.find();
            if (prlimit == null) {
                throw new IllegalStateException(Prlimit.MISSING);
            }
            command.addAll(List.of(prlimit.toString(), "--nofile=" + own.descriptorLimit + ":" + own.descriptorLimit, "--"));
        }
        command.add(home.resolve("bin/hookline").toString());
        command.addAll(List.of("--host", "127.0.0.1", "--port", String.valueOf(port)));
        own.settings.forEach((key, value) -> command.addAll(List.of("--set", key + "=" + value)));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("server.log").toFile()));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("HOOKLINE_JAVA_OPTS", own.javaOpts);
        builder.environment().putAll(own.environment);
        Files.writeString(home.resolve("server.log"), "---- start: " + String.join(" ", command) + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        Process process = builder.start();
        RUNNING.add(process);
        process.onExit().thenRun(() -> RUNNING.remove(process));
        ServerProcess server = new ServerProcess(home, own, port, process);
        server.awaitHealthy(Duration.ofSeconds(60));
        return server;
    }

    /** Starts the server again on the same home (same data), on a new port, with the same options. */
    public ServerProcess restart() throws Exception {
        return restart(options);
    }

    /** Starts the server again on the same home (same data) with other options. */
    public ServerProcess restart(Options other) throws Exception {
        if (process.isAlive()) {
            throw new IllegalStateException("the server (pid " + pid() + ") is still running");
        }
        return start(home, other);
    }

    /** The options this server was started with (a copy, to change for a restart). */
    public Options startOptions() {
        return options.copy();
    }

    private void awaitHealthy(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + " while starting; log:\n" + log());
            }
            try {
                if (Http.get(port, "/health").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        close();
        throw new AssertionError("the server did not answer /health within " + within + "; log:\n" + log());
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path home() {
        return home;
    }

    /** @return the exit value, waiting at most {@code within}; null while still running */
    public Integer exitValue(Duration within) throws InterruptedException {
        return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** SIGKILL, and waits until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("pid " + pid() + " still alive 30 s after SIGKILL");
        }
    }

    /** SIGTERM: the server's orderly stop. */
    public void terminate() {
        process.destroy();
    }

    /** GET on this server. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return Http.get(port, path);
    }

    /** The whole log of this home's servers so far. */
    public String log() throws IOException {
        Path log = home.resolve("server.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** SIGKILL if still running: no test leaves a server behind. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
