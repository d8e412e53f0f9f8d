package dev.hookline.server.plugins;

import static dev.hookline.server.testsupport.TestPlugins.appendMark;
import static dev.hookline.server.testsupport.TestPlugins.hooksClass;
import static dev.hookline.server.testsupport.TestPlugins.packageOf;
import static dev.hookline.server.testsupport.TestPlugins.plugin;
import static dev.hookline.server.testsupport.TestPlugins.recordEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;
import dev.hookline.api.Reject;
import dev.hookline.api.payload.Update;
import dev.hookline.server.hooks.CallContext;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.hooks.HookStats;
import dev.hookline.server.hooks.Hooks;
import dev.hookline.server.hooks.PluginSettings;
import dev.hookline.server.testsupport.Probe;
import dev.hookline.testkit.PluginJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every rule of the hook engine, proven with real plugin jars built during the test and loaded
 * by the real PF4J host.
 */
class PluginRulesTest {

    @TempDir
    Path plugins;

    private final Map<String, PluginSettings> settings = new ConcurrentHashMap<>();
    private HookEngine engine;
    private PluginHost host;
    private CallContext context;
    private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void setUp() {
        Probe.reset();
        engine = new HookEngine(HookEngine.Options.DEFAULTS
                .withSettings(id -> settings.getOrDefault(id, PluginSettings.DEFAULTS)));
        context = engine.newContext(null, null);
    }

    @AfterEach
    void tearDown() {
        Probe.reset();
        if (host != null) {
            host.close();
        }
        context.close();
        engine.close();
        virtualThreads.shutdownNow();
    }

    private PluginHost startHost() {
        host = new PluginHost(plugins, engine, Duration.ofSeconds(5));
        host.start();
        return host;
    }

    private static Update update() {
        return new Update("doc", Operation.SET, "players/1", JsonNodeFactory.instance.arrayNode(), null, Origin.SERVER);
    }

    private Update runUpdate() {
        return engine.run(Hooks.ON_UPDATE, update(), context);
    }

    private static List<String> marks(Update update) {
        return ((ArrayNode) update.value()).valueStream().map(node -> node.asText()).toList();
    }

    // ---- ordering ----------------------------------------------------------------------------

    @Test
    void hooksRunByPriorityHighestFirstAcrossThreePlugins() {
        plugin("low", 50, appendMark("low")).writeTo(plugins);
        plugin("high", 200, appendMark("high")).writeTo(plugins);
        plugin("middle", 100, appendMark("middle")).writeTo(plugins);
        startHost();

        assertThat(marks(runUpdate())).containsExactly("high", "middle", "low");
    }

    @Test
    void configuredPriorityOverridesTheDeclaredOne() {
        plugin("low", 50, appendMark("low")).writeTo(plugins);
        plugin("high", 200, appendMark("high")).writeTo(plugins);
        settings.put("low", PluginSettings.DEFAULTS.withPriority(500));
        startHost();

        assertThat(marks(runUpdate())).containsExactly("low", "high");
    }

    @Test
    void tiesAreBrokenByPluginIdThenClassNameTheSameWayEveryTime() {
        plugin("zeta", 100, appendMark("zeta")).writeTo(plugins);
        plugin("alpha", 100, appendMark("alpha")).writeTo(plugins);
        String pkg = packageOf("mid");
        plugin("mid")
                .source(pkg + ".B", hooksClass("mid", "B", 100, appendMark("mid.B")))
                .source(pkg + ".A", hooksClass("mid", "A", 100, appendMark("mid.A")))
                .hooks(pkg + ".B", pkg + ".A")
                .writeTo(plugins);
        startHost();
        List<String> expected = List.of("alpha", "mid.A", "mid.B", "zeta");
        assertThat(marks(runUpdate())).isEqualTo(expected);

        // Rebuilt from scratch (new host, new class loaders, new chains): the same order.
        for (int round = 0; round < 3; round++) {
            host.close();
            startHost();
            assertThat(marks(runUpdate())).isEqualTo(expected);
        }
    }

