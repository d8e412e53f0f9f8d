package dev.hookline.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.server.Hookline;
import dev.hookline.server.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line with a bad configuration: exit code 2, the message on stderr, nothing started. */
class MainConfigTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private Run run(Map<String, String> env, Path home, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new Main(env, home));
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int code = command.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aBadConfigFileExitsWith2AndNamesTheKey() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "server:\n  port: 70000\n");
        Run run = run(Map.of(), null, "--config", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("hookline: server.port: must be 0..65535, got 70000 (in " + file + ")")
                .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void theHomesConfigFileIsReadByDefault() throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/hookline.yaml"), "server:\n  keepAliveInterval: 15x\n");
        Run run = run(Map.of(), home);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("server.keepAliveInterval: \"15x\" is not a duration (use 500ms, 15s, 10m")
                .contains(home.resolve("conf/hookline.yaml").toString());
    }

    @Test
    void hooklineConfigNamesTheFileWhenNoFlagDoes() throws IOException {
        Path file = Files.writeString(dir.resolve("env.yaml"), "servre: {}\n");
        Run run = run(Map.of("HOOKLINE_CONFIG", file.toString()), null);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("hookline: unknown key servre (did you mean server?)");
    }

    @Test
    void aMissingConfigFileIsAConfigError() {
        Run run = run(Map.of(), null, "--config", dir.resolve("nope.yaml").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("configuration file").contains("does not exist");
    }

    @Test
    void badEnvironmentAndFlagsNameTheirSource() {
        Run env = run(Map.of("HOOKLINE_SERVER_IDLE_TIMEOUT", "1s"), null);
        assertThat(env.exitCode()).isEqualTo(2);
        assertThat(env.err()).startsWith("hookline: server.idleTimeout: must be longer than server.keepAliveInterval "
                + "(15s), got 1s (set by environment variable HOOKLINE_SERVER_IDLE_TIMEOUT)");

        Run flag = run(Map.of(), null, "--port", "70000");
        assertThat(flag.exitCode()).isEqualTo(2);
        assertThat(flag.err()).startsWith("hookline: server.port: must be 0..65535, got 70000 (set by --port)");

        Run set = run(Map.of(), null, "--set", "plugin.sqlite.hookTimeouts.onLoadDocument=later");
        assertThat(set.exitCode()).isEqualTo(2);
        assertThat(set.err()).startsWith("hookline: plugin.sqlite.hookTimeouts.onLoadDocument: \"later\" is not a duration");
    }

    @Test
    void aBadCommandLineExitsWith2AndHelpWith0() {
        assertThat(run(Map.of(), null, "--port", "many").exitCode()).isEqualTo(2);
        assertThat(run(Map.of(), null, "--no-such-flag").exitCode()).isEqualTo(2);
        Run help = run(Map.of(), null, "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--config", "--port", "--host", "--plugins", "--data", "--set", "--version",
                "HOOKLINE_SERVER_PORT");
        Run version = run(Map.of(), null, "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("Hookline ");
    }

    @Test
    void theConfigurationReachesTheServer() throws Exception {
        Path file = Files.writeString(dir.resolve("ok.yaml"), """
                server:
                  host: 127.0.0.1
                  port: 0
                  idleTimeout: 60s
                hooks:
                  defaultTimeout: 3s
                plugin:
                  sqlite:
                    priority: 42
                    hookTimeouts: {onLoadDocument: 30s}
                    settings: {durability: async}
                """);
        Files.createDirectories(dir.resolve("plugins"));
        HooklineConfig config = ConfigLoader.load(file, Map.of("HOOKLINE_ADMIN_TOKEN", "t0k3n"), List.of())
                .resolvePaths(dir);
        try (Hookline server = Main.builder(config).classpathHooks(false).start()) {
            assertThat(server.config()).isEqualTo(config.server());
            assertThat(server.config().idleTimeout()).isEqualTo(Duration.ofSeconds(60));
            assertThat(server.plugins()).isNotNull();
            var sqlite = server.engine().settingsOf("sqlite");
            assertThat(sqlite.priority()).isEqualTo(42);
            assertThat(sqlite.hookTimeouts()).containsEntry("onLoadDocument", Duration.ofSeconds(30));
            assertThat(sqlite.settings().get("durability").asText()).isEqualTo("async");
            assertThat(sqlite.settings().get("file").asText()).isEqualTo(dir.resolve("data/hookline.db").toString());

            HttpClient http = HttpClient.newHttpClient();
            URI admin = URI.create("http://127.0.0.1:" + server.port() + "/admin/plugins");
            assertThat(http.send(HttpRequest.newBuilder(admin).build(), BodyHandlers.discarding()).statusCode())
                    .isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(admin).header("Authorization", "Bearer t0k3n").build(),
                    BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void flagsGivenAsPathsAreRelativeToTheWorkingDirectory() {
        Main main = new Main(Map.of(), dir);
        new CommandLine(main).parseArgs("--plugins", "p", "--data", "d", "--host", "::1", "--port", "9");
        assertThat(main_overrides(main)).containsExactly(
                "server.host=::1", "server.port=9",
                "plugins.directory=" + Path.of("p").toAbsolutePath(),
                "data.directory=" + Path.of("d").toAbsolutePath());
    }

    private static List<String> main_overrides(Main main) {
        try {
            var method = Main.class.getDeclaredMethod("overrides");
            method.setAccessible(true);
            @SuppressWarnings("unchecked")
            List<ConfigLoader.Override> overrides = (List<ConfigLoader.Override>) method.invoke(main);
            return overrides.stream().map(o -> o.key() + "=" + o.value()).toList();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
