package dev.hookline.server.hooks;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.hookline.api.PluginContext;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The context of one installed plugin, shared by all its hook entries. */
final class DefaultPluginContext implements PluginContext {

    /** Unknown keys fail (a typo is reported, not ignored); absent keys take Java's defaults; java.time works. */
    private static final ObjectMapper BINDER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .registerModule(new JavaTimeModule());

    private final String id;
    private final String version;
    private final JsonNode settings;
    private final Logger logger;

    DefaultPluginContext(String id, String version, JsonNode settings) {
        this.id = Objects.requireNonNull(id);
        this.version = Objects.requireNonNull(version);
        this.settings = Objects.requireNonNull(settings);
        this.logger = LoggerFactory.getLogger("hookline.plugin." + id);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public Logger logger() {
        return logger;
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
            throw new IllegalArgumentException("the settings of plugin '" + id + "' do not fit " + type.getSimpleName()
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "plugin " + id + " " + version;
    }
}
