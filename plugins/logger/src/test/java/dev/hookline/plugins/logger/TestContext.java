package dev.hookline.plugins.logger;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.api.Connection;
import dev.hookline.api.HookContext;
import dev.hookline.api.PluginContext;
import dev.hookline.api.ServerApi;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hook context for calling the hooks directly: the plugin's settings bound as the server binds
 * them (unknown keys fail, wrapped in an IllegalArgumentException naming the plugin), and an
 * optional connection.
 */
record TestContext(JsonNode settings, Connection conn) implements HookContext, PluginContext {

    static final String LOGGER = "hookline.plugin.logger";
    private static final ObjectMapper BINDER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static TestContext of(String settingsJson) {
        try {
            return new TestContext(BINDER.readTree(settingsJson), null);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The same settings, for an event of this connection. */
    TestContext on(String connectionId) {
        return new TestContext(settings, new TestConnection(connectionId, "127.0.0.1:5342", Map.of()));
    }

    record TestConnection(String id, String remoteAddress, Map<String, Object> attributes) implements Connection {
        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close(int code, String reason) {
        }
    }

    @Override
    public ServerApi server() {
        throw new IllegalStateException("no server");
    }

    @Override
    public Optional<Connection> connection() {
        return Optional.ofNullable(conn);
    }

    @Override
    public PluginContext plugin() {
        return this;
    }

    @Override
    public String id() {
        return "logger";
    }

    @Override
    public String version() {
        return "test";
    }

    @Override
    public Logger logger() {
        return LoggerFactory.getLogger(LOGGER);
    }

    @Override
    public <T> T settings(Class<T> type) {
        try {
            return BINDER.treeToValue(settings, type);
        } catch (Exception e) {
            throw new IllegalArgumentException("the settings of plugin 'logger' do not fit " + type.getSimpleName()
                    + ": " + e.getMessage(), e);
        }
    }
}
