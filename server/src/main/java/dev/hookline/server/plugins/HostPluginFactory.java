package dev.hookline.server.plugins;

import java.lang.reflect.Constructor;
import java.util.function.Supplier;
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

    private final Supplier<StopDeferral> stops;

    HostPluginFactory(Supplier<StopDeferral> stops) {
        this.stops = stops;
    }

    @Override
    public Plugin create(PluginWrapper wrapper) {
        return new DeferrableStop(wrapper.getPluginId(), createPlugin(wrapper), stops.get());
    }

    private static Plugin createPlugin(PluginWrapper wrapper) {
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

    /**
     * The plugin PF4J starts and stops. Its {@code stop()} can be held back while the host reloads
     * a plugin: PF4J stops the old version before the new one is loaded, but the old version's
     * hooks keep serving until the new ones are swapped in, and they must still work until then.
     */
    private static final class DeferrableStop extends Plugin {

        private final String id;
        private final Plugin delegate;
        private final StopDeferral stops;

        DeferrableStop(String id, Plugin delegate, StopDeferral stops) {
            this.id = id;
            this.delegate = delegate;
            this.stops = stops;
        }

        @Override
        public void start() {
            delegate.start();
        }

        @Override
        public void stop() {
            if (!stops.defer(id, delegate::stop)) {
                delegate.stop();
            }
        }

        @Override
        public void delete() {
            delegate.delete();
        }
    }
}
