package dev.hookline.testkit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.api.Connection;
import dev.hookline.api.HookContext;
import dev.hookline.api.PluginContext;
import dev.hookline.api.ServerApi;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hook context, and the plugin's context, for calling a plugin's hooks directly in a unit test:
 * the plugin's settings bound as the server binds them (unknown keys fail, wrapped in an
 * {@link IllegalArgumentException} naming the plugin), the plugin's logger
 * ({@code hookline.plugin.<id>}) and, optionally, a connection. There is no server:
 * {@link #server()} throws.
 *
 * <pre>{@code
 * TestHookContext context = TestHookContext.of("greeter", "{\"greeting\":\"hi\"}");
 * hooks.onConnect(connect, context.on("c1"));
 * }</pre>
 *
 * @param pluginId the plugin's id
 * @param settings the plugin's settings
 * @param conn     the connection the hook is called for, or {@code null}
 */
public record TestHookContext(String pluginId, JsonNode settings, Connection conn)
        implements HookContext, PluginContext {

    private static final ObjectMapper BINDER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public TestHookContext {
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(settings, "settings");
    }

    /**
     * @param settingsJson the plugin's settings as JSON text, e.g. {@code "{}"}
     * @throws IllegalArgumentException when the text is not JSON
     */
    public static TestHookContext of(String pluginId, String settingsJson) {
        try {
            return new TestHookContext(pluginId, BINDER.readTree(settingsJson), null);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** @return the same settings, for a hook call on behalf of a {@link TestConnection} with this id */
    public TestHookContext on(String connectionId) {
        return new TestHookContext(pluginId, settings, new TestConnection(connectionId, "127.0.0.1:5342", Map.of()));
    }

    /** A connection that is open, writable and does nothing when closed. */
    public record TestConnection(String id, String remoteAddress, Map<String, Object> attributes) implements Connection {
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

    /** @throws IllegalStateException always: there is no server */
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
        return pluginId;
    }

    @Override
    public String version() {
        return "test";
    }

    @Override
    public Logger logger() {
        return LoggerFactory.getLogger("hookline.plugin." + pluginId);
    }

    @Override
    public <T> T settings(Class<T> type) {
        try {
            return BINDER.treeToValue(settings, type);
        } catch (Exception e) {
            throw new IllegalArgumentException("the settings of plugin '" + pluginId + "' do not fit "
                    + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
