package dev.hookline.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads the class files of the plugin API ({@code dev/hookline/api/} and its sub-packages) so a
 * test can build a plugin that carelessly bundles its own copy of the API.
 */
final class ApiClasses {

    /** The package tree copied, as a path prefix inside a jar or class directory. */
    static final String PACKAGE_PREFIX = "dev/hookline/api/";

    private ApiClasses() {
    }

    /**
     * The API's class files, keyed by entry name (e.g. {@code dev/hookline/api/ServerHooks.class}).
     *
     * @param location a class directory such as {@code plugin-api/target/classes}, or the API jar
     * @throws PluginBuildException when the location cannot be read or holds no API classes
     */
    static Map<String, byte[]> read(Path location) {
        Map<String, byte[]> classes;
        try {
            classes = Files.isDirectory(location) ? fromDirectory(location) : fromJar(location);
        } catch (IOException | UncheckedIOException e) { // Files.walk reports trouble unchecked
            throw new PluginBuildException("Cannot read the plugin API classes from " + location, e);
        }
        if (classes.isEmpty()) {
            throw new PluginBuildException("No class under " + PACKAGE_PREFIX + " in " + location);
        }
        return classes;
    }

    private static Map<String, byte[]> fromDirectory(Path root) throws IOException {
        Map<String, byte[]> classes = new TreeMap<>();
        Path packageDir = root.resolve(PACKAGE_PREFIX);
        if (!Files.isDirectory(packageDir)) {
            return classes;
        }
        List<Path> classFiles;
        try (Stream<Path> files = Files.walk(packageDir)) {
            classFiles = files.filter(ApiClasses::isClassFile).toList();
        }
        for (Path file : classFiles) {
            classes.put(entryName(root, file), Files.readAllBytes(file));
        }
        return classes;
    }

    private static Map<String, byte[]> fromJar(Path jar) throws IOException {
        Map<String, byte[]> classes = new TreeMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!entry.isDirectory() && name.startsWith(PACKAGE_PREFIX) && name.endsWith(".class")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        classes.put(name, in.readAllBytes());
                    }
                }
            }
        }
        return classes;
    }

    private static boolean isClassFile(Path file) {
        return Files.isRegularFile(file) && file.getFileName().toString().endsWith(".class");
    }

    /** Jar entry names always use '/', whatever the platform's separator. */
    private static String entryName(Path root, Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }
}
