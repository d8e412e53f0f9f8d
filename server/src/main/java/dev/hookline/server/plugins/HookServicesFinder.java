package dev.hookline.server.plugins;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginManager;
import org.pf4j.PluginWrapper;
import org.pf4j.ServiceProviderExtensionFinder;

/**
 * PF4J's {@link ServiceProviderExtensionFinder}, narrowed to the one services file Hookline reads.
 *
 * <p>The stock finder lists the {@code META-INF/services} directory of each plugin and reads every
 * file in it. That fails on jars written without directory entries (the lookup of the directory
 * finds nothing, so every hook is silently dropped), and it loads the classes of unrelated
 * services files (a shaded JDBC driver, Jackson modules) just to test them against the extension
 * type. This finder reads {@code META-INF/services/dev.hookline.api.ServerHooks} by name, and
 * leaves the class path to {@link ClasspathHooks}.
 */
final class HookServicesFinder extends ServiceProviderExtensionFinder {

    HookServicesFinder(PluginManager manager) {
        super(manager);
    }

    @Override
    public Map<String, Set<String>> readClasspathStorages() {
        return Map.of();
    }

    @Override
    public Map<String, Set<String>> readPluginsStorages() {
        Map<String, Set<String>> result = new LinkedHashMap<>();
        for (PluginWrapper plugin : pluginManager.getPlugins()) {
            try {
                result.put(plugin.getPluginId(),
                        new LinkedHashSet<>(ServicesFile.hookClasses((PluginClassLoader) plugin.getPluginClassLoader())));
            } catch (RuntimeException e) {
                result.put(plugin.getPluginId(), Set.of()); // reported by PluginHost when it reads the same file
            }
        }
        return result;
    }
}
