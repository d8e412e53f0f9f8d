package dev.hookline.server;

import dev.hookline.server.config.ConfigException;
import dev.hookline.server.config.ConfigLoader;
import dev.hookline.server.config.HooklineConfig;
import dev.hookline.server.flow.CarrierHeadroom;
import dev.hookline.server.hooks.HookEngine;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The command line entry point: reads the configuration (file, {@code HOOKLINE_*} environment,
 * flags), starts the server with the plugins of a folder, prints the plugins and their hook
 * chains, and runs until SIGTERM or Ctrl-C, then stops gracefully.
 *
 * <p>Exit codes: 0 after a graceful stop, 1 when the server could not start (a hook refused, the
 * port is taken), 2 for a bad command line or a bad configuration (the message names the key).
 */
@Command(name = "hookline", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        sortOptions = false,
        description = {"Hookline: a real-time JSON document server extended by plugin jars.",
            "",
            "Settings come from the configuration file, then HOOKLINE_* environment variables "
                    + "(e.g. HOOKLINE_SERVER_PORT=8080), then these flags, the last winning. "
                    + "Reference: docs/configuration.md."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped gracefully", "1:the server could not start",
            "2:bad command line or bad configuration"})
public final class Main implements Callable<Integer> {

    static {
        // Before anything starts a virtual thread (the JDK reads this once): see CarrierHeadroom.
        CarrierHeadroom.applyDefault();
    }

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    /** The exit code of a configuration error. */
    public static final int CONFIG_ERROR = 2;

    /** The system property {@code bin/hookline} sets to the distribution's directory. */
    public static final String HOME_PROPERTY = "hookline.home";

    /** The environment variable naming the configuration file when {@code --config} is not given. */
    public static final String CONFIG_ENV = "HOOKLINE_CONFIG";

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (YAML). Default: $" + CONFIG_ENV + ", else conf/hookline.yaml in the "
                    + "Hookline home if it exists, else the built-in defaults.")
    Path configFile;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (server.host; default 0.0.0.0).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on, 0 for any free one "
            + "(server.port; default 1234).")
    Integer port;

    @Option(names = "--plugins", paramLabel = "DIR", description = "Folder of plugin jars and zips "
            + "(plugins.directory; default: plugins in the Hookline home).")
    Path plugins;

    @Option(names = "--data", paramLabel = "DIR", description = "Data folder (data.directory; default: data in the "
            + "Hookline home). The sqlite plugin's database defaults to DIR/hookline.db.")
    Path data;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Sets any configuration key by its dotted path, e.g. --set server.idleTimeout=60s "
                    + "or --set plugin.sqlite.settings.durability=async. Repeatable.")
    Map<String, String> set = new LinkedHashMap<>();

    private final Map<String, String> environment;
    private final Path home;

    /** Reads the real environment and the {@code hookline.home} system property. */
    public Main() {
        this(System.getenv(), homeFromProperty());
    }

    /**
     * For tests and embedding.
     *
     * @param environment the environment to read {@code HOOKLINE_*} variables from
     * @param home        the Hookline home (relative directories in the configuration are resolved
     *                    against it, and its {@code conf/hookline.yaml} is the default file), or
     *                    {@code null} for the working directory and no default file
     */
    public Main(Map<String, String> environment, Path home) {
        this.environment = Map.copyOf(environment);
        this.home = home;
    }

    private static Path homeFromProperty() {
        String home = System.getProperty(HOME_PROPERTY);
        return home == null || home.isBlank() ? null : Path.of(home);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        HooklineConfig config;
        Path file;
        try {
            file = configFile();
            config = ConfigLoader.load(file, environment, overrides())
                    .resolvePaths(home != null ? home : Path.of("").toAbsolutePath());
        } catch (ConfigException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("hookline: " + e.getMessage());
            err.println("hookline: see docs/configuration.md for every key; nothing was started");
            err.flush();
            return CONFIG_ERROR;
        }
        log.info("Configuration: {}", file == null ? "built-in defaults" : file);
        Hookline server;
        try {
            server = builder(config).start();
        } catch (IllegalStateException e) {
            log.error("Hookline did not start: {}", e.getMessage());
            return 1;
        }
        System.out.print(Banner.render(server.plugins().plugins(), server.plugins().problems(), server.engine().chains()));
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }, "hookline-shutdown"));
        log.info("Hookline {} is up on port {}; stop it with Ctrl-C or SIGTERM", Version.get(), server.port());
        stopped.await();
        return 0;
    }

    /** @return the file to read: --config, else $HOOKLINE_CONFIG, else the home's conf/hookline.yaml if present, else none */
    Path configFile() {
        if (configFile != null) {
            return configFile;
        }
        String fromEnv = environment.get(CONFIG_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        if (home != null) {
            Path shipped = home.resolve("conf").resolve("hookline.yaml");
            if (Files.isRegularFile(shipped)) {
                return shipped;
            }
        }
        return null;
    }

    /** The flags as configuration keys; paths given on the command line are relative to the working directory. */
    List<ConfigLoader.Override> overrides() {
        List<ConfigLoader.Override> overrides = new ArrayList<>();
        set.forEach((key, value) -> overrides.add(new ConfigLoader.Override(key, value, "--set " + key)));
        if (host != null) {
            overrides.add(new ConfigLoader.Override("server.host", host, "--host"));
        }
        if (port != null) {
            overrides.add(new ConfigLoader.Override("server.port", String.valueOf(port), "--port"));
        }
        if (plugins != null) {
            overrides.add(new ConfigLoader.Override("plugins.directory", plugins.toAbsolutePath().toString(), "--plugins"));
        }
        if (data != null) {
            overrides.add(new ConfigLoader.Override("data.directory", data.toAbsolutePath().toString(), "--data"));
        }
        return overrides;
    }

    /**
     * @return a builder with everything the configuration says: server section, hook deadlines,
     *         per-plugin sections, plugins folder and its watching, admin token and metrics, cluster membership
     */
    public static Hookline.Builder builder(HooklineConfig config) {
        return Hookline.builder()
                .config(config.server())
                .engineOptions(HookEngine.Options.DEFAULTS
                        .withDefaultTimeout(config.hookTimeout())
                        .withSettings(config.pluginSettingsById()))
                .pluginsDirectory(config.pluginsDirectory())
                .watchPlugins(config.watchPlugins())
                .adminToken(config.adminToken())
                .metricsEnabled(config.metricsEnabled())
                .cluster(config.cluster());
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Hookline " + Version.get()};
        }
    }
}
