package dev.hookline.plugins.postgres;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hookline.api.Connection;
import dev.hookline.api.HookContext;
import dev.hookline.api.PluginContext;
import dev.hookline.api.ServerApi;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A hook context for calling the hooks directly, with the plugin's settings bound as the server binds them. */
record TestContext(JsonNode settings) implements HookContext, PluginContext {

    private static final ObjectMapper BINDER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static TestContext of(String settingsJson) {
        try {
            return new TestContext(BINDER.readTree(settingsJson));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public ServerApi server() {
        throw new IllegalStateException("no server");
    }

    @Override
    public Optional<Connection> connection() {
        return Optional.empty();
    }

    @Override
    public PluginContext plugin() {
        return this;
    }

    @Override
    public String id() {
        return "postgres";
    }

    @Override
    public String version() {
        return "test";
    }

    @Override
    public Logger logger() {
        return LoggerFactory.getLogger("hookline.plugin.postgres");
    }

    @Override
    public <T> T settings(Class<T> type) {
        try {
            return BINDER.treeToValue(settings, type);
        } catch (Exception e) {
            throw new IllegalArgumentException("the settings of plugin 'postgres' do not fit " + type.getSimpleName()
                    + ": " + e.getMessage(), e);
        }
    }
}
