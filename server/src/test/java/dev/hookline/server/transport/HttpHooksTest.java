package dev.hookline.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Connect;
import dev.hookline.api.payload.HttpRequest;
import dev.hookline.api.payload.Upgrade;
import dev.hookline.server.Hookline;
import dev.hookline.server.protocol.Json;
import dev.hookline.server.testsupport.WsClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** onRequest, the built-in health route and onUpgrade, over real HTTP on loopback. */
class HttpHooksTest {

    private Hookline server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void healthReportsStatusConnectionsAndDocuments() throws Exception {
        server = Net.start(Net.LOOPBACK);
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.openOk("board");

            HttpResponse<String> response = Net.http(server.port(), "GET", "/health");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
            JsonNode body = Json.MAPPER.readTree(response.body());
            assertThat(body.get("status").asText()).isEqualTo("ok");
            assertThat(body.get("connections").asInt()).isEqualTo(1);
            assertThat(body.get("documents").asInt()).isEqualTo(1);
            // The pressure: what the connection limit counts, descriptors and heap, each against its limit.
            assertThat(body.at("/limits/connections/current").asInt()).isEqualTo(1);
            assertThat(body.at("/limits/connections/max").asInt()).isPositive();
            assertThat(body.at("/limits/descriptors/open").asLong()).isPositive();
            assertThat(body.at("/limits/descriptors/max").asLong()).isGreaterThan(body.at("/limits/descriptors/open").asLong());
            assertThat(body.at("/limits/heap/used").asLong()).isPositive();
            assertThat(body.at("/limits/heap/max").asLong()).isEqualTo(Runtime.getRuntime().maxMemory());
            assertThat(body.get("reasons").isArray()).isTrue();
        }
        assertThat(Net.http(server.port(), "GET", "/nothing-here").statusCode()).isEqualTo(404);
        assertThat(Net.http(server.port(), "DELETE", "/health").statusCode()).isEqualTo(404);
    }

    @Test
    void onRequestSeesEveryHttpRequest() {
        List<HttpRequest> seen = new CopyOnWriteArrayList<>();
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public HttpRequest onRequest(HttpRequest request, HookContext context) {
                seen.add(request);
                return null;
            }
        });

        assertThat(Net.http(server.port(), "GET", "/metrics?verbose=1", "X-Probe", "p1").statusCode()).isEqualTo(200);
        assertThat(Net.http(server.port(), "POST", "/other").statusCode()).isEqualTo(404);

        assertThat(seen).hasSize(2);
        HttpRequest first = seen.get(0);
        assertThat(first.method()).isEqualTo("GET");
        assertThat(first.path()).isEqualTo("/metrics");
        assertThat(first.query()).isEqualTo("verbose=1");
        assertThat(first.header("x-probe")).isEqualTo("p1");
        assertThat(first.remoteAddress()).startsWith("127.0.0.1:");
        assertThat(seen.get(1).method()).isEqualTo("POST");
        assertThat(seen.get(1).path()).isEqualTo("/other");
    }

    @Test
    void aHookThatAnswersEndsTheChainAndItsResponseIsSent() {
        AtomicInteger laterCalls = new AtomicInteger();
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public int priority() {
                return 200;
            }

            @Override
            public HttpRequest onRequest(HttpRequest request, HookContext context) {
                return request.path().equals("/teapot") ? request.respond(418, "text/plain", "short and stout") : null;
            }
        }, new ServerHooks() {
            @Override
            public HttpRequest onRequest(HttpRequest request, HookContext context) {
                laterCalls.incrementAndGet();
                return null;
            }
        });

        HttpResponse<String> response = Net.http(server.port(), "GET", "/teapot");

        assertThat(response.statusCode()).isEqualTo(418);
        assertThat(response.body()).isEqualTo("short and stout");
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain");
        assertThat(laterCalls).hasValue(0);
        // Other paths go through the whole chain and on to the routes.
        assertThat(Net.http(server.port(), "GET", "/metrics").statusCode()).isEqualTo(200);
        assertThat(laterCalls).hasValue(1);
    }

    @Test
    void aRewrittenPathIsWhatTheRoutesSee() throws Exception {
        List<String> pathsSeenLater = new CopyOnWriteArrayList<>();
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public int priority() {
                return 200;
            }

            @Override
            public HttpRequest onRequest(HttpRequest request, HookContext context) {
                return request.path().equals("/healthz") ? request.withPath("/health") : null;
            }
        }, new ServerHooks() {
            @Override
            public HttpRequest onRequest(HttpRequest request, HookContext context) {
                pathsSeenLater.add(request.path());
                return null;
            }
        });

        HttpResponse<String> response = Net.http(server.port(), "GET", "/healthz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(response.body()).get("status").asText()).isEqualTo("ok");
        assertThat(pathsSeenLater).containsExactly("/health");
    }

    @Test
    void onRequestRejectAnswersWithTheStatusAndReason() {
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public HttpRequest onRequest(HttpRequest request, HookContext context) {
                if (request.header("authorization") == null) {
                    throw new Reject(4401, "token required");
                }
                return null;
            }
        });

        HttpResponse<String> refused = Net.http(server.port(), "GET", "/metrics");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("token required");

        assertThat(Net.http(server.port(), "GET", "/metrics", "Authorization", "Bearer x").statusCode()).isEqualTo(200);
        // GET /health is answered before the hooks: a load balancer's probe needs no token.
        assertThat(Net.http(server.port(), "GET", "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void healthAnswersWhileEveryOtherRequestIsStuckInAHook() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public HttpRequest onRequest(HttpRequest request, HookContext context) {
                entered.countDown();
                try {
                    release.await(); // a hook that hangs: every request it sees waits
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }
        });
        try {
            CompletableFuture<Integer> stuck = CompletableFuture.supplyAsync(
                    () -> Net.http(server.port(), "GET", "/hookline.js").statusCode());
            assertThat(entered.await(5, TimeUnit.SECONDS)).as("the request reached the hook").isTrue();

            HttpResponse<String> health = Net.http(server.port(), "GET", "/health");

            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode body = Json.MAPPER.readTree(health.body());
            assertThat(body.get("status").asText()).isEqualTo("ok");
            assertThat(body.at("/limits/connections/current").asInt()).as("the stuck request counts").isEqualTo(1);
            assertThat(stuck).isNotDone();
            release.countDown();
            assertThat(stuck.get(5, TimeUnit.SECONDS)).isEqualTo(200);
        } finally {
            release.countDown();
        }
    }

    @Test
    void onUpgradeSeesTheHandshake() {
        List<Upgrade> upgrades = new CopyOnWriteArrayList<>();
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public void onUpgrade(Upgrade upgrade, HookContext context) {
                upgrades.add(upgrade);
            }
        });

        try (WsClient client = WsClient.connect(server.port(), "room=7", Map.of("X-Team", "blue"))) {
            client.await("welcome");
        }

        assertThat(upgrades).hasSize(1);
        assertThat(upgrades.get(0).path()).isEqualTo("/ws");
        assertThat(upgrades.get(0).query()).isEqualTo("room=7");
        assertThat(upgrades.get(0).headers().get("x-team")).containsExactly("blue");
        assertThat(upgrades.get(0).remoteAddress()).startsWith("127.0.0.1:");
    }

    @Test
    void onUpgradeRejectRefusesTheHandshakeWithTheHttpStatus() {
        AtomicInteger connects = new AtomicInteger();
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public void onUpgrade(Upgrade upgrade, HookContext context) {
                if (!upgrade.query().contains("key=good")) {
                    throw new Reject(4401, "bad key");
                }
            }

            @Override
            public Connect onConnect(Connect connect, HookContext context) {
                connects.incrementAndGet();
                return null;
            }
        });

        assertThatThrownBy(() -> WsClient.connect(server.port(), "key=bad", Map.of()))
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
        assertThat(connects).hasValue(0);
        assertThat(server.connectionCount()).isZero();

        try (WsClient accepted = WsClient.connect(server.port(), "key=good", Map.of())) {
            accepted.await("welcome");
            assertThat(connects).hasValue(1);
        }
    }
}
