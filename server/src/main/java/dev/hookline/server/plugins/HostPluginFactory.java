package dev.hookline.server.plugins;

import java.lang.reflect.Constructor;
import org.pf4j.Plugin;
import org.pf4j.PluginFactory;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginWrapper;

/**
 * Creates a plugin's {@code Plugin-Class}. Unlike PF4J's default factory it makes the class
 * optional (most Hookline plugins only contribute hooks and need no lifecycle), and it fails with
 * the reason instead of returning {@code null}, which PF4J would turn into a bare
 * NullPointerException at start.
 */
final class HostPluginFactory implements PluginFactory {

    @Override
    public Plugin create(PluginWrapper wrapper) {
        String className = wrapper.getDescriptor().getPluginClass();
        if (className == null || className.isBlank() || className.equals(Plugin.class.getName())) {
            return new Plugin() {
            };
        }
        Class<?> type;
        try {
            type = wrapper.getPluginClassLoader().loadClass(className);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new PluginRuntimeException(e, "Plugin-Class {} cannot be loaded: {}", className, e.toString());
        }
        if (!Plugin.class.isAssignableFrom(type)) {
            throw new PluginRuntimeException("Plugin-Class {} does not extend org.pf4j.Plugin", className);
        }
        try {
            Constructor<?> constructor = type.getConstructor();
            return (Plugin) constructor.newInstance();
        } catch (NoSuchMethodException e) {
            throw new PluginRuntimeException("Plugin-Class {} needs a public no-argument constructor", className);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new PluginRuntimeException(cause, "Plugin-Class {} could not be created: {}", className, cause.toString());
        }
    }
}
