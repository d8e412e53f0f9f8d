package dev.hookline.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;

/**
 * What the server knows about the plugin a hook belongs to: its id, its configuration section
 * and a logger named after it. One instance per loaded plugin; safe to keep.
 */
public interface PluginContext {

    /** @return the plugin id ({@code Plugin-Id} in the manifest; {@code "app"} or {@code "classpath"} when embedded) */
    String id();

    /**
     * @return the plugin version ({@code Plugin-Version}); the server's version for hooks found on
     *         the class path; {@code "0.0.0"} for hooks registered in code
     */
    String version();

    /** @return a logger named {@code hookline.plugin.<id>} */
    Logger logger();

    /**
     * @return the plugin's own settings: the {@code settings} object of its section in the server
     *         configuration, or an empty object; do not modify it
     */
    JsonNode settings();

    /**
     * Binds the plugin's settings to a type of its own, typically a record. Unknown keys are
     * an error, so a typo in the configuration is reported rather than ignored; absent keys take
     * Java's defaults ({@code null}, 0, false). {@code java.time} types work ({@code "PT10S"}).
     *
     * @param <T>  the type
     * @param type the class to bind to
     * @return the settings as a {@code T}
     * @throws IllegalArgumentException naming the plugin and the bad key when the settings do not fit
     */
    <T> T settings(Class<T> type);
}
