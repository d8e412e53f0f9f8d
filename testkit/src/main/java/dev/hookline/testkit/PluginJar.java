package dev.hookline.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Builds real PF4J plugins - a jar, or PF4J's zip layout - from Java sources given as strings,
 * for tests of plugins and of the server that loads them.
 *
 * <pre>{@code
 * Path jar = PluginJar.builder("greeter")
 *         .version("1.2.0")
 *         .source("com.example.Hooks", """
 *             package com.example;
 *             public class Hooks implements dev.hookline.api.ServerHooks {
 *             }
 *             """)
 *         .hooks("com.example.Hooks")
 *         .writeTo(pluginsDir);          // pluginsDir/greeter-1.2.0.jar
 * }</pre>
 *
 * The sources are compiled with the JDK's compiler ({@code --release 21}) against the plugin API,
 * Jackson, the SLF4J API and PF4J - what the server shares with every plugin - plus any
 * {@link Builder#classpath(Path...) extra entries}. A compile error throws
 * {@link PluginBuildException} carrying the compiler's diagnostics.
 *
 * <p>For tests of how the server copes with bad plugins: {@link #corrupt(Path, String)} writes a
 * file that is not a zip, {@link Builder#withoutPluginId()} leaves the plugin id out of the
 * descriptor, and {@link Builder#bundleApi()} packs a copy of the plugin API into the plugin.
 */
public final class PluginJar {

    /** The service file listing a plugin's hook classes, read by the server. */
    static final String HOOKS_SERVICE_FILE = "META-INF/services/dev.hookline.api.ServerHooks";

    private PluginJar() {
    }

    /**
     * Starts a plugin.
     *
     * @param pluginId the plugin id ({@code Plugin-Id} / {@code plugin.id}); also names the file
     *                 written. To leave it out of the descriptor, use {@link Builder#withoutPluginId()}.
     * @return a builder with version {@code 1.0.0}, no sources, no hooks and no other descriptor entries
     * @throws IllegalArgumentException when the id is null or blank
     */
    public static Builder builder(String pluginId) {
        return new Builder(requireText(pluginId, "pluginId"));
    }

    /**
     * Writes a file that is not a zip (nor a jar) at all, for tests of how a broken plugin file is
     * reported. The name is taken as given, so {@code "broken.jar"} and {@code "broken.zip"} both work.
     *
     * @param dir      the directory to write into; created when missing
     * @param fileName the file name, e.g. {@code "broken.jar"}
     * @return the path of the file written
     * @throws PluginBuildException when the file cannot be written
     */
    public static Path corrupt(Path dir, String fileName) {
        Path file = dir.resolve(requireText(fileName, "fileName"));
        try {
            Files.createDirectories(dir);
            // Zip readers look for the end-of-central-directory record; plain text has none.
            Files.writeString(file, "This is not a zip file: written by PluginJar.corrupt().\n");
        } catch (IOException e) {
            throw new PluginBuildException("Cannot write " + file, e);
        }
        return file;
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be null or blank");
        }
        return value;
    }

    /**
     * Collects what goes into one plugin, then writes it with {@link #writeTo(Path)} (a jar) or
     * {@link #writeZipTo(Path)} (PF4J's zip layout). Each write compiles the sources afresh, so a
     * builder may be written several times, into several directories or in both layouts.
     * Not thread-safe.
     */
    public static final class Builder {

        private final String id;
        private String version = "1.0.0";
        private String requires;
        private final List<String> dependencies = new ArrayList<>();
        private String pluginClass;
        private boolean includePluginId = true;
        private final Map<String, String> sources = new LinkedHashMap<>();
        private final List<String> hooks = new ArrayList<>();
        private final Map<String, byte[]> resources = new LinkedHashMap<>();
        private boolean bundleApi;
        private final List<Path> libJars = new ArrayList<>();
        private final List<Path> extraClasspath = new ArrayList<>();

        private Builder(String id) {
            this.id = id;
        }

        /**
         * Sets {@code Plugin-Version} / {@code plugin.version}; it also names the file written.
         * Default {@code 1.0.0}.
         *
         * @param version the version, e.g. {@code "1.2.0"}
         * @return this builder
         */
        public Builder version(String version) {
            this.version = requireText(version, "version");
            return this;
        }

        /**
         * Sets {@code Plugin-Requires} / {@code plugin.requires}, the server versions the plugin
         * runs on, e.g. {@code "*"} or {@code ">=0.1.0"}. Default: left out, which PF4J reads as {@code *}.
         *
         * @param requires a PF4J version expression
         * @return this builder
         */
        public Builder requires(String requires) {
            this.requires = requireText(requires, "requires");
            return this;
        }

        /**
         * Adds to {@code Plugin-Dependencies} / {@code plugin.dependencies} (written comma-separated):
         * plugin ids as PF4J understands them - {@code "other"}, {@code "other@>=1.0.0"}, or
         * {@code "other?"} for an optional one. Repeated calls add more. Default: left out.
         *
         * @param pluginIds dependency entries, one per plugin
         * @return this builder
         */
        public Builder dependencies(String... pluginIds) {
            for (String pluginId : pluginIds) {
                dependencies.add(requireText(pluginId, "dependency"));
            }
            return this;
        }

        /**
         * Sets {@code Plugin-Class} / {@code plugin.class}, a class extending {@code org.pf4j.Plugin}
         * that PF4J instantiates. Default: left out; Hookline plugins need none.
         *
         * @param className the fully qualified class name
         * @return this builder
         */
        public Builder pluginClass(String className) {
            this.pluginClass = requireText(className, "pluginClass");
            return this;
        }

        /**
         * Leaves the plugin id out of the descriptor (no {@code Plugin-Id} attribute, no
         * {@code plugin.id} property) while keeping everything else, for tests of how an invalid
         * plugin is reported. The file is still named after the id given to {@link PluginJar#builder(String)}.
         *
         * @return this builder
         */
        public Builder withoutPluginId() {
            this.includePluginId = false;
            return this;
        }

        /**
         * Adds a compilation unit. Call once per top-level class.
         *
         * @param className the fully qualified name of its public top-level class, e.g.
         *                  {@code com.example.Hooks}; javac insists that it matches the code
         * @param code      the source code
         * @return this builder
         * @throws IllegalArgumentException when a source for that class was already added
         */
        public Builder source(String className, String code) {
            requireText(className, "className");
            Objects.requireNonNull(code, "code");
            if (sources.putIfAbsent(className, code) != null) {
                throw new IllegalArgumentException("A source for " + className + " was already added");
            }
            return this;
        }

        /**
         * Adds hook classes, one line each of {@code META-INF/services/dev.hookline.api.ServerHooks},
         * in the order given. Repeated calls add more. Without any, the plugin has no such file.
         *
         * @param classNames fully qualified class names implementing {@code ServerHooks}
         * @return this builder
         */
        public Builder hooks(String... classNames) {
            for (String className : classNames) {
                hooks.add(requireText(className, "hook class name"));
            }
            return this;
        }

        /**
         * Adds a resource, encoded in UTF-8, on the plugin's class path: at the root of the jar, or
         * under {@code classes/} in the zip.
         *
         * @param path    a relative path with {@code /} separators, e.g. {@code "some/file.txt"}
         * @param content its text
         * @return this builder
         * @throws IllegalArgumentException when the path is absolute, names a directory or was already added
         */
        public Builder resource(String path, String content) {
            requireText(path, "path");
            Objects.requireNonNull(content, "content");
            if (path.startsWith("/") || path.endsWith("/")) {
                throw new IllegalArgumentException("A resource path is relative and names a file: " + path);
            }
            if (resources.putIfAbsent(path, content.getBytes(StandardCharsets.UTF_8)) != null) {
                throw new IllegalArgumentException("A resource " + path + " was already added");
            }
            return this;
        }

        /**
         * Also packs every class of the plugin API ({@code dev/hookline/api/**}) into the plugin,
         * copied from wherever {@code dev.hookline.api.ServerHooks} was loaded (a class directory
         * or a jar) - as a careless author who shades the API would. Default: not bundled.
         *
         * @return this builder
         */
        public Builder bundleApi() {
            this.bundleApi = true;
            return this;
        }

        /**
         * Adds a jar to the zip's {@code lib/} directory, under its own file name; PF4J puts it on
         * the plugin's class path. Only for {@link #writeZipTo(Path)}: PF4J does not read jars
         * nested in a plugin jar, so {@link #writeTo(Path)} refuses a builder with lib jars.
         * The jar is not on the compile class path unless also given to {@link #classpath(Path...)}.
         *
         * @param jar a jar file, read when the zip is written
         * @return this builder
         */
        public Builder libJar(Path jar) {
            libJars.add(Objects.requireNonNull(jar, "jar"));
            return this;
        }

        /**
         * Adds entries (jars or class directories) to the compile class path, after the defaults:
         * the plugin API, Jackson, the SLF4J API and PF4J. They are not packed into the plugin.
         *
         * @param entries jars or class directories
         * @return this builder
         */
        public Builder classpath(Path... entries) {
            for (Path entry : entries) {
                extraClasspath.add(Objects.requireNonNull(entry, "classpath entry"));
            }
            return this;
        }

        /**
         * Compiles the sources and writes a plugin jar as PF4J's {@code JarPluginRepository} and
         * {@code JarPluginLoader} expect: the descriptor as {@code Plugin-*} attributes of
         * {@code META-INF/MANIFEST.MF}, classes and resources at the root.
         *
         * @param dir the directory to write into; created when missing
         * @return {@code dir/<id>-<version>.jar}, replaced if it existed
         * @throws PluginBuildException when the sources do not compile, lib jars were added, or a file
         *                              cannot be read or written
         */
        public Path writeTo(Path dir) {
            if (!libJars.isEmpty()) {
                throw new PluginBuildException("libJar() needs writeZipTo(): PF4J does not load jars nested in a plugin jar");
            }
            Path file = dir.resolve(id + "-" + version + ".jar");
            Archives.writeJar(file, descriptor().toManifest(), classpathEntries());
            return file;
        }

        /**
         * Compiles the sources and writes a plugin zip in PF4J's layout, which its
         * {@code DefaultPluginRepository} unpacks into a directory of the same name:
         * {@code plugin.properties} at the root, classes, resources and
         * {@code META-INF/services} under {@code classes/}, lib jars under {@code lib/}.
         *
         * @param dir the directory to write into; created when missing
         * @return {@code dir/<id>-<version>.zip}, replaced if it existed
         * @throws PluginBuildException when the sources do not compile or a file cannot be read or written
         */
        public Path writeZipTo(Path dir) {
            Map<String, byte[]> entries = new TreeMap<>();
            entries.put("plugin.properties", descriptor().toProperties());
            // Always present: PF4J silently skips a missing classes/ directory, which would hide mistakes.
            entries.put("classes/", new byte[0]);
            classpathEntries().forEach((name, bytes) -> entries.put("classes/" + name, bytes));
            for (Path jar : libJars) {
                put(entries, "lib/" + jar.getFileName(), read(jar), "lib jar " + jar);
            }
            Path file = dir.resolve(id + "-" + version + ".zip");
            Archives.writeZip(file, entries);
            return file;
        }

        private Descriptor descriptor() {
            return new Descriptor(includePluginId ? id : null, version, requires,
                    dependencies.isEmpty() ? null : String.join(", ", dependencies), pluginClass);
        }

        /** What goes on the plugin's class path: compiled classes, services file, resources, API copy. */
        private Map<String, byte[]> classpathEntries() {
            List<Path> classpath = new ArrayList<>(CompileClasspath.defaults());
            classpath.addAll(extraClasspath);
            Map<String, byte[]> entries = new TreeMap<>(SourceCompiler.compile(sources, classpath));
            if (!hooks.isEmpty()) {
                String lines = String.join("\n", hooks) + "\n";
                put(entries, HOOKS_SERVICE_FILE, lines.getBytes(StandardCharsets.UTF_8), "hooks()");
            }
            resources.forEach((path, bytes) -> put(entries, path, bytes, "resource()"));
            if (bundleApi) {
                ApiClasses.read(CompileClasspath.apiLocation())
                        .forEach((name, bytes) -> put(entries, name, bytes, "bundleApi()"));
            }
            return entries;
        }

        /** Adds an entry, refusing to let one silently replace another (e.g. a resource named like a class). */
        private static void put(Map<String, byte[]> entries, String name, byte[] bytes, String origin) {
            if (entries.putIfAbsent(name, bytes) != null) {
                throw new PluginBuildException(origin + " would overwrite the plugin entry " + name);
            }
        }

        private static byte[] read(Path file) {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new PluginBuildException("Cannot read " + file, e);
            }
        }
    }
}
