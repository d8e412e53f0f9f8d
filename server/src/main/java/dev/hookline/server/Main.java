package dev.hookline.server;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line entry point: starts the server with the plugins of a folder, prints the
 * plugins and their hook chains, and runs until SIGTERM or Ctrl-C, then stops gracefully.
 */
@Command(name = "hookline", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Hookline: a real-time JSON document server extended by plugin jars.")
public final class Main implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    @Option(names = "--plugins", paramLabel = "DIR", defaultValue = "plugins",
            description = "Folder of plugin jars and zips (default: ${DEFAULT-VALUE}).")
    Path plugins;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "0.0.0.0",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "1234",
            description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        Hookline server;
        try {
            server = Hookline.builder().host(host).port(port).pluginsDirectory(plugins).start();
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

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Hookline " + Version.get()};
        }
    }
}
