package dev.hookline.server.plugins;

import dev.hookline.api.ServerHooks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import org.pf4j.PluginClassLoader;

/** Reads a plugin's own {@code META-INF/services/dev.hookline.api.ServerHooks}. */
final class ServicesFile {

    static final String PATH = "META-INF/services/" + ServerHooks.class.getName();

    private ServicesFile() {
    }

    /**
     * @return the class names listed in the plugin's own services file (not its dependencies' nor
     *         the host's), in order, without comments, blanks or duplicates
     */
    static List<String> hookClasses(PluginClassLoader loader) {
        return classes(loader, PATH);
    }

    /** @return the class names listed in the plugin's own {@code path} (a services file), as {@link #hookClasses} */
    static List<String> classes(PluginClassLoader loader, String path) {
        List<String> names = new ArrayList<>();
        try {
            Enumeration<URL> files = loader.findResources(path);
            while (files.hasMoreElements()) {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(files.nextElement().openStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        int comment = line.indexOf('#');
                        String name = (comment >= 0 ? line.substring(0, comment) : line).trim();
                        if (!name.isEmpty() && !names.contains(name)) {
                            names.add(name);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
        return names;
    }
}
