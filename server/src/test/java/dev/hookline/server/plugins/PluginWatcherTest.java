package dev.hookline.server.plugins;

import static dev.hookline.server.testsupport.TestPlugins.packageOf;
import static dev.hookline.server.testsupport.TestPlugins.plugin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hookline.server.Hookline;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.testsupport.Probe;
import dev.hookline.server.testsupport.WsClient;
import dev.hookline.testkit.PluginJar;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot plugins: a real server watching a real folder, real plugin jars copied in, replaced and
 * removed while real WebSocket clients stay connected.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PluginWatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path plugins;

    /** Where jars are built before they are copied in, so the watcher only sees the copy. */
    @TempDir
    Path build;

    private Hookline server;
    private PluginHost host;
    private PluginWatcher watcher;
    private HookEngine engine;
    private final List<WsClient> clients = new ArrayList<>();

    @BeforeEach
    void reset() {
        Probe.reset();
    }

    @AfterEach
    void tearDown() {
        clients.forEach(WsClient::close);
        if (server != null) {
            server.stop();
        }
        if (watcher != null) {
            watcher.close();
        }
        if (host != null) {
            host.close();
        }
        if (engine != null) {
            engine.close();
        }
        Probe.reset();
    }

    private Hookline startServer() {
        server = Hookline.builder().host("127.0.0.1").port(0).classpathHooks(false).pluginsDirectory(plugins).start();
        return server;
    }

    private WsClient client() {
        WsClient client = WsClient.connectWelcomed(server.port());
        clients.add(client);
        return client;
    }

    /** A plugin whose onUpdate prefixes text values with {@code prefix}, and whose start/stop are recorded. */
    private static PluginJar.Builder prefixer(String id, String version, String prefix) {
        String pkg = packageOf(id);
        return plugin(id, 100, """
                    @Override
                    public Update onUpdate(Update update, HookContext context) {
                        return update.withValue(TextNode.valueOf("%s" + update.value().asText()));
                    }
                """.formatted(prefix)).version(version)
                .source(pkg + ".Lifecycle", """
                        package %s;
                        public class Lifecycle extends org.pf4j.Plugin {
                            @Override public void start() { dev.hookline.server.testsupport.Probe.event("start %s %s"); }
                            @Override public void stop() { dev.hookline.server.testsupport.Probe.event("stop %s %s"); }
                        }
                        """.formatted(pkg, id, version, id, version))
                .pluginClass(pkg + ".Lifecycle");
    }

    /** Writes through the client and returns what the document holds afterwards. */
    private String write(WsClient client, String doc, String path, String value) {
        WsClient.ok(client.set(doc, path, TextNode.valueOf(value)));
        return server.api().get(doc, path).map(JsonNode::asText).orElse(null);
    }

    private List<String> versionsOf(String id) {
        return host().plugins().stream().filter(p -> p.id().equals(id)).map(LoadedPlugin::version).toList();
    }

    private PluginHost host() {
        return server != null ? server.plugins() : host;
    }

    private static void copyInto(Path jar, Path dir) throws Exception {
        Files.copy(jar, dir.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    private static long count(List<String> events, String event) {
        return events.stream().filter(event::equals).count();
    }

    // ---- add, replace, remove ----------------------------------------------------------------

    @Test
    void aJarDroppedInTakesEffectForTheNextWriteOfAConnectedClient() throws Exception {
        startServer();
        WsClient ann = client();
        ann.openOk("board");
        assertThat(write(ann, "board", "before", "hello")).isEqualTo("hello");

        copyInto(prefixer("shouter", "1.0.0", "v1:").writeTo(build), plugins);

        await().atMost(WAIT).until(() -> versionsOf("shouter").equals(List.of("1.0.0")));
        assertThat(write(ann, "board", "after", "hello")).isEqualTo("v1:hello");
        assertThat(ann.isClosed()).as("the connection was not disturbed").isFalse();
        assertThat(host().plugins()).singleElement()
                .satisfies(p -> assertThat(p.path()).isEqualTo(plugins.resolve("shouter-1.0.0.jar").toAbsolutePath()));
        assertThat(host().problems()).isEmpty();
    }

    @Test
    void aNewVersionUnderANewNameReplacesTheOldOneWhichStopsAfterThenRemovingItUnloads() throws Exception {
        copyInto(prefixer("greeter", "1.0.0", "v1:").writeTo(build), plugins);
        startServer();
        WsClient ann = client();
        ann.openOk("board");
        assertThat(write(ann, "board", "a", "x")).isEqualTo("v1:x");
        Path v2 = prefixer("greeter", "2.0.0", "v2:").writeTo(build);

        // greeter-1.0.0.jar removed, greeter-2.0.0.jar added: one reload, not an unload and a load.
        Files.delete(plugins.resolve("greeter-1.0.0.jar"));
        copyInto(v2, plugins);

        await().atMost(WAIT).until(() -> versionsOf("greeter").equals(List.of("2.0.0")));
        assertThat(write(ann, "board", "b", "x")).isEqualTo("v2:x");
        assertThat(Probe.events()).containsExactly("start greeter 1.0.0", "start greeter 2.0.0", "stop greeter 1.0.0");
        assertThat(host().plugins()).singleElement()
                .satisfies(p -> assertThat(p.path().getFileName()).hasToString("greeter-2.0.0.jar"));

        Files.delete(plugins.resolve("greeter-2.0.0.jar"));

        await().atMost(WAIT).until(() -> host().plugins().isEmpty());
        assertThat(write(ann, "board", "c", "x")).isEqualTo("x");
        assertThat(Probe.events()).endsWith("stop greeter 2.0.0");
        assertThat(ann.isClosed()).isFalse();
        assertThat(host().problems()).isEmpty();
    }

    @Test
    void aBrokenJarIsReportedAndIgnoredWhileTheRestKeepsServing() throws Exception {
        copyInto(prefixer("good", "1.0.0", "good:").writeTo(build), plugins);
        startServer();
        WsClient ann = client();
        ann.openOk("board");

        PluginJar.corrupt(plugins, "broken.jar");
        plugin("anonymous", 100, "").withoutPluginId().writeTo(build);
        copyInto(build.resolve("anonymous-1.0.0.jar"), plugins);

        await().atMost(WAIT).until(() -> host().problems().size() == 2);
        assertThat(host().problems()).extracting(p -> p.path().getFileName().toString())
                .containsExactlyInAnyOrder("broken.jar", "anonymous-1.0.0.jar");
        assertThat(host().problems()).allSatisfy(p -> assertThat(p.reason()).isNotBlank());
        assertThat(host().plugins()).extracting(LoadedPlugin::id).containsExactly("good");
        assertThat(write(ann, "board", "a", "x")).isEqualTo("good:x");
        assertThat(ann.isClosed()).isFalse();

        // Reported once, not on every rescan; forgotten when the file goes.
        Files.delete(plugins.resolve("broken.jar"));
        await().atMost(WAIT).until(() -> host().problems().size() == 1);
        assertThat(host().problems()).singleElement()
                .satisfies(p -> assertThat(p.path().getFileName()).hasToString("anonymous-1.0.0.jar"));
    }

    @Test
    void aJarWrittenSlowlyInChunksIsLoadedOnceAndComplete() throws Exception {
        startServer();
        WsClient ann = client();
        ann.openOk("board");
        byte[] bytes = Files.readAllBytes(prefixer("slow", "1.0.0", "slow:").writeTo(build));
        Path target = plugins.resolve("slow-1.0.0.jar");

        try (OutputStream out = Files.newOutputStream(target)) {
            out.write(Arrays.copyOfRange(bytes, 0, bytes.length / 2));
            out.flush();
            Thread.sleep(1200); // longer than the settle time: half a jar is not a zip yet
            assertThat(host().plugins()).as("half a jar is not loaded").isEmpty();
            assertThat(host().problems()).as("nor reported as broken").isEmpty();
            out.write(Arrays.copyOfRange(bytes, bytes.length / 2, bytes.length));
        }

        await().atMost(WAIT).until(() -> versionsOf("slow").equals(List.of("1.0.0")));
        assertThat(write(ann, "board", "a", "x")).isEqualTo("slow:x");
        Thread.sleep(1500); // any late duplicate load would show up by now
        assertThat(Probe.events()).containsExactly("start slow 1.0.0");
        assertThat(host().problems()).isEmpty();
    }

    @Test
    void overwritingTheLoadedJarInPlaceReloadsItWhileAChainInFlightFinishesOnTheOldVersion() throws Exception {
        String pkg = packageOf("inplace");
        Path jar = plugin("inplace", 100, """
                    @Override
                    public Update onUpdate(Update update, HookContext context) throws Exception {
                        if (update.path().equals("block")) {
                            Probe.latch("v1 entered").countDown();
                            Probe.latch("release v1").await();
                            // A class of the old jar never loaded before: its class loader must
                            // still read the old bytes, although the file now holds version 2.
                            return update.withValue(Later.mark());
                        }
                        return update.withValue(TextNode.valueOf("v1:" + update.value().asText()));
                    }
                """).version("1.0.0")
                .source(pkg + ".Later", """
                        package %s;
                        public class Later {
                            public static com.fasterxml.jackson.databind.JsonNode mark() {
                                return com.fasterxml.jackson.databind.node.TextNode.valueOf("v1 (in flight)");
                            }
                        }
                        """.formatted(pkg))
                .writeTo(plugins);
        byte[] v2 = Files.readAllBytes(prefixer("inplace", "2.0.0", "v2:").writeTo(build));
        startServer();
        WsClient ann = client();
        WsClient bob = client();
        ann.openOk("slow");
        bob.openOk("board");
        assertThat(write(bob, "board", "a", "x")).isEqualTo("v1:x");

        CompletableFuture<JsonNode> inFlight = CompletableFuture.supplyAsync(
                () -> ann.set("slow", "block", TextNode.valueOf("x")));
        assertThat(Probe.latch("v1 entered").await(10, TimeUnit.SECONDS)).isTrue();

        // Same file name, same inode: the bytes of the loaded jar are rewritten in place.
        Files.write(jar, v2);

        await().atMost(WAIT).until(() -> versionsOf("inplace").equals(List.of("2.0.0")));
        assertThat(write(bob, "board", "b", "x")).isEqualTo("v2:x");
        assertThat(inFlight).isNotDone();

        Probe.latch("release v1").countDown();
        WsClient.ok(inFlight.get(10, TimeUnit.SECONDS));
        assertThat(server.api().get("slow", "block")).contains(TextNode.valueOf("v1 (in flight)"));
        assertThat(ann.isClosed()).isFalse();
        assertThat(bob.isClosed()).isFalse();
        assertThat(host().problems()).isEmpty();
    }

    @Test
    void touchingAJarWithoutChangingItsBytesChangesNothing() throws Exception {
        copyInto(prefixer("steady", "1.0.0", "s:").writeTo(build), plugins);
        startServer();
        Path jar = plugins.resolve("steady-1.0.0.jar");

        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        Thread.sleep(2000);

        assertThat(Probe.events()).containsExactly("start steady 1.0.0");
    }

    // ---- clashes and zips --------------------------------------------------------------------

    @Test
    void aSecondFileWithALoadedIdIsReportedAndTakesOverWhenTheFirstIsRemoved() throws Exception {
        copyInto(prefixer("twin", "1.0.0", "first:").writeTo(build), plugins);
        startServer();
        WsClient ann = client();
        ann.openOk("board");
        Path other = prefixer("twin", "2.0.0", "second:").writeTo(build);
        Files.copy(other, plugins.resolve("twin-copy.jar"));

        await().atMost(WAIT).until(() -> !host().problems().isEmpty());
        assertThat(host().problems()).singleElement().satisfies(p -> {
            assertThat(p.path().getFileName()).hasToString("twin-copy.jar");
            assertThat(p.reason()).contains("already loaded from twin-1.0.0.jar");
        });
        assertThat(write(ann, "board", "a", "x")).isEqualTo("first:x");

        Files.delete(plugins.resolve("twin-1.0.0.jar"));

        await().atMost(WAIT).until(() -> versionsOf("twin").equals(List.of("2.0.0")));
        assertThat(write(ann, "board", "b", "x")).isEqualTo("second:x");
        assertThat(host().problems()).isEmpty();
    }

    @Test
    void zipPluginsAreStagedAndHotLoadedReloadedAndUnloadedToo() throws Exception {
        startServer();
        WsClient ann = client();
        ann.openOk("board");

        Path v1 = prefixer("zipped", "1.0.0", "z1:").writeZipTo(build.resolve("v1"));
        Path v2 = prefixer("zipped", "2.0.0", "z2:").writeZipTo(build.resolve("v2"));
        Path inPlace = plugins.resolve("zipped.zip");
        Files.copy(v1, inPlace);
        await().atMost(WAIT).until(() -> versionsOf("zipped").equals(List.of("1.0.0")));
        assertThat(write(ann, "board", "a", "x")).isEqualTo("z1:x");

        Files.copy(v2, inPlace, StandardCopyOption.REPLACE_EXISTING);
        await().atMost(WAIT).until(() -> versionsOf("zipped").equals(List.of("2.0.0")));
        assertThat(write(ann, "board", "b", "x")).isEqualTo("z2:x");

        Files.delete(inPlace);
        await().atMost(WAIT).until(() -> host().plugins().isEmpty());
        assertThat(write(ann, "board", "c", "x")).isEqualTo("x");
        try (Stream<Path> left = Files.list(plugins)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("nothing expanded next to the zip; only the hidden staging folder")
                    .allMatch(name -> name.startsWith("."));
        }
    }

    // ---- staging -----------------------------------------------------------------------------

    @Test
    void stagedCopiesAreDeletedOnceTheirClassLoaderClosesAndTheStagingFolderAtClose() throws Exception {
        engine = new HookEngine(HookEngine.Options.DEFAULTS);
        host = new PluginHost(plugins, engine, Duration.ofMillis(200));
        host.start();
        watcher = PluginWatcher.start(host, Duration.ofMillis(200), Duration.ofSeconds(1));
        Path staging = plugins.resolve(PluginStaging.FOLDER);

        copyInto(prefixer("tidy", "1.0.0", "t:").writeTo(build), plugins);
        await().atMost(WAIT).until(() -> versionsOf("tidy").equals(List.of("1.0.0")));
        assertThat(stagedFiles(staging)).singleElement().satisfies(p -> assertThat(p.getFileName().toString())
                .endsWith("tidy-1.0.0.jar"));

        Files.delete(plugins.resolve("tidy-1.0.0.jar"));
        await().atMost(WAIT).until(() -> host.plugins().isEmpty());
        await().atMost(WAIT).until(() -> stagedFiles(staging).isEmpty());

        watcher.close();
        host.close();
        assertThat(staging).doesNotExist();
    }

    @Test
    void theInitialLoadUsesStagedCopiesToo() throws Exception {
        copyInto(prefixer("boot", "1.0.0", "b:").writeTo(build), plugins);
        engine = new HookEngine(HookEngine.Options.DEFAULTS);
        host = new PluginHost(plugins, engine, Duration.ofMillis(200));
        host.start();

        assertThat(host.plugins()).singleElement()
                .satisfies(p -> assertThat(p.path()).isEqualTo(plugins.resolve("boot-1.0.0.jar").toAbsolutePath()));
        assertThat(stagedFiles(plugins.resolve(PluginStaging.FOLDER))).singleElement()
                .satisfies(p -> assertThat(p.getFileName().toString()).endsWith("boot-1.0.0.jar"));
        // The operator's file can go: the plugin runs from its copy.
        Files.delete(plugins.resolve("boot-1.0.0.jar"));
        assertThat(host.plugins()).hasSize(1);
    }

    @Test
    void copiesLeftByAServerThatIsGoneAreRemovedButNotThoseOfARunningHost() throws Exception {
        Path staging = plugins.resolve(PluginStaging.FOLDER);
        Path dead = Files.createDirectories(staging.resolve("12345-dead"));
        Files.createFile(dead.resolve(".lock")); // nobody holds its lock
        Files.writeString(dead.resolve("0001-old-1.0.0.jar"), "left behind by kill -9");
        copyInto(prefixer("first", "1.0.0", "1:").writeTo(build), plugins);
        engine = new HookEngine(HookEngine.Options.DEFAULTS);
        host = new PluginHost(plugins, engine, Duration.ofMillis(200));
        host.start();
        assertThat(dead).doesNotExist();

        // A second host on the same folder (same process) keeps the first one's copies.
        try (HookEngine otherEngine = new HookEngine(HookEngine.Options.DEFAULTS);
             PluginHost second = new PluginHost(plugins, otherEngine)) {
            second.start();
            assertThat(stagedFiles(staging)).hasSize(2);
            assertThat(host.plugins()).hasSize(1);
        }
        assertThat(stagedFiles(staging)).hasSize(1);
    }

    @Test
    void withWatchingOffAJarDroppedInIsNotLoaded() throws Exception {
        server = Hookline.builder().host("127.0.0.1").port(0).classpathHooks(false).pluginsDirectory(plugins)
                .watchPlugins(false).start();
        copyInto(prefixer("ignored", "1.0.0", "i:").writeTo(build), plugins);
        Thread.sleep(1500);
        assertThat(server.plugins().plugins()).isEmpty();
    }

    private static List<Path> stagedFiles(Path staging) throws Exception {
        if (!Files.exists(staging)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(staging)) {
            return files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals(".lock")).toList();
        } catch (java.io.UncheckedIOException e) {
            // The host deleted a staged copy while the walk listed it: look again.
            if (e.getCause() instanceof java.nio.file.NoSuchFileException) {
                return stagedFiles(staging);
            }
            throw e;
        }
    }
}
