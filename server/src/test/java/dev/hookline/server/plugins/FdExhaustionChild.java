package dev.hookline.server.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hookline.server.Hookline;
import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A server with a folder watcher in a JVM of its own (started by {@link FdExhaustionTest} under a
 * low {@code prlimit --nofile}), driven by commands on stdin; it answers on stdout with lines that
 * start with {@code @@ }. {@code exhaust} opens files until the process is out of descriptors for
 * real (EMFILE), {@code release} closes them again.
 */
public final class FdExhaustionChild {

    private FdExhaustionChild() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        Hookline server = Hookline.builder().host("127.0.0.1").port(0).classpathHooks(false).pluginsDirectory(folder)
                .watchPlugins(false).start();
        PluginWatcher watcher = PluginWatcher.start(server.plugins(), Duration.ofMillis(100), Duration.ofMillis(200));
        // Out of descriptors, a class not loaded yet cannot be read from a class folder either:
        // load them all now, as a server that has been running a while has.
        preloadClassFolders();
        List<FileInputStream> held = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] words = line.trim().split(" ");
            switch (words[0]) {
                case "exhaust" -> {
                    try {
                        while (true) {
                            held.add(new FileInputStream("/dev/null"));
                        }
                    } catch (IOException e) {
                        answer("exhausted " + held.size() + " " + e.getMessage());
                    }
                }
                case "release" -> {
                    for (FileInputStream stream : held) {
                        stream.close();
                    }
                    held.clear();
                    answer("released");
                }
                case "scans" -> { // wait for n more scans (successful or not)
                    long until = watcher.scans() + Long.parseLong(words[1]);
                    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (watcher.scans() < until && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    answer("scanned " + watcher.scans() + " failed " + watcher.failedScans());
                }
                case "plugins" -> answer("plugins " + server.plugins().plugins().stream().map(LoadedPlugin::id)
                        .collect(Collectors.joining(",")));
                case "problems" -> answer("problems " + server.plugins().problems().stream()
                        .map(PluginProblem::reason).collect(Collectors.joining(" | ")));
                case "write" -> {
                    server.api().set(words[1], "value", TextNode.valueOf(words[2]));
                    answer("value " + server.api().get(words[1], "value").map(JsonNode::asText).orElse("-"));
                }
                case "stop" -> {
                    watcher.close();
                    server.stop();
                    answer("stopped");
                    return;
                }
                default -> answer("unknown command " + line);
            }
        }
    }

    private static void answer(String line) {
        System.out.println("@@ " + line);
        System.out.flush();
    }

    private static void preloadClassFolders() throws IOException {
        ClassLoader loader = FdExhaustionChild.class.getClassLoader();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path root = Path.of(entry);
            if (!Files.isDirectory(root)) {
                continue;
            }
            List<String> names;
            try (Stream<Path> files = Files.walk(root)) {
                names = files.map(root::relativize).map(Path::toString).filter(n -> n.endsWith(".class"))
                        .map(n -> n.substring(0, n.length() - 6).replace(File.separatorChar, '.')).toList();
            }
            for (String name : names) {
                try {
                    Class.forName(name, false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    // a test class that needs what is not here: not one the watcher uses
                }
            }
        }
    }
}
