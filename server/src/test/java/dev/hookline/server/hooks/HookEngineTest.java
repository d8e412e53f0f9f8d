package dev.hookline.server.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hookline.api.Connection;
import dev.hookline.api.HookContext;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.Stop;
import dev.hookline.api.payload.HttpRequest;
import dev.hookline.api.payload.Listen;
import dev.hookline.api.payload.Update;
import dev.hookline.server.plugins.ClasspathHooks;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine with hooks registered in code or found on the class path, as an embedding application uses it. */
class HookEngineTest {

    /** One fast call in 16 timed (the default is 64), so that the timing tests need fewer calls. */
    private final HookEngine engine = new HookEngine(HookEngine.Options.DEFAULTS.withTimingSample(16));
    private final CallContext context = engine.newContext(null, null);
    private final List<String> calls = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        context.close();
        engine.close();
    }

    private static Update update() {
        return new Update("doc", Operation.SET, "a", JsonNodeFactory.instance.textNode("v"), null, Origin.SERVER);
    }

    private ServerHooks recordingUpdate(String name, int priority) {
        return new ServerHooks() {
            @Override
            public int priority() {
                return priority;
            }

            @Override
            public Update onUpdate(Update update, HookContext context) {
                calls.add(name);
                return null;
            }
        };
    }

    @Test
    void anEmptyChainReturnsThePayloadUntouched() {
        Update payload = update();
        assertThat(engine.chains().of(Hooks.ON_UPDATE).isEmpty()).isTrue();
        assertThat(engine.run(Hooks.ON_UPDATE, payload, context)).isSameAs(payload);
    }

    @Test
    void hooksRegisteredInCodeRunAndCanBeRemoved() {
        engine.install(HookSource.of("app", recordingUpdate("low", 1), recordingUpdate("high", 1000)));

        engine.run(Hooks.ON_UPDATE, update(), context);
        assertThat(calls).containsExactly("high", "low");

        assertThat(engine.uninstall("app")).isTrue();
        engine.run(Hooks.ON_UPDATE, update(), context);
        assertThat(calls).containsExactly("high", "low");
        assertThat(engine.uninstall("app")).isFalse();
    }

    @Test
    void onlyOverriddenHooksJoinAChain() {
        engine.install(HookSource.of("app", recordingUpdate("only-update", 100)));

        assertThat(engine.chains().of(Hooks.ON_UPDATE).links()).hasSize(1);
        assertThat(Hooks.all()).filteredOn(h -> h != Hooks.ON_UPDATE)
                .allSatisfy(h -> assertThat(engine.chains().of(h).isEmpty()).as(h.name()).isTrue());
    }

    @Test
    void aChainSnapshotTakenBeforeAnInstallKeepsItsHooks() {
        engine.install(HookSource.of("first", recordingUpdate("first", 100)));
        HookChain<Update> before = engine.chains().of(Hooks.ON_UPDATE);

        engine.install(HookSource.of("second", recordingUpdate("second", 200)));
        before.run(update(), context);
        engine.run(Hooks.ON_UPDATE, update(), context);

        assertThat(calls).containsExactly("first", "second", "first");
    }

    @Test
    void aRequestAnsweredByAHookEndsTheChain() {
        engine.install(HookSource.of("app",
                new ServerHooks() {
                    @Override
                    public int priority() {
                        return 200;
                    }

                    @Override
                    public HttpRequest onRequest(HttpRequest request, HookContext context) {
                        return request.path().equals("/ping") ? request.respond(200, "text/plain", "pong") : null;
                    }
                },
                new ServerHooks() {
                    @Override
                    public HttpRequest onRequest(HttpRequest request, HookContext context) {
                        calls.add("later saw " + request.path());
                        return null;
                    }
                }));
        HttpRequest ping = new HttpRequest("GET", "/ping", "", Map.of(), "127.0.0.1:1", null);

        HttpRequest answered = engine.run(Hooks.ON_REQUEST, ping, context);
        engine.run(Hooks.ON_REQUEST, ping.withPath("/other"), context);

        assertThat(answered.response().status()).isEqualTo(200);
        assertThat(answered.response().body()).isEqualTo("pong");
        assertThat(calls).containsExactly("later saw /other");
    }

    @Test
    void stopWithAPayloadOfTheWrongTypeIsAHookError() {
        engine.install(HookSource.of("app", new ServerHooks() {
            @Override
            public Update onUpdate(Update update, HookContext context) {
                throw Stop.with("not an update");
            }
        }));

        assertThatThrownBy(() -> engine.run(Hooks.ON_UPDATE, update(), context))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.code()).isEqualTo(4500));
    }

    @Test
    void stopWithAPayloadInAHookThatCannotRewriteIsAHookError() {
        engine.install(HookSource.of("app", new ServerHooks() {
            @Override
            public void onListen(Listen listen, HookContext context) {
                throw Stop.with(new Listen("evil", 1));
            }
        }));

        assertThatThrownBy(() -> engine.run(Hooks.ON_LISTEN, new Listen("127.0.0.1", 1234), context))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.code()).isEqualTo(4500));
    }

    @Test
    void aPriorityMethodThatThrowsCountsAsTheDefault() {
        engine.install(HookSource.of("app", recordingUpdate("at 99", 99), new ServerHooks() {
            @Override
            public int priority() {
                throw new IllegalStateException("bad priority");
            }

            @Override
            public Update onUpdate(Update update, HookContext context) {
                calls.add("at default 100");
                return null;
            }
        }, recordingUpdate("at 101", 101)));

        engine.run(Hooks.ON_UPDATE, update(), context);

        assertThat(calls).containsExactly("at 101", "at default 100", "at 99");
    }

    @Test
    void contextsAreNotReentrantAndAReentrantCallIsContained() {
        engine.install(HookSource.of("app", new ServerHooks() {
            @Override
            public Update onUpdate(Update update, HookContext hookContext) {
                return engine.run(Hooks.ON_UPDATE, update, context); // the same context, still running
            }
        }));

        assertThatThrownBy(() -> engine.run(Hooks.ON_UPDATE, update(), context))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.code()).isEqualTo(4500));
        // The context is usable again afterwards.
        engine.uninstall("app");
        assertThat(engine.run(Hooks.ON_UPDATE, update(), context)).isNotNull();
    }

    @Test
    void anIdleContextIsParkedAndItsNextChainStillHasItsDeadline() throws Exception {
        // The watchdog checks only contexts in use: one idle for a tick is parked, and a chain
        // that begins on it puts it back in time for its deadline to hold.
        try (HookEngine quick = new HookEngine(HookEngine.Options.DEFAULTS.withDefaultTimeout(Duration.ofMillis(200)));
             CallContext idle = quick.newContext(null, null)) {
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!idle.parked() && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertThat(idle.parked()).as("parked after ticks without a chain").isTrue();
            assertThat(idle.busy()).isFalse();

            quick.install(HookSource.of("slow", new ServerHooks() {
                @Override
                public Update onUpdate(Update update, HookContext hookContext) {
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }
            }));
            long started = System.nanoTime();
            assertThatThrownBy(() -> quick.run(Hooks.ON_UPDATE, update(), idle))
                    .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.code()).isEqualTo(4504));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            assertThat(idle.parked()).isFalse();

            // And it parks again, and serves again.
            quick.uninstall("slow");
            until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!idle.parked() && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertThat(idle.parked()).isTrue();
            assertThat(quick.run(Hooks.ON_UPDATE, update(), idle)).isNotNull();
        }
    }

    @Test
    void pluginContextIsOnlyAvailableDuringAHook() {
        assertThatThrownBy(context::plugin).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theConnectionOfTheContextIsVisibleToHooks() {
        Connection connection = new Connection() {
            public String id() { return "c-1"; }
            public String remoteAddress() { return "127.0.0.1:5000"; }
            public Map<String, Object> attributes() { return Map.of("role", "admin"); }
            public boolean readOnly() { return false; }
            public boolean isOpen() { return true; }
            public void close(int code, String reason) { }
        };
        engine.install(HookSource.of("app", new ServerHooks() {
            @Override
            public void onListen(Listen listen, HookContext context) {
                calls.add(context.connection().map(c -> c.id() + " " + c.attributes().get("role")).orElse("none"));
            }
        }));

        try (CallContext withConnection = engine.newContext(null, connection)) {
            engine.run(Hooks.ON_LISTEN, new Listen("127.0.0.1", 1234), withConnection);
        }
        engine.run(Hooks.ON_LISTEN, new Listen("127.0.0.1", 1234), context);

        assertThat(calls).containsExactly("c-1 admin", "none");
    }

    @Test
    void slowHooksAreTimedOnEveryCallOnceSeen() {
        engine.install(HookSource.of("app", new ServerHooks() {
            @Override
            public Update onUpdate(Update update, HookContext context) throws InterruptedException {
                Thread.sleep(1);
                return null;
            }
        }));
        for (int i = 0; i < 400; i++) {
            engine.run(Hooks.ON_UPDATE, update(), context);
        }

        HookStats stats = engine.stats().get(0);
        assertThat(stats.calls()).isEqualTo(400);
        // A random one call in 16 is timed until one is seen to be slow; from then on, every one.
        assertThat(stats.timedCalls()).isBetween(200L, 400L);
        assertThat(stats.meanNanos()).isGreaterThanOrEqualTo(1_000_000);
        assertThat(stats.maxNanos()).isGreaterThanOrEqualTo(1_000_000);
    }

    @Test
    void aHookThatWasSlowForAWhileGoesBackToSampledTiming() {
        engine.install(HookSource.of("app", new ServerHooks() {
            private int calls;

            @Override
            public Update onUpdate(Update update, HookContext context) throws InterruptedException {
                if (calls++ < 40) {
                    Thread.sleep(2); // slow while it warms up, as a cold cache or a GC pause would make it
                }
                return null;
            }
        }));
        for (int i = 0; i < 4000; i++) {
            engine.run(Hooks.ON_UPDATE, update(), context);
        }

        HookStats stats = engine.stats().get(0);
        // Every call is timed while the hook is slow, then about one in 16 again: far fewer than all.
        assertThat(stats.calls()).isEqualTo(4000);
        assertThat(stats.timedCalls()).isLessThan(1000);
    }

    @Test
    void settingsRejectUnknownHooksAndNonPositiveDeadlines() {
        assertThatThrownBy(() -> PluginSettings.DEFAULTS.withHookTimeout("onUpdat", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("onUpdat");
        assertThatThrownBy(() -> PluginSettings.DEFAULTS.withTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    record Greeting(String text) {
    }

    record Tuning(int retries, Duration backoff, boolean verbose) {
    }

    @Test
    void settingsBindToRecordsWithDefaultsForAbsentKeysAndJavaTime() {
        DefaultPluginContext plugin = new DefaultPluginContext("tuned", "1.0.0",
                JsonNodeFactory.instance.objectNode().put("backoff", "PT2.5S"));

        assertThat(plugin.settings(Tuning.class)).isEqualTo(new Tuning(0, Duration.ofMillis(2500), false));
    }

    @Test
    void settingsThatDoNotFitThePluginsTypeNameTheBadKey() {
        DefaultPluginContext plugin = new DefaultPluginContext("greeter", "1.0.0",
                JsonNodeFactory.instance.objectNode().put("txet", "hello"));

        assertThatThrownBy(() -> plugin.settings(Greeting.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("txet").hasMessageContaining("greeter");
    }

    @Test
    void hooksOnTheClassPathAreFoundAndBrokenEntriesSkipped(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path services = dir.resolve("META-INF/services/dev.hookline.api.ServerHooks");
        java.nio.file.Files.createDirectories(services.getParent());
        java.nio.file.Files.writeString(services, ClasspathProbeHooks.class.getName()
                + "\n# a stale entry: logged and skipped\ndoes.not.Exist\n");
        try (var loader = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            HookSource source = ClasspathHooks.discover(loader);

            assertThat(source.id()).isEqualTo("classpath");
            assertThat(source.hooks()).extracting(h -> h.getClass().getName())
                    .containsExactly(ClasspathProbeHooks.class.getName());
        }
    }
}
