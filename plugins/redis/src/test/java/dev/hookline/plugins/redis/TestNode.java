package dev.hookline.plugins.redis;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.api.PluginContext;
import dev.hookline.api.cluster.ClusterNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A node as the engine sees it, with the settings bound as the server binds them; records what it is handed. */
final class TestNode implements ClusterNode {

    private static final ObjectMapper BINDER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A message as received, with the thread that handed it over. */
    record Received(String from, byte[] message, String thread) {
    }

    private final String id;
    private final JsonNode settings;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger reconnections = new AtomicInteger();
    private final PluginContext context = new Context();

    TestNode(String id, String settingsJson) {
        this.id = id;
        try {
            this.settings = BINDER.readTree(settingsJson);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public PluginContext plugin() {
        return context;
    }

    @Override
    public void receive(String from, byte[] message) {
        received.add(new Received(from, message, Thread.currentThread().getName()));
    }

    @Override
    public void reconnected() {
        reconnections.incrementAndGet();
    }

    /** The plugin's side: its settings and logger. */
    private final class Context implements PluginContext {

        @Override
        public String id() {
            return "redis";
        }

        @Override
        public String version() {
            return "test";
        }

        @Override
        public Logger logger() {
            return LoggerFactory.getLogger("hookline.plugin.redis");
        }

        @Override
        public JsonNode settings() {
            return settings;
        }

        @Override
        public <T> T settings(Class<T> type) {
            try {
                return BINDER.treeToValue(settings, type);
            } catch (Exception e) {
                throw new IllegalArgumentException("the settings of plugin 'redis' do not fit " + type.getSimpleName()
                        + ": " + e.getMessage(), e);
            }
        }
    }
}
