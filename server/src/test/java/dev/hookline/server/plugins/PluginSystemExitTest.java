package dev.hookline.server.plugins;

import static dev.hookline.server.testsupport.TestPlugins.packageOf;
import static dev.hookline.server.testsupport.TestPlugins.plugin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.server.testsupport.ServerProcess;
import dev.hookline.server.testsupport.WsClient;
import dev.hookline.testkit.PluginJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #9, item 6: plugin code that calls {@code System.exit}. Nothing can prevent the exit on
 * Java 21+, but it must never deadlock the shutdown that follows: the server, in a JVM of its own,
 * exits instead of hanging alive and serving nothing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PluginSystemExitTest {

    /** Far more than a clean exit needs; a deadlocked one never gets there. */
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** A plugin whose Plugin-Class runs {@code body} in the given lifecycle method. */
    private static PluginJar.Builder lifecycle(String id, String method, String body) {
        String pkg = packageOf(id);
        return plugin(id, 100, "").source(pkg + ".Lifecycle", """
                        package %s;
                        public class Lifecycle extends org.pf4j.Plugin {
                            @Override public void %s() { %s }
                        }
                        """.formatted(pkg, method, body))
                .pluginClass(pkg + ".Lifecycle");
    }

    @Test
    void aPluginDroppedInWhoseStartCallsSystemExitEndsTheProcessInsteadOfDeadlockingIt() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = lifecycle("quitter", "start", "System.exit(3);").writeTo(Files.createDirectories(dir.resolve("build")));
        try (ServerProcess server = ServerProcess.start(dir, Map.of(), "--plugins", plugins.toString())) {
            Files.copy(jar, plugins.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);

            assertThat(server.awaitExit(EXIT_WITHIN)).as("the plugin's exit status").isEqualTo(3);
            assertThat(server.output()).contains("Hookline stopped")
                    .contains("Plugins not stopped: the plugin host is held by thread 'hookline-plugin-watcher', "
                            + "which is inside System.exit");
        }
    }

    @Test
    void aPluginWhoseStopCallsSystemExitDoesNotHangTheShutdownOnSigterm() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        lifecycle("quitter", "stop", "System.exit(4);").writeTo(plugins);
        try (ServerProcess server = ServerProcess.start(dir, Map.of(), "--plugins", plugins.toString())) {
            server.process().destroy(); // SIGTERM

            server.awaitExit(EXIT_WITHIN);
            assertThat(server.output()).contains("Hookline stopped")
                    .contains("Plugins not all stopped: their stop() methods are held by thread 'hookline-plugin-stop', "
                            + "which is inside System.exit");
        }
    }

    @Test
    void aHookThatCallsSystemExitEndsTheProcessInsteadOfHangingIt() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        plugin("quitter", 100, """
                    @Override
                    public Update onUpdate(Update update, HookContext context) {
                        System.exit(5);
                        return null;
                    }
                """).writeTo(plugins);
        try (ServerProcess server = ServerProcess.start(dir, Map.of(), "--plugins", plugins.toString());
             WsClient client = WsClient.connectWelcomed(server.port())) {
            client.openOk("board");
            client.send(client.frame("set").put("doc", "board").put("path", "title").set("value", TextNode.valueOf("x")));

            // The shutdown waits for the hook that never returns until the engine gives up on it
            // (its deadline and then some): bounded, but longer than the cases above.
            assertThat(server.awaitExit(EXIT_WITHIN.multipliedBy(2))).as("the hook's exit status").isEqualTo(5);
        }
    }
}
