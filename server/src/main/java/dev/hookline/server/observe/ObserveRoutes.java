package dev.hookline.server.observe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.payload.HttpRequest;
import dev.hookline.server.hooks.Chains;
import dev.hookline.server.hooks.Hook;
import dev.hookline.server.hooks.HookChain;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.hooks.HookStats;
import dev.hookline.server.hooks.Hooks;
import dev.hookline.server.plugins.LeakedPlugin;
import dev.hookline.server.plugins.LoadedPlugin;
import dev.hookline.server.plugins.PluginHost;
import dev.hookline.server.plugins.PluginProblem;
import dev.hookline.server.protocol.Json;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The operator's routes: {@code GET /metrics} (Prometheus) and {@code GET /admin/plugins},
 * {@code GET /admin/hooks} (JSON, behind the admin token). {@code HttpEndpoint} asks this class
 * after {@code onRequest}, like {@code /health}.
 *
 * <ul>
 *   <li>{@code /metrics} answers when metrics are enabled, without a token; otherwise it is not a route (404).</li>
 *   <li>{@code /admin/*} is not a route (404) when no admin token is configured. With one, every
 *       {@code /admin/*} request needs {@code Authorization: Bearer <token>}: missing or wrong is 401,
 *       checked before the path, so unknown admin paths do not reveal themselves either.</li>
 * </ul>
 */
public final class ObserveRoutes {

    private static final String JSON = "application/json";

    private final ServerMetrics metrics;
    private final HookEngine engine;
    private final Supplier<PluginHost> plugins;
    private final byte[] tokenDigest;
    private volatile Supplier<java.util.Map<String, Object>> cluster;

    /**
     * @param metrics    the server's metrics
     * @param engine     the hook engine (chains and statistics)
     * @param plugins    the plugin host now, or {@code null} inside when there is none
     * @param adminToken the admin token, or {@code null} (or blank) to disable {@code /admin/*}
     */
    public ObserveRoutes(ServerMetrics metrics, HookEngine engine, Supplier<PluginHost> plugins, String adminToken) {
        this.metrics = metrics;
        this.engine = engine;
        this.plugins = plugins;
        this.tokenDigest = adminToken == null || adminToken.isBlank() ? null : sha256(adminToken);
    }

    /** Serves {@code /admin/cluster}: this node's cluster state in detail. */
    public void cluster(Supplier<java.util.Map<String, Object>> status) {
        this.cluster = status;
    }

    /**
     * Answers the request if it is one of these routes.
     *
     * @return whether it answered; {@code false} leaves the request to the other routes (or the 404)
     */
    public boolean handle(HttpServerExchange exchange, HttpRequest request) {
        String path = request.path();
        if (path.equals("/metrics")) {
            if (!metrics.enabled()) {
                return false;
            }
            if (!isGet(request)) {
                methodNotAllowed(exchange);
                return true;
            }
            String accept = request.header("accept");
            boolean openMetrics = accept != null && accept.contains("application/openmetrics-text");
            send(exchange, 200, ServerMetrics.contentType(openMetrics), metrics.scrape(openMetrics));
            return true;
        }
        if (path.equals("/admin") || path.startsWith("/admin/")) {
            if (tokenDigest == null) {
                return false;
            }
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            if (!authorized(request.header("authorization"))) {
                exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"hookline-admin\"");
                send(exchange, 401, JSON, error(401, "missing or wrong admin token"));
                return true;
            }
            switch (path) {
                case "/admin/plugins" -> {
                    if (isGet(request)) {
                        send(exchange, 200, JSON, Json.text(pluginsView()));
                    } else {
                        methodNotAllowed(exchange);
                    }
                }
                case "/admin/hooks" -> {
                    if (isGet(request)) {
                        send(exchange, 200, JSON, Json.text(hooksView()));
                    } else {
                        methodNotAllowed(exchange);
                    }
                }
                case "/admin/cluster" -> {
                    Supplier<java.util.Map<String, Object>> status = cluster;
                    if (!isGet(request)) {
                        methodNotAllowed(exchange);
                    } else if (status == null) {
                        send(exchange, 404, JSON, error(404, "this node is not a cluster member (no cluster engine plugin)"));
                    } else {
                        send(exchange, 200, JSON, Json.text(Json.MAPPER.valueToTree(status.get())));
                    }
                }
                default -> send(exchange, 404, JSON, error(404, "no admin route " + path));
            }
            return true;
        }
        return false;
    }

    // ---- authentication -------------------------------------------------------------------------

    /** Compares digests in constant time: neither the token's content nor its length leaks through timing. */
    boolean authorized(String authorization) {
        if (authorization == null) {
            return false;
        }
        String value = authorization.strip();
        if (value.length() < 7 || !value.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(tokenDigest, sha256(value.substring(7).strip()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    // ---- views ----------------------------------------------------------------------------------

    /**
     * {@code /admin/plugins}: the loaded plugins, the problems, the unloaded plugins still in memory
     * (leaked), and every installed hook source.
     */
    ObjectNode pluginsView() {
        ObjectNode root = Json.object();
        PluginHost host = plugins.get();
        root.put("directory", host == null ? null : host.pluginsDir().toString());
        ArrayNode loaded = root.putArray("plugins");
        ArrayNode problems = root.putArray("problems");
        ArrayNode leaked = root.putArray("leaked");
        if (host != null) {
            for (LoadedPlugin plugin : host.plugins()) {
                ObjectNode entry = loaded.addObject().put("id", plugin.id()).put("version", plugin.version())
                        .put("file", text(plugin.path())).put("enabled", plugin.enabled());
                ArrayNode classes = entry.putArray("hookClasses");
                plugin.hookClasses().forEach(classes::add);
            }
            for (PluginProblem problem : host.problems()) {
                problems.addObject().put("file", text(problem.path())).put("pluginId", problem.pluginId())
                        .put("reason", problem.reason());
            }
            for (LeakedPlugin leak : host.leaked()) {
                ObjectNode entry = leaked.addObject().put("id", leak.id()).put("version", leak.version())
                        .put("file", text(leak.path())).put("unloadedAt", leak.unloadedAt().toString());
                ArrayNode threads = entry.putArray("threads");
                leak.threads().forEach(threads::add);
            }
        }
        ArrayNode sources = root.putArray("sources");
        for (String id : engine.sourceIds()) {
            sources.addObject().put("id", id).put("enabled", engine.settingsOf(id).enabled());
        }
        return root;
    }

    /** {@code /admin/hooks}: every hook's chain in running order with statistics, then retired entries. */
    ObjectNode hooksView() {
        Map<String, HookStats> stats = new HashMap<>();
        for (HookStats s : engine.stats()) {
            stats.put(key(s.hook(), s.pluginId(), s.className()), s);
        }
        Set<String> shown = new HashSet<>();
        Chains chains = engine.chains();
        ObjectNode root = Json.object();
        ArrayNode hooks = root.putArray("hooks");
        for (Hook<?> hook : Hooks.all()) {
            HookChain<?> chain = chains.of(hook);
            ObjectNode entry = hooks.addObject().put("hook", hook.name());
            ArrayNode links = entry.putArray("chain");
            for (HookChain.Link link : chain.links()) {
                String key = key(hook.name(), link.pluginId(), link.className());
                shown.add(key);
                ObjectNode node = links.addObject().put("plugin", link.pluginId()).put("class", link.className())
                        .put("priority", link.priority()).put("timeoutMillis", link.timeout().toMillis());
                node.set("stats", statsNode(stats.get(key)));
            }
        }
        // Counters outlive chains: plugins unloaded, disabled or reloaded without a class still have them.
        ArrayNode inactive = root.putArray("inactive");
        for (HookStats s : engine.stats()) {
            if (!shown.contains(key(s.hook(), s.pluginId(), s.className()))) {
                inactive.addObject().put("hook", s.hook()).put("plugin", s.pluginId()).put("class", s.className())
                        .set("stats", statsNode(s));
            }
        }
        return root;
    }

    private static ObjectNode statsNode(HookStats s) {
        ObjectNode node = Json.object();
        if (s == null) {
            return node.put("calls", 0).put("rejects", 0).put("stops", 0).put("errors", 0).put("timeouts", 0)
                    .put("timedCalls", 0).put("meanNanos", 0.0).put("maxNanos", 0)
                    .put("quarantined", 0).put("overdue", 0);
        }
        return node.put("calls", s.calls()).put("rejects", s.rejects()).put("stops", s.stops())
                .put("errors", s.errors()).put("timeouts", s.timeouts()).put("timedCalls", s.timedCalls())
                .put("meanNanos", s.meanNanos()).put("maxNanos", s.maxNanos())
                .put("quarantined", s.quarantined()).put("overdue", s.overdue());
    }

    private static String key(String hook, String pluginId, String className) {
        return hook + '\u0000' + pluginId + '\u0000' + className;
    }

    private static String text(Path path) {
        return path == null ? null : path.toString();
    }

    // ---- HTTP -----------------------------------------------------------------------------------

    private static boolean isGet(HttpRequest request) {
        return request.method().equals("GET");
    }

    private static void methodNotAllowed(HttpServerExchange exchange) {
        exchange.getResponseHeaders().put(Headers.ALLOW, "GET");
        send(exchange, 405, JSON, error(405, "only GET"));
    }

    private static String error(int status, String reason) {
        return Json.text(Json.object().put("status", status).put("error", reason));
    }

    private static void send(HttpServerExchange exchange, int status, String contentType, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseSender().send(body, StandardCharsets.UTF_8);
    }
}
