package dev.hookline.server.plugins;

import dev.hookline.api.ServerHooks;
import dev.hookline.server.Version;
import dev.hookline.server.hooks.HookSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds hooks on the class path with {@link ServiceLoader}, for a server embedded in an
 * application: the same {@code META-INF/services/dev.hookline.api.ServerHooks} files a plugin jar
 * has, without PF4J.
 */
public final class ClasspathHooks {

    /** The source id of hooks found on the class path. */
    public static final String SOURCE_ID = "classpath";

    private static final Logger log = LoggerFactory.getLogger(ClasspathHooks.class);

    private ClasspathHooks() {
    }

    /**
     * @return a source with one instance of every listed class that could be created; the others
     *         are logged with their reason and skipped
     */
    public static HookSource discover(ClassLoader loader) {
        List<ServerHooks> hooks = new ArrayList<>();
        Iterator<ServerHooks> providers = ServiceLoader.load(ServerHooks.class, loader).iterator();
        while (true) {
            try {
                if (!providers.hasNext()) {
                    break;
                }
                hooks.add(providers.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                log.error("Hooks on the class path skipped: {}", e.getMessage(), e);
            }
        }
        return new HookSource(SOURCE_ID, Version.get(), hooks);
    }
}
