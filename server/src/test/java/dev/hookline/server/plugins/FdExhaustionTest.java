package dev.hookline.server.plugins;

import static dev.hookline.server.testsupport.TestPlugins.plugin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9, item 1: a process out of file descriptors (a real EMFILE, in a JVM of its own under
 * {@code prlimit --nofile}) cannot list its plugins folder. That is no reason to unload anything:
 * the plugin stays loaded and its hooks keep serving, and once descriptors are free again the
 * watcher scans as before (a file really removed is still unloaded).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FdExhaustionTest {

    private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");

    @TempDir
    Path dir;

    private Process child;
    private Writer commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void kill() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    @Test
    void aPluginStaysLoadedAndServingWhileThePluginsFolderCannotBeListedForWantOfDescriptors() throws Exception {
        assumeTrue(Files.isExecutable(PRLIMIT), "prlimit (util-linux) is needed to give the child a low descriptor limit");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = prefixer("v1:").writeTo(plugins);
        startChild(plugins);

        assertThat(ask("plugins")).isEqualTo("plugins greeter");
        assertThat(ask("write board hello")).isEqualTo("value v1:hello");

        assertThat(ask("exhaust")).startsWith("exhausted").contains("Too many open files");
        String scanned = ask("scans 10");
        assertThat(ask("plugins")).as("the plugin is still loaded").isEqualTo("plugins greeter");
        assertThat(ask("write board again")).as("its hook still serves").isEqualTo("value v1:again");
        assertThat(failedIn(scanned)).as("scans under EMFILE fail: " + scanned).isGreaterThan(0);

        assertThat(ask("release")).isEqualTo("released");
        long failedBefore = failedIn(ask("scans 1"));
        assertThat(failedIn(ask("scans 5"))).as("scans work again").isEqualTo(failedBefore);
        assertThat(ask("plugins")).isEqualTo("plugins greeter");
        assertThat(ask("write board later")).isEqualTo("value v1:later");
        assertThat(lines("Plugin 'greeter' 1.0.0 unloaded")).as("nothing was unloaded while the folder could not be read").isEmpty();
        assertThat(lines("Cannot list the plugins folder")).as("logged once, not once per scan").hasSize(1)
                .allMatch(line -> line.contains("out of file descriptors"));
        assertThat(lines("can be read again (")).hasSize(1);

        // A file that is really gone still unloads its plugin.
        Files.delete(jar);
        assertThat(askUntil("plugins", "plugins ")).as("the plugin of a removed file is unloaded").isEqualTo("plugins ");
        assertThat(ask("stop")).isEqualTo("stopped");
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aNewVersionDroppedInWhileOutOfDescriptorsLeavesTheOldOneServingAndLoadsOnceTheyAreFree() throws Exception {
        assumeTrue(Files.isExecutable(PRLIMIT), "prlimit (util-linux) is needed to give the child a low descriptor limit");
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path build = Files.createDirectories(dir.resolve("build"));
        Path jar = prefixer("v1:").writeTo(plugins);
        Path next = prefixer("v2:").writeTo(build);
        startChild(plugins);
        assertThat(ask("write board hello")).isEqualTo("value v1:hello");

        assertThat(ask("exhaust")).startsWith("exhausted");
        Files.copy(next, jar, StandardCopyOption.REPLACE_EXISTING);
        ask("scans 20");
        assertThat(ask("plugins")).isEqualTo("plugins greeter");
        assertThat(ask("write board again")).as("the old version still serves").isEqualTo("value v1:again");
        assertThat(ask("problems")).as("nothing is reported broken").isEqualTo("problems ");
        assertThat(lines("Plugin skipped")).isEmpty();

        assertThat(ask("release")).isEqualTo("released");
        assertThat(askUntil("write board later", "value v2:later")).as("the new version is loaded once it can be read").isEqualTo("value v2:later");
        assertThat(ask("stop")).isEqualTo("stopped");
    }

    /** The plugin "greeter" (same file name whatever the prefix), whose onUpdate prefixes text values. */
    private static dev.hookline.testkit.PluginJar.Builder prefixer(String prefix) {
        return plugin("greeter", 100, """
                    @Override
                    public Update onUpdate(Update update, HookContext context) {
                        return update.withValue(TextNode.valueOf("%s" + update.value().asText()));
                    }
                """.formatted(prefix));
    }

    private void startChild(Path plugins) throws IOException {
        List<String> command = List.of(PRLIMIT.toString(), "--nofile=1024:1024", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                FdExhaustionChild.class.getName(), plugins.toString());
        child = new ProcessBuilder(command).redirectErrorStream(true).start();
        commands = new java.io.OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.add(line);
                    if (line.startsWith("@@ ")) {
                        answers.add(line.substring(3));
                    }
                }
            } catch (IOException e) {
                // the child is gone
            }
        });
    }

    private String ask(String command) throws Exception {
        commands.write(command + "\n");
        commands.flush();
        String answer = answers.poll(40, TimeUnit.SECONDS);
        assertThat(answer).as("answer to '" + command + "'; the child said:\n" + String.join("\n", output)).isNotNull();
        return answer;
    }

    /** Asks again after each scan until the answer is {@code expected}, 50 scans at most; returns the last answer. */
    private String askUntil(String command, String expected) throws Exception {
        String answer = ask(command);
        for (int i = 0; i < 50 && !answer.equals(expected); i++) {
            ask("scans 1");
            answer = ask(command);
        }
        return answer;
    }

    private List<String> lines(String containing) {
        synchronized (output) {
            return output.stream().filter(line -> line.contains(containing)).toList();
        }
    }

    private static long failedIn(String scanned) {
        String[] words = scanned.split(" ");
        return Long.parseLong(words[words.length - 1]);
    }
}
