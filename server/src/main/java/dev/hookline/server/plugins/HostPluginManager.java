package dev.hookline.server.plugins;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFinder;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginFactory;
import org.pf4j.PluginLoader;
import org.pf4j.PluginWrapper;
import org.pf4j.RuntimeMode;

/**
 * PF4J's manager, set up the way Hookline needs it:
 * <ul>
 *   <li>hooks are found through {@code META-INF/services} ({@link HookServicesFinder}, a narrowed
 *       {@code ServiceProviderExtensionFinder}), never through {@code @Extension} ordinals, which
 *       sort ascending and tie at random;</li>
 *   <li>plugin class loaders are {@link HostPluginClassLoader}s;</li>
 *   <li>a plugin whose dependencies cannot be resolved is skipped, not fatal to all the others
 *       (PF4J's default strategy throws);</li>
 *   <li>always deployment mode, whatever the {@code pf4j.mode} system property says.</li>
 * </ul>
 * It exposes PF4J's protected steps so that {@link PluginHost} can load jar by jar and report
 * each failure with its reason. PF4J's plugin repository (and its expansion of zips next to
 * themselves) is not used: the host lists the folder itself and loads staged copies
 * ({@link PluginStaging}).
 */
final class HostPluginManager extends DefaultPluginManager {

    private final Consumer<HostPluginClassLoader> deferredClose;
    private final StopDeferral stops;

    HostPluginManager(Path pluginsRoot, String systemVersion, Consumer<HostPluginClassLoader> deferredClose,
                      StopDeferral stops) {
        super(List.of(pluginsRoot));
        this.deferredClose = deferredClose;
        this.stops = stops;
        setSystemVersion(systemVersion);
    }

    @Override
    protected void initialize() {
        super.initialize();
        setResolveRecoveryStrategy(ResolveRecoveryStrategy.IGNORE_PLUGIN_AND_CONTINUE);
    }

    @Override
    public RuntimeMode getRuntimeMode() {
        return RuntimeMode.DEPLOYMENT;
    }

    @Override
    protected ExtensionFinder createExtensionFinder() {
        HookServicesFinder finder = new HookServicesFinder(this);
        addPluginStateListener(finder);
        return finder;
    }

    @Override
    protected PluginFactory createPluginFactory() {
        // PF4J calls this from its constructor, before this class's fields are set: read them later.
        return new HostPluginFactory(() -> stops);
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new CompoundPluginLoader()
                .add(new JarPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
                        return newClassLoader(pluginPath, descriptor);
                    }
                })
                .add(new DefaultPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
                        return newClassLoader(pluginPath, descriptor);
                    }
                });
    }

    private PluginClassLoader newClassLoader(Path pluginPath, PluginDescriptor descriptor) {
        return new HostPluginClassLoader(this, descriptor, getClass().getClassLoader(),
                pluginPath.toAbsolutePath().normalize(), deferredClose);
    }

    /** Loads one plugin without resolving it; throws with the reason when it cannot. */
    PluginWrapper loadOne(Path path) {
        return loadPluginFromPath(path);
    }

    /** Reads a plugin's descriptor without loading it; throws with the reason when it is not valid. */
    PluginDescriptor descriptorOf(Path path) {
        PluginDescriptor descriptor = getPluginDescriptorFinder().find(path);
        validatePluginDescriptor(descriptor);
        return descriptor;
    }

    /** @return whether this server's version satisfies the plugin's {@code Plugin-Requires} */
    boolean versionFits(PluginDescriptor descriptor) {
        return getVersionManager().checkVersionConstraint(getSystemVersion(), descriptor.getRequires());
    }

    /** Resolves dependencies of everything loaded; plugins that cannot be resolved are unloaded. */
    void resolve() {
        resolvePlugins();
    }
}