    // ---- rewrite, reject, stop ---------------------------------------------------------------

    @Test
    void aRewriteIsSeenByTheNextHookAndByTheCaller() {
        plugin("first", 200, """
                    @Override
                    public Update onUpdate(Update update, HookContext context) {
                        return update.withPath("rewritten/path");
                    }
                """).writeTo(plugins);
        plugin("second", 100, """
                    @Override
                    public Update onUpdate(Update update, HookContext context) {
                        ArrayNode marks = ((ArrayNode) update.value()).deepCopy();
                        marks.add("second saw " + update.path());
                        return update.withValue(marks);
                    }
                """).writeTo(plugins);
        startHost();

        Update result = runUpdate();
        assertThat(result.path()).isEqualTo("rewritten/path");
        assertThat(marks(result)).containsExactly("second saw rewritten/path");
    }

    @Test
    void aPayloadNobodyRewritesComesBackAsTheSameInstance() {
        plugin("quiet", 100, recordEvent("quiet ran")).writeTo(plugins);
        startHost();

        Update original = update();
        assertThat(engine.run(Hooks.ON_UPDATE, original, context)).isSameAs(original);
        assertThat(Probe.events()).containsExactly("quiet ran");
    }

    @Test
    void aRejectStopsTheChainAndReachesTheCallerWithItsCodeAndReason() {
        plugin("guard", 200, """
                    @Override
                    public Update onUpdate(Update update, HookContext context) {
                        throw Reject.forbidden("players are read-only");
                    }
                """).writeTo(plugins);
        plugin("later", 100, recordEvent("later ran")).writeTo(plugins);
        startHost();

        assertThatThrownBy(this::runUpdate)
                .isInstanceOfSatisfying(Reject.class, reject -> {
                    assertThat(reject.code()).isEqualTo(4403);
                    assertThat(reject.reason()).isEqualTo("players are read-only");
                });
        assertThat(Probe.events()).isEmpty();
        assertThat(statsOf("guard").rejects()).isEqualTo(1);
    }

    @Test
    void aStopEndsTheChainSuccessfullyWithThePayloadSoFar() {
        plugin("rewriter", 300, appendMark("rewriter")).writeTo(plugins);
        plugin("stopper", 200, """
                    @Override
                    public Update onUpdate(Update update, HookContext context) {
                        throw new Stop();
                    }
                """).writeTo(plugins);
        plugin("skipped", 100, appendMark("skipped")).writeTo(plugins);
        startHost();

        assertThat(marks(runUpdate())).containsExactly("rewriter");
        assertThat(statsOf("stopper").stops()).isEqualTo(1);
        assertThat(statsOf("skipped").calls()).isZero();
    }

    @Test
    void stopWithAPayloadRewritesAndEndsTheChain() {
        plugin("stopper", 200, """
                    @Override
                    public Update onUpdate(Update update, HookContext context) {
                        throw Stop.with(update.withPath("stopped/here"));
                    }
                """).writeTo(plugins);
        plugin("skipped", 100, appendMark("skipped")).writeTo(plugins);
        startHost();

        Update result = runUpdate();
        assertThat(result.path()).isEqualTo("stopped/here");
        assertThat(marks(result)).isEmpty();
    }

    // ---- hostile hooks -----------------------------------------------------------------------

    @Test
    void aThrowingHookNeverEscapesTheEngine() {
        plugin("thrower", 200, """
                    @Override
                    public Update onUpdate(Update update, HookContext context) {
                        if (update.path().equals("overflow")) {
                            return onUpdate(update, context); // StackOverflowError
                        }
                        if (update.path().equals("linkage")) {
                            throw new NoClassDefFoundError("some/Missing");
                        }
                        throw new IllegalStateException("boom: secret detail");
                    }
                """).writeTo(plugins);
        plugin("later", 100, recordEvent("later ran")).writeTo(plugins);
        startHost();

        for (String path : List.of("players/1", "overflow", "linkage")) {
            assertThatThrownBy(() -> engine.run(Hooks.ON_UPDATE, update().withPath(path), context))
                    .isInstanceOfSatisfying(Reject.class, reject -> {
                        assertThat(reject.code()).isEqualTo(Reject.INTERNAL_ERROR);
                        assertThat(reject.reason()).isEqualTo("internal error").doesNotContain("secret");
                    });
        }
        assertThat(Probe.events()).isEmpty();
        assertThat(statsOf("thrower").errors()).isEqualTo(3);

        // The context and the engine keep working.
        host.unload("thrower");
        runUpdate();
        assertThat(Probe.events()).containsExactly("later ran");
    }

