package dev.hookline.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Connection;
import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.client.ClientHooks;
import dev.hookline.api.payload.Connected;
import dev.hookline.server.Hookline;
import dev.hookline.server.config.ServerConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * A real server on 127.0.0.1 (random port, hooks registered in code) and real Java clients over
 * loopback WebSockets; everything is closed after each test. The server records every connection
 * so that a test can close one from the server side.
 */
abstract class ClientTestSupport {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(10);

    Hookline server;
    final List<HooklineClient> clients = new CopyOnWriteArrayList<>();
    /** Server-side connections by id (= the client's {@link HooklineClient#connectionId()}). */
    final Map<String, Connection> connections = new ConcurrentHashMap<>();

    /** Records connections; always registered. */
    final class ConnectionRecorder implements ServerHooks {
        @Override
        public void connected(Connected connected, HookContext context) {
            context.connection().ifPresent(c -> connections.put(c.id(), c));
        }
    }

    Hookline start(ServerHooks... hooks) {
        return start(ServerConfig.DEFAULTS.withAddress("127.0.0.1", 0), hooks);
    }

    Hookline start(ServerConfig config, ServerHooks... hooks) {
        List<ServerHooks> all = new ArrayList<>(List.of(hooks));
        all.add(new ConnectionRecorder());
        server = Hookline.builder().config(config).classpathHooks(false)
                .hooks(all.toArray(ServerHooks[]::new)).start();
        return server;
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/ws");
    }

    /** A client (fast reconnect) that got its welcome. */
    HooklineClient client(ClientHooks... hooks) {
        HooklineClient client = HooklineClient.builder(uri()).hooks(hooks)
                .reconnect(Duration.ofMillis(20), Duration.ofMillis(200)).build();
        clients.add(client);
        get(client.ready());
        return client;
    }

    /** Closes the client's socket from the server side (goodbye + close frame). */
    void kick(HooklineClient client, int code, String reason) {
        Connection connection = connections.get(client.connectionId());
        if (connection == null) {
            throw new AssertionError("no server connection " + client.connectionId());
        }
        connection.close(code, reason);
    }

    @AfterEach
    void stopAll() {
        for (HooklineClient client : clients) {
            client.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    static <T> T get(Future<T> future) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The failure of a future that must fail. */
    static Throwable failure(Future<?> future) {
        try {
            future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure");
    }

    /** JSON with single quotes for readability. */
    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static ObjectNode object(String text) {
        return (ObjectNode) json(text);
    }

    /** The server's node at a path, JSON null when absent. */
    JsonNode serverValue(String document, String path) {
        return server.api().get(document, path).orElse(MAPPER.nullNode());
    }
}
