package dev.hookline.testkit;

import dev.hookline.api.ServerHooks;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The class path plugin sources compile against: the plugin API and the libraries the server
 * shares with every plugin (Jackson, SLF4J API, PF4J) - exactly what a plugin can rely on at
 * run time, nothing from the test's own class path.
 *
 * <p>Entries come from the code-source locations of one representative class per library, not
 * from {@code java.class.path}: under Maven Surefire that property may name only a manifest-only
 * booter jar, and in an IDE it holds far more than a plugin may see.
 */
final class CompileClasspath {

    /** One class per library a plugin compiles against; the plugin API comes first. */
    private static final List<String> REPRESENTATIVE_CLASSES = List.of(
            "dev.hookline.api.ServerHooks",
            "com.fasterxml.jackson.databind.JsonNode",
            "com.fasterxml.jackson.core.JsonFactory",
            "com.fasterxml.jackson.annotation.JsonProperty",
            "org.slf4j.Logger",
            "org.pf4j.Plugin");

    private CompileClasspath() {
    }

    /** The default entries, without duplicates, in {@link #REPRESENTATIVE_CLASSES} order. */
    static List<Path> defaults() {
        List<Path> entries = new ArrayList<>();
        for (String className : REPRESENTATIVE_CLASSES) {
            Class<?> type = load(className);
            if (type == null) {
                // A consumer may have excluded an optional library; javac then reports the
                // missing package by name, which says more than failing here would.
                continue;
            }
            Path location = locationOf(type);
            if (!entries.contains(location)) {
                entries.add(location);
            }
        }
        return List.copyOf(entries);
    }

    /**
     * Where a class was loaded from: a directory such as {@code plugin-api/target/classes}, or a jar.
     *
     * @throws PluginBuildException when the class has no file location (e.g. it is a JDK class)
     */
    static Path locationOf(Class<?> type) {
        CodeSource codeSource = type.getProtectionDomain().getCodeSource();
        if (codeSource == null || codeSource.getLocation() == null) {
            throw new PluginBuildException("Cannot tell where " + type.getName() + " was loaded from");
        }
        try {
            return Path.of(codeSource.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new PluginBuildException(
                    "The location of " + type.getName() + " is not a file: " + codeSource.getLocation(), e);
        }
    }

    /** The location of the plugin API, whose classes {@code bundleApi()} copies. */
    static Path apiLocation() {
        return locationOf(ServerHooks.class);
    }

    private static Class<?> load(String className) {
        try {
            // Without initialising: only the location matters, and static initialisers may log.
            return Class.forName(className, false, CompileClasspath.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}