    @Test
    void aHangingHookTimesOutAndTheChainFailsClosed() {
        plugin("sleeper", 200, """
                    @Override
                    public Update onUpdate(Update update, HookContext context) throws Exception {
                        Thread.sleep(60_000);
                        return update.withPath("too/late");
                    }
                """).writeTo(plugins);
        plugin("later", 100, recordEvent("later ran")).writeTo(plugins);
        settings.put("sleeper", PluginSettings.DEFAULTS.withHookTimeout("onUpdate", Duration.ofMillis(300)));
        startHost();

        long started = System.nanoTime();
        assertThatThrownBy(this::runUpdate)
                .isInstanceOfSatisfying(Reject.class, reject -> {
                    assertThat(reject.code()).isEqualTo(Reject.HOOK_TIMEOUT);
                    assertThat(reject.reason()).contains("onUpdate");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        assertThat(Probe.events()).isEmpty();
        assertThat(statsOf("sleeper").timeouts()).isEqualTo(1);
        assertThat(Thread.currentThread().isInterrupted()).as("the interrupt meant for the hook stays with it").isFalse();
    }

    @Test
    void aHookThatIgnoresInterruptsAndReturnsLateStillFailsClosed() {
        plugin("stubborn", 100, """
                    @Override
                    public Update onUpdate(Update update, HookContext context) {
                        long until = System.nanoTime() + 1_500_000_000L;
                        while (System.nanoTime() < until) {
                            try {
                                Thread.sleep(50);
                            } catch (InterruptedException ignored) {
                                // a badly written hook: swallows the interrupt and carries on
                            }
                        }
                        return update.withPath("late/result");
                    }
                """).writeTo(plugins);
        settings.put("stubborn", PluginSettings.DEFAULTS.withTimeout(Duration.ofMillis(200)));
        startHost();

        assertThatThrownBy(this::runUpdate)
                .isInstanceOfSatisfying(Reject.class, reject -> assertThat(reject.code()).isEqualTo(4504));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();

        // The next call on the same context starts clean (and times out again, on its own merits).
        assertThatThrownBy(this::runUpdate).isInstanceOf(Reject.class);
        assertThat(statsOf("stubborn").timeouts()).isEqualTo(2);
    }

    // ---- broken and unusual jars ---------------------------------------------------------------

    @Test
    void brokenJarsAreReportedWithTheirReasonAndSkippedWhileTheOthersWork() throws Exception {
        PluginJar.corrupt(plugins, "garbage.jar");
        plugin("anonymous", 100, appendMark("anonymous")).withoutPluginId().writeTo(plugins);
        plugin("missing-class", 100, appendMark("x")).hooks("nowhere.Missing").writeTo(plugins);
        plugin("not-a-hook")
                .source("plugin_not_a_hook.Thing", "package plugin_not_a_hook; public class Thing {}")
                .hooks("plugin_not_a_hook.Thing").writeTo(plugins);
        plugin("exploding-constructor")
                .source("plugin_boom.Hooks", """
                        package plugin_boom;
                        public class Hooks implements dev.hookline.api.ServerHooks {
                            public Hooks() { throw new IllegalStateException("cannot start"); }
                        }
                        """)
                .hooks("plugin_boom.Hooks").writeTo(plugins);
        plugin("failing-start")
                .source("plugin_failing.Lifecycle", """
                        package plugin_failing;
                        public class Lifecycle extends org.pf4j.Plugin {
                            @Override public void start() { throw new IllegalStateException("no database"); }
                        }
                        """)
                .pluginClass("plugin_failing.Lifecycle").writeTo(plugins);
        plugin("orphan", 100, appendMark("orphan")).dependencies("not-here").writeTo(plugins);
        plugin("good", 100, appendMark("good")).writeTo(plugins);

        List<PluginProblem> problems = startHost().problems();

        assertThat(host.plugins()).extracting(LoadedPlugin::id).containsExactly("good");
        assertThat(marks(runUpdate())).containsExactly("good");
        assertThat(problems).hasSize(7);
        assertThat(reasonFor(problems, "garbage.jar")).isNotBlank();
        assertThat(reasonFor(problems, "anonymous-1.0.0.jar")).containsIgnoringCase("id");
        assertThat(reasonFor(problems, "missing-class-1.0.0.jar")).contains("nowhere.Missing");
        assertThat(reasonFor(problems, "not-a-hook-1.0.0.jar")).contains("does not implement dev.hookline.api.ServerHooks");
        assertThat(reasonFor(problems, "exploding-constructor-1.0.0.jar")).contains("cannot start");
        assertThat(reasonFor(problems, "failing-start-1.0.0.jar")).contains("no database");
        assertThat(reasonFor(problems, "orphan-1.0.0.jar")).contains("not-here");
    }

    private static String reasonFor(List<PluginProblem> problems, String fileName) {
        return problems.stream().filter(p -> p.path().getFileName().toString().equals(fileName))
                .map(PluginProblem::reason).findFirst()
                .orElseThrow(() -> new AssertionError("no problem reported for " + fileName + " in " + problems));
    }

    @Test
    void aJarThatBundlesItsOwnCopyOfTheApiStillWorks() throws Exception {
        Path jar = plugin("careless", 100, appendMark("careless")).bundleApi().writeTo(plugins);
        try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
            assertThat(zip.getEntry("dev/hookline/api/ServerHooks.class")).as("the jar really bundles the API").isNotNull();
        }
        startHost();

        assertThat(host.problems()).isEmpty();
        assertThat(marks(runUpdate())).containsExactly("careless");
    }

    @Test
    void aZipPluginWithClassesAndLibLoads() {
        plugin("zipped", 100, appendMark("zipped")).writeZipTo(plugins);
        startHost();

        assertThat(host.plugins()).extracting(LoadedPlugin::id).containsExactly("zipped");
        assertThat(marks(runUpdate())).containsExactly("zipped");
    }

    @Test
    void aPluginDisabledByConfigurationContributesNothing() {
        plugin("off", 100, appendMark("off")).writeTo(plugins);
        plugin("on", 100, appendMark("on")).writeTo(plugins);
        settings.put("off", PluginSettings.DEFAULTS.withEnabled(false));
        startHost();

        assertThat(marks(runUpdate())).containsExactly("on");
        assertThat(host.plugins()).filteredOn(LoadedPlugin::enabled).extracting(LoadedPlugin::id).containsExactly("on");
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    @Test
    void pluginsStartInDependencyOrderAndStopOneByOneInReverse() {
        for (String[] spec : new String[][] {{"c", "b"}, {"a", null}, {"b", "a"}}) {
            String id = spec[0];
            PluginJar.Builder builder = plugin(id, 100, appendMark(id))
                    .source(packageOf(id) + ".Lifecycle", """
                            package %s;
                            public class Lifecycle extends org.pf4j.Plugin {
                                @Override public void start() { dev.hookline.server.testsupport.Probe.event("start %s"); }
                                @Override public void stop() { dev.hookline.server.testsupport.Probe.event("stop %s"); }
                            }
                            """.formatted(packageOf(id), id, id))
                    .pluginClass(packageOf(id) + ".Lifecycle");
            if (spec[1] != null) {
                builder.dependencies(spec[1]);
            }
            builder.writeTo(plugins);
        }
        startHost();
        assertThat(Probe.events()).containsExactly("start a", "start b", "start c");

        host.close();
        assertThat(Probe.events()).containsExactly("start a", "start b", "start c", "stop c", "stop b", "stop a");
        assertThat(marks(runUpdate())).as("no hooks after close").isEmpty();
    }

    @Test
    void unloadRemovesAPluginsHooks() {
        plugin("keeper", 100, appendMark("keeper")).writeTo(plugins);
        plugin("leaver", 200, appendMark("leaver")).writeTo(plugins);
        startHost();
        assertThat(marks(runUpdate())).containsExactly("leaver", "keeper");

        assertThat(host.unload("leaver")).isTrue();

        assertThat(marks(runUpdate())).containsExactly("keeper");
        assertThat(host.plugins()).extracting(LoadedPlugin::id).containsExactly("keeper");
        assertThat(host.unload("leaver")).isFalse();
    }

    @Test
    void aPluginCanBeLoadedWhileRunning() {
        startHost();
        assertThat(marks(runUpdate())).isEmpty();

        Path jar = plugin("late", 100, appendMark("late")).writeTo(plugins);
        LoadedPlugin loaded = host.load(jar);

        assertThat(loaded.id()).isEqualTo("late");
        assertThat(marks(runUpdate())).containsExactly("late");
    }

    @Test
    void reloadSwapsToTheNewVersionWhileAChainAlreadyRunningFinishesOnTheOldOne() throws Exception {
        Path jar = plugin("versioned", 100, """
                    @Override
                    public Update onUpdate(Update update, HookContext context) throws Exception {
                        if (update.path().equals("block")) {
                            Probe.latch("v1 entered").countDown();
                            Probe.latch("release v1").await();
                            // Touch a class of the old jar that was never loaded before: the old
                            // class loader must still be open while this chain finishes.
                            return update.withValue(Later.mark());
                        }
                        ArrayNode marks = ((ArrayNode) update.value()).deepCopy();
                        marks.add("v1");
                        return update.withValue(marks);
                    }
                """).version("1.0.0")
                .source(packageOf("versioned") + ".Later", """
                        package %s;
                        public class Later {
                            public static com.fasterxml.jackson.databind.JsonNode mark() {
                                return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add("v1 (in flight)");
                            }
                        }
                        """.formatted(packageOf("versioned")))
                .writeTo(plugins);
        startHost();
        assertThat(marks(runUpdate())).containsExactly("v1");

        CompletableFuture<Update> inFlight = CompletableFuture.supplyAsync(() -> {
            try (CallContext own = engine.newContext(null, null)) {
                return engine.run(Hooks.ON_UPDATE, update().withPath("block"), own);
            }
        }, virtualThreads);
        assertThat(Probe.latch("v1 entered").await(10, TimeUnit.SECONDS)).isTrue();

        // Replace the jar in place with version 2 and reload it.
        Files.delete(jar);
        Path v2 = plugin("versioned", 100, appendMark("v2")).version("2.0.0").writeTo(plugins);
        LoadedPlugin reloaded = host.reload("versioned", v2);

        assertThat(reloaded.version()).isEqualTo("2.0.0");
        assertThat(marks(runUpdate())).containsExactly("v2");
        assertThat(inFlight).isNotDone();

        Probe.latch("release v1").countDown();
        assertThat(marks(inFlight.get(10, TimeUnit.SECONDS))).containsExactly("v1 (in flight)");
    }

    @Test
    void theOldVersionStopsOnlyAfterTheNewOneIsServing() {
        Path v1 = lifecyclePlugin("swapped", "1.0.0").writeTo(plugins);
        startHost();
        Path next = plugins.resolveSibling(plugins.getFileName() + "-next");
        Path v2 = lifecyclePlugin("swapped", "2.0.0").writeTo(next);

        host.reload("swapped", v2);

        // PF4J stops a plugin before it can load its replacement; the host holds that stop back,
        // so the old version is never stopped while its hooks can still be called.
        assertThat(Probe.events()).containsExactly("start 1.0.0", "start 2.0.0", "stop 1.0.0");
        assertThat(marks(runUpdate())).containsExactly("swapped 2.0.0");
        assertThat(v1).exists();
    }

    private static PluginJar.Builder lifecyclePlugin(String id, String version) {
        String pkg = packageOf(id);
        return plugin(id, 100, appendMark(id + " " + version)).version(version)
                .source(pkg + ".Lifecycle", """
                        package %s;
                        public class Lifecycle extends org.pf4j.Plugin {
                            @Override public void start() { dev.hookline.server.testsupport.Probe.event("start %s"); }
                            @Override public void stop() { dev.hookline.server.testsupport.Probe.event("stop %s"); }
                        }
                        """.formatted(pkg, version, version))
                .pluginClass(pkg + ".Lifecycle");
    }

    @Test
    void aPluginThatNeedsANewerServerIsSkippedNamingBothVersions() {
        plugin("futuristic", 100, appendMark("futuristic")).requires(">=99.0.0").writeTo(plugins);
        plugin("current", 100, appendMark("current")).requires(">=0.1.0").writeTo(plugins);

        List<PluginProblem> problems = startHost().problems();

        assertThat(reasonFor(problems, "futuristic-1.0.0.jar")).contains(">=99.0.0").contains("this server is");
        assertThat(marks(runUpdate())).containsExactly("current");
    }

    @Test
    void aReloadWithABrokenJarKeepsTheRunningVersion() throws Exception {
        plugin("stable", 100, appendMark("stable v1")).writeTo(plugins);
        startHost();
        Path broken = PluginJar.corrupt(plugins.resolveSibling(plugins.getFileName() + "-next"), "stable-2.0.0.jar");

        assertThatThrownBy(() -> host.reload("stable", broken)).isInstanceOf(PluginLoadException.class)
                .hasMessageContaining("running version stays");

        assertThat(marks(runUpdate())).containsExactly("stable v1");
    }

    // ---- context and threads -------------------------------------------------------------------

    @Test
    void hooksSeeTheirOwnPluginContextAndSettings() {
        plugin("configured", 100, """
                    public record Settings(String greeting, int times) {}

                    @Override
                    public Update onUpdate(Update update, HookContext context) {
                        Settings s = context.plugin().settings(Settings.class);
                        ArrayNode marks = ((ArrayNode) update.value()).deepCopy();
                        marks.add(context.plugin().id() + " " + context.plugin().version() + ": " + s.greeting().repeat(s.times()));
                        return update.withValue(marks);
                    }
                """).version("3.1.4").writeTo(plugins);
        var config = JsonNodeFactory.instance.objectNode().put("greeting", "hi").put("times", 2);
        settings.put("configured", PluginSettings.DEFAULTS.withSettings(config));
        startHost();

        assertThat(marks(runUpdate())).containsExactly("configured 3.1.4: hihi");
    }

    @Test
    void runAsyncRunsHooksOnVirtualThreads() throws Exception {
        plugin("threads", 100, """
                    @Override
                    public Update onUpdate(Update update, HookContext context) {
                        return update.withPath(Thread.currentThread().isVirtual() ? "virtual" : "platform");
                    }
                """).writeTo(plugins);
        startHost();

        assertThat(engine.runAsync(Hooks.ON_UPDATE, update(), null, null).get(10, TimeUnit.SECONDS).path())
                .isEqualTo("virtual");
    }

    @Test
    void callsAreCountedPerPluginAndHook() {
        plugin("counted", 100, appendMark("counted")).writeTo(plugins);
        startHost();
        for (int i = 0; i < 100; i++) {
            runUpdate();
        }
        try (CallContext other = engine.newContext(null, null)) {
            engine.run(Hooks.ON_UPDATE, update(), other);
        }
        // Counted on an open context and on a closed one: both show up.
        await().untilAsserted(() -> assertThat(statsOf("counted").calls()).isEqualTo(101));
        assertThat(statsOf("counted").hook()).isEqualTo("onUpdate");
    }

    private HookStats statsOf(String pluginId) {
        return engine.stats().stream().filter(s -> s.pluginId().equals(pluginId) && s.hook().equals("onUpdate"))
                .findFirst().orElseThrow(() -> new AssertionError("no stats for " + pluginId + ": " + engine.stats()));
    }
}
