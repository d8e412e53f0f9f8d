package dev.hookline.server.testsupport;

import dev.hookline.testkit.PluginJar;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Builds plugin jars whose hook classes are written as short method bodies. */
public final class TestPlugins {

    private TestPlugins() {
    }

    /**
     * A plugin builder with one hooks class {@code <pkg>.Hooks}: the given priority and members
     * (methods overriding ServerHooks). Imports cover the API, its payloads, Jackson nodes and {@link Probe}.
     */
    public static PluginJar.Builder plugin(String id, int priority, String members) {
        return plugin(id).source(packageOf(id) + ".Hooks", hooksClass(id, "Hooks", priority, members))
                .hooks(packageOf(id) + ".Hooks");
    }

    /** A plugin builder that can see {@link Probe} at compile time, with no classes yet. */
    public static PluginJar.Builder plugin(String id) {
        return PluginJar.builder(id).classpath(testClasses());
    }

    /** The source of a hooks class in the plugin's package. */
    public static String hooksClass(String id, String simpleName, int priority, String members) {
        return """
                package %s;

                import dev.hookline.api.*;
                import dev.hookline.api.payload.*;
                import com.fasterxml.jackson.databind.node.*;
                import dev.hookline.server.testsupport.Probe;

                public class %s implements ServerHooks {
                    @Override
                    public int priority() {
                        return %d;
                    }

                %s
                }
                """.formatted(packageOf(id), simpleName, priority, members);
    }

    /** A Java package name for a plugin id. */
    public static String packageOf(String id) {
        return "plugin_" + id.replaceAll("[^A-Za-z0-9]", "_");
    }

    /**
     * An onUpdate body that appends the given mark to the update's value (an array), so the
     * returned payload shows which hooks ran and in what order.
     */
    public static String appendMark(String mark) {
        return """
                    @Override
                    public Update onUpdate(Update update, HookContext context) {
                        ArrayNode marks = ((ArrayNode) update.value()).deepCopy();
                        marks.add("%s");
                        return update.withValue(marks);
                    }
                """.formatted(mark);
    }

    /** An onUpdate body that records {@code event} in {@link Probe} and changes nothing. */
    public static String recordEvent(String event) {
        return """
                    @Override
                    public Update onUpdate(Update update, HookContext context) {
                        Probe.event("%s");
                        return null;
                    }
                """.formatted(event);
    }

    private static Path testClasses() {
        try {
            return Path.of(Probe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
