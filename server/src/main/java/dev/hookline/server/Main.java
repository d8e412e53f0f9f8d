package dev.hookline.server;

import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.plugins.ClasspathHooks;
import dev.hookline.server.plugins.PluginHost;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line entry point. For now it starts the hook engine and the plugin host, prints
 * the plugins and their hook chains, and runs until stopped (SIGTERM or Ctrl-C), closing the
 * plugins in reverse order. The WebSocket server plugs in here next.
 */
@Command(name = "hookline", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Hookline: a real-time JSON document server extended by plugin jars.")
public final class Main implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    @Option(names = "--plugins", paramLabel = "DIR", defaultValue = "plugins",
            description = "Folder of plugin jars and zips (default: ${DEFAULT-VALUE}).")
    Path plugins;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        HookEngine engine = new HookEngine();
        engine.install(ClasspathHooks.discover(Main.class.getClassLoader()));
        PluginHost host = new PluginHost(plugins, engine);
        host.start();
        System.out.print(Banner.render(host.plugins(), host.problems(), engine.chains()));
        System.out.flush();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Stopping: closing plugins in reverse start order");
            host.close();
            engine.close();
            stopped.countDown();
        }, "hookline-shutdown"));
        log.info("Hookline {} is up with plugins from {}; stop it with Ctrl-C or SIGTERM", Version.get(), host.pluginsDir());
        stopped.await();
        return 0;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Hookline " + Version.get()};
        }
    }
}
