package dev.hookline.plugins.logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Connection;
import dev.hookline.api.HookContext;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;
import dev.hookline.api.PluginContext;
import dev.hookline.api.ServerApi;
import dev.hookline.api.payload.Authenticate;
import dev.hookline.api.payload.Change;
import dev.hookline.api.payload.Configure;
import dev.hookline.api.payload.Connect;
import dev.hookline.api.payload.Connected;
import dev.hookline.api.payload.Destroy;
import dev.hookline.api.payload.Disconnect;
import dev.hookline.api.payload.DocumentLoaded;
import dev.hookline.api.payload.DocumentStored;
import dev.hookline.api.payload.DocumentUnloaded;
import dev.hookline.api.payload.HttpRequest;
import dev.hookline.api.payload.Join;
import dev.hookline.api.payload.Leave;
import dev.hookline.api.payload.Listen;
import dev.hookline.api.payload.LoadDocument;
import dev.hookline.api.payload.Upgrade;
import dev.hookline.testkit.TestHookContext;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class LoggerHooksTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private static Change change(String doc, long version, Operation op, String path, Origin origin) {
        return new Change(doc, op, path, op == Operation.DELETE ? null : JSON.numberNode(1), null, version, origin);
    }

    private static Connect connect(Map<String, Object> attributes, boolean readOnly) {
        return new Connect(Map.of("authorization", List.of("Bearer s3cret")), "token=s3cret", "127.0.0.1:5342",
                attributes, readOnly);
    }

    /** Runs every hook the logger overrides once, as a connection's life and a document's would. */
    private static void lifecycle(LoggerHooks hooks, TestHookContext settings) throws Exception {
        TestHookContext server = settings;
        TestHookContext c12 = settings.on("c12");
        ObjectNode config = JSON.objectNode().put("host", "0.0.0.0").put("port", 1234);
        assertThat(hooks.onConfigure(new Configure(config), server)).isNull();
        hooks.onListen(new Listen("0.0.0.0", 1234), server);
        assertThat(hooks.onRequest(new HttpRequest("GET", "/health", "key=s3cret", Map.of(), "127.0.0.1:5000", null),
                server)).isNull();
        hooks.onUpgrade(new Upgrade("/ws", "token=s3cret", Map.of(), "127.0.0.1:5342"), server);
        assertThat(hooks.onConnect(connect(Map.of("user", "alice", "apiKey", "k-s3cret"), false), c12)).isNull();
        hooks.connected(new Connected(Map.of("user", "alice")), c12);
        assertThat(hooks.onAuthenticate(new Authenticate("board", "s3cret", Map.of("user", "alice"), true), c12)).isNull();
        assertThat(hooks.onLoadDocument(new LoadDocument("board", JSON.objectNode().put("secret", "s3cret"), Map.of(), 5),
                server)).isNull();
        hooks.afterLoadDocument(new DocumentLoaded("board", 5), server);
        hooks.onJoin(new Join("board"), c12);
        hooks.onChange(change("board", 6, Operation.SET, "players/1", Origin.connection("c12")), c12);
        hooks.afterStoreDocument(new DocumentStored("board", 6), server);
        hooks.onLeave(new Leave("board"), c12);
        hooks.onDisconnect(new Disconnect(1000, ""), c12);
        hooks.afterUnloadDocument(new DocumentUnloaded("board"), server);
        hooks.onDestroy(Destroy.INSTANCE, server);
    }

    @Test
    void defaultsLogTheLifecycleButNotChangesRequestsOrAuthentication() throws Exception {
        LoggerHooks hooks = new LoggerHooks();
        try (LogCapture log = LogCapture.plugin()) {
            lifecycle(hooks, TestHookContext.of("logger", "{}"));
            assertThat(log.lines()).containsExactly(
                    "[hookline] configuring 0.0.0.0:1234",
                    "[hookline] listening on 0.0.0.0:1234",
                    "[hookline] upgrade /ws from 127.0.0.1:5342",
                    "[hookline] connect c12 from 127.0.0.1:5342",
                    "[hookline] connected c12",
                    "[hookline] loading document \"board\" at version 5",
                    "[hookline] document \"board\" loaded at version 5",
                    "[hookline] c12 joined \"board\"",
                    "[hookline] document \"board\" stored at version 6",
                    "[hookline] c12 left \"board\"",
                    "[hookline] disconnect c12 (1000)",
                    "[hookline] document \"board\" unloaded",
                    "[hookline] shut down");
            assertThat(log.events()).extracting(ILoggingEvent::getLevel).containsOnly(Level.INFO);
        }
    }

    @Test
    void everyEventWithAPrefixAndAttributes() throws Exception {
        LoggerHooks hooks = new LoggerHooks();
        String all = Arrays.stream(Event.values()).map(e -> "\"" + e.hook() + "\"").collect(Collectors.joining(","));
        try (LogCapture log = LogCapture.plugin()) {
            lifecycle(hooks, TestHookContext.of("logger", "{\"events\":[" + all + "],\"prefix\":\"ws\",\"includeAttributes\":true}"));
            assertThat(log.lines()).containsExactly(
                    "[ws] configuring 0.0.0.0:1234",
                    "[ws] listening on 0.0.0.0:1234",
                    "[ws] request GET /health from 127.0.0.1:5000",
                    "[ws] upgrade /ws from 127.0.0.1:5342",
                    "[ws] connect c12 from 127.0.0.1:5342 {apiKey=k-s3cret, user=alice}",
                    "[ws] connected c12 {user=alice}",
                    "[ws] authenticate c12 for \"board\" (read-only) {user=alice}",
                    "[ws] loading document \"board\" at version 5",
                    "[ws] document \"board\" loaded at version 5",
                    "[ws] c12 joined \"board\"",
                    "[ws] change board#6 set players/1 by connection c12",
                    "[ws] document \"board\" stored at version 6",
                    "[ws] c12 left \"board\"",
                    "[ws] disconnect c12 (1000)",
                    "[ws] document \"board\" unloaded",
                    "[ws] shut down");
            // Even with includeAttributes: never the token, the query string, headers or document values.
            assertThat(String.join("\n", log.lines())).doesNotContain("token=", "Bearer", "key=s3cret", "\"secret\"");
        }
    }

    @Test
    void attributesTokensQueriesAndValuesAreNotLoggedByDefault() throws Exception {
        LoggerHooks hooks = new LoggerHooks();
        String all = Arrays.stream(Event.values()).map(e -> "\"" + e.hook() + "\"").collect(Collectors.joining(","));
        try (LogCapture log = LogCapture.plugin()) {
            lifecycle(hooks, TestHookContext.of("logger", "{\"events\":[" + all + "]}"));
            assertThat(log.lines()).hasSize(Event.values().length);
            assertThat(String.join("\n", log.lines())).doesNotContain("s3cret", "alice", "apiKey", "token", "Bearer");
        }
    }

    @Test
    void onlyTheConfiguredEvents() throws Exception {
        LoggerHooks hooks = new LoggerHooks();
        try (LogCapture log = LogCapture.plugin()) {
            lifecycle(hooks, TestHookContext.of("logger", "{\"events\":[\"onChange\",\"onDisconnect\"]}"));
            assertThat(log.lines()).containsExactly(
                    "[hookline] change board#6 set players/1 by connection c12",
                    "[hookline] disconnect c12 (1000)");
        }
    }

    @Test
    void anEmptyListLogsNothing() throws Exception {
        LoggerHooks hooks = new LoggerHooks();
        try (LogCapture log = LogCapture.plugin()) {
            lifecycle(hooks, TestHookContext.of("logger", "{\"events\":[]}"));
            assertThat(log.lines()).isEmpty();
        }
    }

    @Test
    void changeLinesNameTheOperationPathAndOrigin() throws Exception {
        LoggerHooks hooks = new LoggerHooks();
        TestHookContext context = TestHookContext.of("logger", "{\"events\":[\"onChange\"],\"prefix\":\"\"}");
        try (LogCapture log = LogCapture.plugin()) {
            hooks.onChange(change("board", 7, Operation.MERGE, "", Origin.SERVER), context);
            hooks.onChange(change("board", 8, Operation.DELETE, "players/1", Origin.connection("c3")), context.on("c3"));
            hooks.onChange(change("board", 9, Operation.SET, "a", Origin.STORAGE), context);
            hooks.onChange(change("board", 10, Operation.SET, "a/b", Origin.replication("node-2")), context);
            assertThat(log.lines()).containsExactly(
                    "change board#7 merge (root) by server",
                    "change board#8 delete players/1 by connection c3",
                    "change board#9 set a by storage",
                    "change board#10 set a/b by replication from node-2");
        }
    }

    @Test
    void disconnectWithAReasonAndReadOnlyConnections() throws Exception {
        LoggerHooks hooks = new LoggerHooks();
        TestHookContext context = TestHookContext.of("logger", "{}").on("c7");
        try (LogCapture log = LogCapture.plugin()) {
            hooks.onConnect(connect(Map.of(), true), context);
            hooks.onDisconnect(new Disconnect(4401, "token expired"), context);
            assertThat(log.lines()).containsExactly(
                    "[hookline] connect c7 from 127.0.0.1:5342 (read-only)",
                    "[hookline] disconnect c7 (4401: token expired)");
        }
    }

    @Test
    void clientTextCannotForgeLogLines() throws Exception {
        LoggerHooks hooks = new LoggerHooks();
        TestHookContext context = TestHookContext.of("logger", "{\"events\":[\"onChange\",\"onDisconnect\",\"afterLoadDocument\"]}").on("c1");
        try (LogCapture log = LogCapture.plugin()) {
            hooks.onChange(change("doc", 1, Operation.SET, "a\n[hookline] connect c99 from 6.6.6.6:1", Origin.connection("c1")),
                    context);
            hooks.onDisconnect(new Disconnect(1000, "bye\r\nforged"), context);
            hooks.afterLoadDocument(new DocumentLoaded("say \"hi\"", 1), context);
            hooks.onDisconnect(new Disconnect(1000, "x".repeat(1000)), context);
            assertThat(log.lines()).hasSize(4).allSatisfy(line -> assertThat(line).doesNotContain("\n", "\r"));
            assertThat(log.lines().get(0)).isEqualTo(
                    "[hookline] change doc#1 set a\\u000a[hookline] connect c99 from 6.6.6.6:1 by connection c1");
            assertThat(log.lines().get(1)).isEqualTo("[hookline] disconnect c1 (1000: bye\\u000d\\u000aforged)");
            assertThat(log.lines().get(2)).isEqualTo("[hookline] document \"say \\\"hi\\\"\" loaded at version 1");
            assertThat(log.lines().get(3)).hasSize("[hookline] disconnect c1 (1000: ".length() + Lines.MAX_TEXT + 2)
                    .endsWith("x…)");
        }
    }

    @Test
    void debugLevel() throws Exception {
        LoggerHooks hooks = new LoggerHooks();
        TestHookContext context = TestHookContext.of("logger", "{\"level\":\"DEBUG\"}").on("c1");
        try (LogCapture log = LogCapture.plugin()) {
            hooks.onDisconnect(new Disconnect(1000, ""), context);
            assertThat(log.events()).extracting(ILoggingEvent::getLevel).containsExactly(Level.DEBUG);
        }
        try (LogCapture log = LogCapture.plugin(Level.INFO)) {
            hooks.onDisconnect(new Disconnect(1000, ""), context);
            assertThat(log.lines()).isEmpty(); // debug lines are not even built when DEBUG is off
        }
    }

    @Test
    void invalidSettingsAreReportedOnceAndTheDefaultsApply() throws Exception {
        LoggerHooks hooks = new LoggerHooks();
        TestHookContext context = TestHookContext.of("logger", "{\"events\":[\"onConnect\",\"onChnage\"]}").on("c1");
        try (LogCapture log = LogCapture.plugin()) {
            hooks.onChange(change("board", 1, Operation.SET, "a", Origin.connection("c1")), context); // not a default
            hooks.onDisconnect(new Disconnect(1000, ""), context);
            hooks.onDisconnect(new Disconnect(1001, ""), context);
            assertThat(log.events()).extracting(ILoggingEvent::getLevel).containsExactly(Level.ERROR, Level.INFO, Level.INFO);
            assertThat(log.lines().get(0))
                    .startsWith("[hookline] invalid settings, logging with the defaults instead: logger setting 'events' has \"onChnage\"")
                    .contains("did you mean \"onChange\"?", Event.validNames())
                    .doesNotContain("Cannot construct"); // our message, not Jackson's wrapping
            assertThat(log.lines().subList(1, 3)).containsExactly("[hookline] disconnect c1 (1000)", "[hookline] disconnect c1 (1001)");
        }
    }

    @Test
    void anUnknownKeyIsReportedWithTheServersMessage() throws Exception {
        LoggerHooks hooks = new LoggerHooks();
        try (LogCapture log = LogCapture.plugin()) {
            hooks.onDestroy(Destroy.INSTANCE, TestHookContext.of("logger", "{\"prefx\":\"x\"}"));
            assertThat(log.lines()).hasSize(2);
            assertThat(log.lines().get(0)).startsWith("[hookline] invalid settings").contains("prefx");
            assertThat(log.lines().get(1)).isEqualTo("[hookline] shut down");
        }
    }

    @Test
    void hooksNeverThrowEvenWhenTheContextDoes() {
        LoggerHooks hooks = new LoggerHooks();
        HookContext broken = new HookContext() {
            @Override
            public ServerApi server() {
                throw new IllegalStateException("no server");
            }

            @Override
            public Optional<Connection> connection() {
                throw new IllegalStateException("broken connection");
            }

            @Override
            public PluginContext plugin() {
                PluginContext real = TestHookContext.of("logger", "{\"events\":[\"onDisconnect\"]}");
                return new PluginContext() {
                    public String id() {
                        return "logger";
                    }

                    public String version() {
                        return "test";
                    }

                    public Logger logger() {
                        return real.logger();
                    }

                    public com.fasterxml.jackson.databind.JsonNode settings() {
                        return real.settings();
                    }

                    public <T> T settings(Class<T> type) {
                        return real.settings(type);
                    }
                };
            }
        };
        try (LogCapture log = LogCapture.plugin()) {
            assertThatCode(() -> {
                hooks.onDisconnect(new Disconnect(1000, ""), broken);
                hooks.onDisconnect(new Disconnect(1000, ""), broken);
            }).doesNotThrowAnyException();
            assertThat(log.events()).hasSize(1); // reported once
            assertThat(log.events().get(0).getLevel()).isEqualTo(Level.WARN);
            assertThat(log.lines().get(0)).contains("could not log onDisconnect", "broken connection");
        }
    }

    @Test
    void returnsNullFromEveryHookThatCouldRewrite() throws Exception {
        // Covered in lifecycle(); this checks the class overrides exactly the hooks in Event (and
        // not onStoreDocument, which would make the server count the logger as storage).
        Set<String> overridden = Arrays.stream(LoggerHooks.class.getDeclaredMethods())
                .filter(m -> isHook(m))
                .map(Method::getName)
                .collect(Collectors.toSet());
        assertThat(overridden).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(Event.values()).map(Event::hook).toList());
        assertThat(overridden).doesNotContain("onStoreDocument");
        assertThat(new LoggerHooks().priority()).isEqualTo(LoggerHooks.PRIORITY).isEqualTo(-1000);
    }

    private static boolean isHook(Method method) {
        try {
            dev.hookline.api.ServerHooks.class.getMethod(method.getName(), method.getParameterTypes());
            return !method.getName().equals("priority") && !method.isSynthetic();
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
