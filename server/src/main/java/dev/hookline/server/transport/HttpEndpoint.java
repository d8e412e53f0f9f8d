package dev.hookline.server.transport;

import dev.hookline.api.Reject;
import dev.hookline.api.ServerApi;
import dev.hookline.api.payload.HttpRequest;
import dev.hookline.api.payload.HttpResponse;
import dev.hookline.api.payload.Upgrade;
import dev.hookline.server.hooks.CallContext;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.hooks.Hooks;
import dev.hookline.server.observe.HealthReport;
import dev.hookline.server.observe.ObserveRoutes;
import dev.hookline.server.protocol.Json;
import dev.hookline.server.web.StaticFiles;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every HTTP request: the WebSocket handshake (through {@code onUpgrade}) on the configured path,
 * everything else through {@code onRequest}, then the built-in routes ({@code GET /health}, the
 * observe routes, then the files of the web folder: {@code GET /}, {@code /hookline.js}, ...).
 * Hooks run on virtual threads: the exchange is dispatched off the IO thread first.
 *
 * <p>Before that, on the IO thread, three answers that must not wait for a hook, a lane or a
 * virtual thread: {@code GET /health}, the 503 of a request over {@code server.maxConnections},
 * and the refusal of an upgrade request that cannot be upgraded (400, 405, 426).
 */
