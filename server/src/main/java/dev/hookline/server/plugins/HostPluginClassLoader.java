package dev.hookline.server.plugins;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin's class loader. Two differences from PF4J's:
 * <ul>
 *   <li>The API and the libraries it exposes (Jackson, SLF4J, PF4J) always come from the host,
 *       even when the plugin bundles a copy. Otherwise the plugin's {@code ServerHooks} would be
 *       another class than the host's, and PF4J would silently drop its hooks.</li>
 *   <li>{@link #close()} is deferred: on a reload, chains that started on the old snapshot may
 *       still be running the old classes and must be able to load what they need.</li>
 * </ul>
 */
final class HostPluginClassLoader extends PluginClassLoader {

    private static final String[] HOST_PACKAGES = {
        "dev.hookline.api.",
        "com.fasterxml.jackson.",
        "org.slf4j.",
    };

    private final Consumer<HostPluginClassLoader> deferredClose;
    private final Path pluginPath;
    private final String pluginId;
    private final String pluginVersion;

    HostPluginClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent,
                          Path pluginPath, Consumer<HostPluginClassLoader> deferredClose) {
        super(manager, descriptor, parent);
        this.pluginPath = pluginPath;
        this.deferredClose = deferredClose;
        this.pluginId = descriptor.getPluginId();
        this.pluginVersion = descriptor.getVersion();
    }

    /** @return the {@code Plugin-Id} of the plugin this loader was made for */
    String pluginId() {
        return pluginId;
    }

    /** @return the {@code Plugin-Version} of the plugin this loader was made for */
    String pluginVersion() {
        return pluginVersion;
    }

    /** @return whether this loader defined a class of that name (closed or not; it loads nothing new) */
    boolean defines(String className) {
        return findLoadedClass(className) != null;
    }

    /** @return the jar or folder this loader reads: the host's staged copy */
    Path pluginPath() {
        return pluginPath;
    }

    @Override
    protected boolean shouldDelegateToParent(String className) {
        if (super.shouldDelegateToParent(className)) {
            return true;
        }
        for (String prefix : HOST_PACKAGES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Hands the loader to the host, which closes it once nothing can be running its classes. */
    @Override
    public void close() {
        deferredClose.accept(this);
    }

    /** Really closes the loader and its jar files. */
    void closeNow() throws IOException {
        super.close();
    }
}
