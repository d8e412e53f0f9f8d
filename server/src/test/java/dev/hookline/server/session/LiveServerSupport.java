package dev.hookline.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.ServerHooks;
import dev.hookline.server.Hookline;
import dev.hookline.server.config.ServerConfig;
import dev.hookline.server.protocol.Json;
import dev.hookline.server.testsupport.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;

/**
 * Shared plumbing for the document-level integration tests: a server on 127.0.0.1 with hooks
 * registered in code, real WebSocket clients that are closed after each test, and an event log
 * the hooks write to.
 */
abstract class LiveServerSupport {

    /** How long to listen for frames that must NOT arrive. */
    static final Duration QUIET = Duration.ofMillis(300);

    Hookline server;
    final List<WsClient> clients = new CopyOnWriteArrayList<>();
    final Map<WsClient, String> connectionIds = new ConcurrentHashMap<>();
    /** What the hooks saw, in the order they ran. */
    final List<String> events = new CopyOnWriteArrayList<>();

    Hookline start(ServerHooks... hooks) {
        return start(ServerConfig.DEFAULTS.withAddress("127.0.0.1", 0), hooks);
    }

    Hookline start(ServerConfig config, ServerHooks... hooks) {
        server = Hookline.builder().config(config).classpathHooks(false).hooks(hooks).start();
        return server;
    }

    /** A client that got its welcome; its connection id is in {@link #connectionIds}. */
    WsClient client() {
        WsClient client = WsClient.connect(server.port());
        clients.add(client);
        connectionIds.put(client, client.await("welcome").get("conn").asText());
        return client;
    }

    String id(WsClient client) {
        return connectionIds.get(client);
    }

    @AfterEach
    void stopServer() {
        for (WsClient client : clients) {
            client.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    // ---- frames ---------------------------------------------------------------------------------

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static JsonNode text(String value) {
        return Json.MAPPER.getNodeFactory().textNode(value);
    }

    static JsonNode number(int value) {
        return Json.MAPPER.getNodeFactory().numberNode(value);
    }

    static JsonNode write(WsClient client, String type, String doc, String path, JsonNode value) {
        ObjectNode frame = client.frame(type).put("doc", doc).put("path", path);
        if (value != null) {
            frame.set("value", value);
        }
        return client.request(frame);
    }

    /** Sends a presence state ({@code null}: clears it); returns the ack or error. */
    static JsonNode presence(WsClient client, String doc, JsonNode state) {
        ObjectNode frame = client.frame("presence").put("doc", doc);
        frame.set("state", state);
        return client.request(frame);
    }

    /** Sends a stateless payload; returns the ack or error. */
    static JsonNode stateless(WsClient client, String doc, JsonNode payload) {
        ObjectNode frame = client.frame("stateless").put("doc", doc);
        frame.set("payload", payload);
        return client.request(frame);
    }

    static JsonNode delete(WsClient client, String doc, String path) {
        return client.request(client.frame("delete").put("doc", doc).put("path", path));
    }

    static JsonNode subscribeSince(WsClient client, String doc, String path, long since) {
        return client.request(client.frame("sub").put("doc", doc).put("path", path).put("since", since));
    }

    static JsonNode subscribeKeys(WsClient client, String doc, String path) {
        return client.request(client.frame("sub").put("doc", doc).put("path", path).put("keys", true));
    }

    static boolean is(JsonNode frame, String type) {
        return frame.path("type").asText().equals(type);
    }

    static boolean isChange(JsonNode frame, String path) {
        return is(frame, "change") && frame.path("path").asText().equals(path);
    }

    /** Fails unless the answer is an error with this code. */
    static JsonNode error(JsonNode answer, int code) {
        if (!is(answer, "error") || answer.path("code").asInt() != code) {
            throw new AssertionError("expected an error " + code + ", got " + answer);
        }
        return answer;
    }
}