public final class HttpEndpoint implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);

    /** Seconds a client refused at the connection limit is asked to wait. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final String webSocketPath;
    private final HttpHandler handshake;
    private final HookEngine engine;
    private final ServerApi server;
    private final Executor virtualThreads;
    private final BooleanSupplier stopping;
    /** {@code /metrics} and {@code /admin/*}, or {@code null} for none. */
    private final ObserveRoutes observe;
    /** {@code server.maxConnections}: WebSockets plus requests in progress. */
    private final ConnectionLimit limit;
    private final HealthReport health;
    /** {@code GET /} and {@code GET /<file>}: the browser client and the demo page. */
    private final StaticFiles web = new StaticFiles();

    /**
     * @param observe {@code /metrics} and {@code /admin/*}, or {@code null} for none
     * @param limit   the connection limit every request but {@code GET /health} is admitted by
     * @param health  the body of {@code GET /health}
     */
    public HttpEndpoint(String webSocketPath, HttpHandler handshake, HookEngine engine, ServerApi server,
                        Executor virtualThreads, BooleanSupplier stopping, ObserveRoutes observe, ConnectionLimit limit,
                        HealthReport health) {
        this.observe = observe;
        this.webSocketPath = webSocketPath;
        this.handshake = handshake;
        this.engine = engine;
        this.server = server;
        this.virtualThreads = virtualThreads;
        this.stopping = stopping;
        this.limit = limit;
        this.health = health;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (isHealth(exchange.getRequestMethod().toString(), exchange.getRequestPath())) {
            sendHealth(exchange); // not counted, not limited, no hook: the probe answers whatever else is exhausted
            return;
        }
        if (isUpgrade(exchange)) {
            UpgradeCheck.Refusal refusal = UpgradeCheck.check(exchange.getRequestMethod(), exchange.getRequestHeaders());
            if (refusal != null) {
                refusal.headers().forEach((name, value) -> exchange.getResponseHeaders().put(name, value));
                sendAndClose(exchange, refusal.status(), refusal.reason());
                return;
            }
        }
        ConnectionLimit.Slot slot = limit.tryAdmit();
        if (slot == null) {
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
            sendAndClose(exchange, 503, "the server is at its connection limit (" + limit.max()
                    + " connections and requests); retry later");
            return;
        }
        boolean upgrade = isUpgrade(exchange);
        if (upgrade) {
            // Held until the WebSocket is counted (WebSocketEndpoint), so that a burst of handshakes
            // cannot pass the limit in between; released too if the connection drops first.
            exchange.putAttachment(ConnectionLimit.SLOT, slot);
            exchange.getConnection().addCloseListener(connection -> slot.release());
        }
        exchange.addExchangeCompleteListener((done, next) -> {
            if (!upgrade || done.getStatusCode() != StatusCodes.SWITCHING_PROTOCOLS) {
                slot.release();
            }
            next.proceed();
        });
        if (exchange.isInIoThread()) {
            exchange.dispatch(virtualThreads, () -> handleSafely(exchange));
            return;
        }
        handleSafely(exchange);
    }

    private void handleSafely(HttpServerExchange exchange) {
        try {
            if (isUpgrade(exchange)) {
                upgrade(exchange);
            } else {
                request(exchange);
            }
        } catch (Exception e) {
            log.error("HTTP {} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), e);
            if (!exchange.isResponseStarted()) {
                send(exchange, 500, "application/json", error(500, "internal error"));
            }
        }
    }

    private boolean isUpgrade(HttpServerExchange exchange) {
        String upgrade = exchange.getRequestHeaders().getFirst(Headers.UPGRADE);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket") && exchange.getRequestPath().equals(webSocketPath);
    }

    private void upgrade(HttpServerExchange exchange) throws Exception {
        if (stopping.getAsBoolean()) {
            send(exchange, 503, "application/json", error(503, "server shutting down"));
            return;
        }
        try (CallContext context = engine.newContext(server, null)) {
            engine.run(Hooks.ON_UPGRADE, new Upgrade(exchange.getRequestPath(), exchange.getQueryString(),
                    headers(exchange.getRequestHeaders()), remote(exchange)), context);
        } catch (Reject reject) {
            send(exchange, reject.httpStatus(), "application/json", error(reject.httpStatus(), reject.reason()));
            return;
        }
        handshake.handleRequest(exchange);
        if (exchange.getStatusCode() != 101 && !exchange.isResponseStarted()) {
            // Undertow's handshake only sets a 404 on a request it does not recognise, and sends
            // nothing. UpgradeCheck refuses every such request first; this keeps it that way.
            sendAndClose(exchange, 400, "the request could not be upgraded to a WebSocket");
        }
    }

    private void request(HttpServerExchange exchange) {
        HttpRequest request = new HttpRequest(exchange.getRequestMethod().toString(), exchange.getRequestPath(),
                exchange.getQueryString(), headers(exchange.getRequestHeaders()), remote(exchange), null);
        try (CallContext context = engine.newContext(server, null)) {
            request = engine.run(Hooks.ON_REQUEST, request, context);
        } catch (Reject reject) {
            send(exchange, reject.httpStatus(), "application/json", error(reject.httpStatus(), reject.reason()));
            return;
        }
        HttpResponse response = request.response();
        if (response != null) {
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().put(new HttpString(name), value));
            send(exchange, response.status(), null, response.body());
            return;
        }
        route(exchange, request);
    }

    private void route(HttpServerExchange exchange, HttpRequest request) {
        if (isHealth(request.method(), request.path())) { // an onRequest hook rewrote the path to /health
            sendHealth(exchange);
            return;
        }
        if (observe != null && observe.handle(exchange, request)) {
            return; // /metrics, /admin/*
        }
        if (request.method().equals(Methods.GET_STRING) || request.method().equals(Methods.HEAD_STRING)) {
            Optional<StaticFiles.File> file = web.find(request.path());
            if (file.isPresent()) { // /, /hookline.js, the demo page's files
                exchange.setStatusCode(200);
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, file.get().contentType())
                        .put(Headers.CACHE_CONTROL, "no-cache").put(new HttpString("X-Content-Type-Options"), "nosniff")
                        .put(Headers.CONTENT_LENGTH, file.get().bytes().length);
                exchange.getResponseSender().send(ByteBuffer.wrap(file.get().bytes()));
                return;
            }
        }
        send(exchange, 404, "application/json", error(404, "no route for " + request.method() + " " + request.path()));
    }

    private static boolean isHealth(String method, String path) {
        return path.equals("/health") && method.equals(Methods.GET_STRING);
    }

    private void sendHealth(HttpServerExchange exchange) {
        send(exchange, health.status(), "application/json", Json.text(health.body()));
    }

    /** Answers with an error and closes the connection: a refused client gets no second request on it. */
    private static void sendAndClose(HttpServerExchange exchange, int status, String reason) {
        exchange.setPersistent(false);
        send(exchange, status, "application/json", error(status, reason));
    }

    private static String error(int status, String reason) {
        return Json.text(Json.object().put("status", status).put("error", reason));
    }

    private static void send(HttpServerExchange exchange, int status, String contentType, String body) {
        exchange.setStatusCode(status);
        if (contentType != null) {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        }
        exchange.getResponseSender().send(body);
    }

    private static Map<String, List<String>> headers(HeaderMap map) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HeaderValues values : map) {
            headers.computeIfAbsent(values.getHeaderName().toString().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .addAll(values);
        }
        return headers;
    }

    private static String remote(HttpServerExchange exchange) {
        InetSocketAddress address = exchange.getSourceAddress();
        return address == null ? "" : address.getHostString() + ":" + address.getPort();
    }
}
