package dev.hookline.server.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What the configuration says about one plugin: whether it runs, a priority that overrides the
 * one its classes declare, its hook deadlines, and its own settings.
 *
 * @param enabled      whether the plugin's hooks run at all
 * @param priority     overrides {@code ServerHooks.priority()} for every class of the plugin; {@code null} keeps theirs
 * @param timeout      the deadline of each hook call; {@code null} uses the engine's default (10 s)
 * @param hookTimeouts deadlines for single hooks by name ({@code onLoadDocument: 30s}), overriding {@code timeout}
 * @param settings     the plugin's own settings object, bound by {@code PluginContext.settings(Class)}
 */
public record PluginSettings(boolean enabled, Integer priority, Duration timeout, Map<String, Duration> hookTimeouts,
                             JsonNode settings) {

    /** Enabled, declared priorities, default deadlines, no settings. */
    public static final PluginSettings DEFAULTS = new PluginSettings(true, null, null, Map.of(), null);

    public PluginSettings {
        hookTimeouts = hookTimeouts == null ? Map.of() : Map.copyOf(hookTimeouts);
        settings = settings == null ? JsonNodeFactory.instance.objectNode() : settings;
        hookTimeouts.forEach((hook, deadline) -> {
            if (Hooks.byName(hook) == null) {
                throw new IllegalArgumentException("unknown hook '" + hook + "' in hook timeouts; hooks are "
                        + Hooks.all());
            }
            requirePositive(deadline, hook);
        });
        if (timeout != null) {
            requirePositive(timeout, "timeout");
        }
    }

    private static void requirePositive(Duration deadline, String what) {
        if (Objects.requireNonNull(deadline, what).isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException(what + " must be a positive duration, not " + deadline);
        }
    }

    /** @return the deadline of {@code hook}, falling back to the plugin's, then to {@code engineDefault} */
    Duration timeoutFor(Hook<?> hook, Duration engineDefault) {
        Duration specific = hookTimeouts.get(hook.name());
        return specific != null ? specific : timeout != null ? timeout : engineDefault;
    }

    /** @return a copy with another priority */
    public PluginSettings withPriority(Integer priority) {
        return new PluginSettings(enabled, priority, timeout, hookTimeouts, settings);
    }

    /** @return a copy with another default deadline */
    public PluginSettings withTimeout(Duration timeout) {
        return new PluginSettings(enabled, priority, timeout, hookTimeouts, settings);
    }

    /** @return a copy with a deadline for one hook */
    public PluginSettings withHookTimeout(String hook, Duration deadline) {
        Map<String, Duration> copy = new java.util.HashMap<>(hookTimeouts);
        copy.put(hook, deadline);
        return new PluginSettings(enabled, priority, timeout, copy, settings);
    }

    /** @return a copy enabled or disabled */
    public PluginSettings withEnabled(boolean enabled) {
        return new PluginSettings(enabled, priority, timeout, hookTimeouts, settings);
    }

    /** @return a copy with other plugin settings */
    public PluginSettings withSettings(JsonNode settings) {
        return new PluginSettings(enabled, priority, timeout, hookTimeouts, settings);
    }
}
