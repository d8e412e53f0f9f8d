package dev.hookline.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.hookline.server.Hookline;
import dev.hookline.server.config.ServerConfig;
import dev.hookline.server.hooks.PluginSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;

/**
 * How long the sqlite plugin takes to load a document from a log of N changes, against loading it
 * from its snapshot. One server writes N changes with stores held off (a debounce of an hour), so
 * everything is in the log; copies of that database (the file and its WAL, taken while no write
 * is in flight) are then opened by fresh servers, each timing the first read of the document,
 * which loads it. Stopping such a server stores a snapshot and compacts the log; servers opened on
 * that file time a load from the snapshot.
 *
 * <pre>./scripts/bench-load LoadTime --sqlite path/to/hookline-plugin-sqlite.jar --changes 10000 --runs 5</pre>
 */
public final class LoadTime {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ServerConfig NO_STORES = ServerConfig.DEFAULTS.withAddress("127.0.0.1", 0)
            .withStore(new ServerConfig.StoreTiming(Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(1),
                    Duration.ofSeconds(60)));

    public static void main(String[] args) throws Exception {
        String jar = null;
        int changes = 10_000;
        int runs = 5;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--sqlite" -> jar = args[i + 1];
                case "--changes" -> changes = Math.min(1_000_000, Math.max(1, Integer.parseInt(args[i + 1])));
                case "--runs" -> runs = Math.min(50, Math.max(1, Integer.parseInt(args[i + 1])));
                default -> throw new IllegalArgumentException("options: --sqlite JAR --changes N --runs N");
            }
        }
        if (jar == null) {
            throw new IllegalArgumentException("--sqlite JAR is required");
        }
        Path work = Files.createTempDirectory("hookline-loadtime");
        Path plugins = Files.createDirectories(work.resolve("plugins"));
        Files.copy(Path.of(jar), plugins.resolve("sqlite.jar"), StandardCopyOption.REPLACE_EXISTING);

        Path logged = work.resolve("logged.db");
        try (Hookline writer = server(plugins, logged)) {
            // A client keeps the document open: a document nobody has open is stored and unloaded
            // after every server-API write, which would leave nothing in the log.
            java.net.http.WebSocket member = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(java.net.URI.create("ws://127.0.0.1:" + writer.port() + "/ws"),
                            new java.net.http.WebSocket.Listener() { }).join();
            member.sendText("{\"type\":\"open\",\"id\":1,\"doc\":\"doc\"}", true).join();
            while (writer.documentCount() == 0) {
                Thread.sleep(10);
            }
            for (int i = 0; i < changes; i++) {
                writer.api().set("doc", "k" + (i % 100), IntNode.valueOf(i));
            }
            for (int run = 0; run < runs; run++) {
                copyDatabase(logged, work.resolve("log-" + run + ".db"));
            }
            member.abort();
        } // this stop stores logged.db; the copies taken above still hold only the log
        verifyLogOnly(work.resolve("log-0.db"), changes);

        long[] fromLog = new long[runs];
        for (int run = 0; run < runs; run++) {
            fromLog[run] = timeFirstRead(plugins, work.resolve("log-" + run + ".db"));
        }
        long[] fromSnapshot = new long[runs];
        for (int run = 0; run < runs; run++) {
            fromSnapshot[run] = timeFirstRead(plugins, logged);
        }
        System.out.printf("load from a log of %,d changes: median %.1f ms %s%n", changes, median(fromLog),
                Arrays.toString(ms(fromLog)));
        System.out.printf("load from the snapshot:          median %.1f ms %s%n", median(fromSnapshot),
                Arrays.toString(ms(fromSnapshot)));
    }

    private static Hookline server(Path plugins, Path database) {
        JsonNode settings = JSON.createObjectNode().put("file", database.toString());
        return Hookline.builder().config(NO_STORES).classpathHooks(false).pluginsDirectory(plugins)
                .pluginSettings(id -> id.equals("sqlite") ? PluginSettings.DEFAULTS.withSettings(settings) : PluginSettings.DEFAULTS)
                .start();
    }

    private static long timeFirstRead(Path plugins, Path database) {
        try (Hookline server = server(plugins, database)) {
            long started = System.nanoTime();
            JsonNode root = server.api().get("doc", "").orElseThrow();
            long elapsed = System.nanoTime() - started;
            if (root.size() != 100 && root.size() != 0) {
                throw new IllegalStateException("unexpected document: " + root.size() + " keys");
            }
            return elapsed;
        }
    }

    private static void copyDatabase(Path from, Path to) throws Exception {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        Path wal = from.resolveSibling(from.getFileName() + "-wal");
        if (Files.exists(wal)) {
            Files.copy(wal, to.resolveSibling(to.getFileName() + "-wal"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Guards the measurement: the copies must hold every change in the log and no snapshot. */
    private static void verifyLogOnly(Path database, int changes) {
        org.sqlite.SQLiteDataSource source = new org.sqlite.SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + database);
        try (var connection = source.getConnection(); var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT (SELECT count(*) FROM changes), (SELECT count(*) FROM snapshots)")) {
            rows.next();
            if (rows.getLong(1) != changes || rows.getLong(2) != 0) {
                throw new IllegalStateException("the copy holds " + rows.getLong(1) + " changes and " + rows.getLong(2)
                        + " snapshots, not a log of " + changes);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }

    private static double[] ms(long[] nanos) {
        return Arrays.stream(nanos).mapToDouble(n -> Math.round(n / 1e4) / 100.0).toArray();
    }

    private LoadTime() {
    }
}
