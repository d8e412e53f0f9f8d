package dev.hookline.testkit;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Compiles Java sources held in strings with the JDK's own compiler, into class files returned
 * in memory. The class files pass through a temporary directory, deleted afterwards, because the
 * standard file manager writes to disk.
 */
final class SourceCompiler {

    /**
     * {@code --release 21}: the server's minimum Java, so a plugin built here runs on any supported
     * JDK. {@code -proc:none}: PF4J's jar registers an annotation processor that would otherwise
     * run and write its own extension index into the plugin.
     */
    private static final List<String> OPTIONS = List.of("--release", "21", "-proc:none");

    private SourceCompiler() {
    }

    /**
     * @param sources   source code keyed by fully qualified top-level class name
     * @param classpath what the sources compile against
     * @return the class files, keyed by entry name (e.g. {@code com/example/Hooks.class})
     * @throws PluginBuildException with every diagnostic when the sources do not compile
     */
    static Map<String, byte[]> compile(Map<String, String> sources, List<Path> classpath) {
        if (sources.isEmpty()) {
            return Map.of();
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new PluginBuildException("No Java compiler: run the tests on a JDK, not a JRE ("
                    + System.getProperty("java.home") + ")");
        }
        Path output = createTempDirectory();
        try {
            compileInto(compiler, sources, classpath, output);
            return readClassFiles(output);
        } finally {
            deleteQuietly(output);
        }
    }

    private static void compileInto(JavaCompiler compiler, Map<String, String> sources, List<Path> classpath,
            Path output) {
        List<InMemorySource> units = sources.entrySet().stream()
                .map(source -> new InMemorySource(source.getKey(), source.getValue()))
                .toList();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            files.setLocationFromPaths(StandardLocation.CLASS_PATH, classpath);
            files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(output));
            // No source path: javac would otherwise look for sources on the class path too.
            files.setLocationFromPaths(StandardLocation.SOURCE_PATH, List.of());
            boolean compiled = compiler.getTask(null, files, diagnostics, OPTIONS, null, units).call();
            if (!compiled) {
                throw new PluginBuildException("Plugin sources do not compile:\n" + describe(diagnostics, classpath));
            }
        } catch (IOException e) {
            throw new PluginBuildException("Cannot set up the Java compiler", e);
        }
    }

    /** One line per diagnostic, javac style, followed by the source line it points at. */
    private static String describe(DiagnosticCollector<JavaFileObject> diagnostics, List<Path> classpath) {
        StringBuilder text = new StringBuilder();
        for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
            JavaFileObject source = diagnostic.getSource();
            if (source != null) {
                text.append(fileName(source)).append(':').append(diagnostic.getLineNumber())
                        .append(':').append(diagnostic.getColumnNumber()).append(": ");
            }
            text.append(diagnostic.getKind().toString().toLowerCase(Locale.ROOT)).append(": ")
                    .append(diagnostic.getMessage(Locale.ROOT)).append('\n');
            if (source instanceof InMemorySource inMemory && diagnostic.getLineNumber() > 0) {
                appendSourceLine(text, inMemory.line(diagnostic.getLineNumber()), diagnostic.getColumnNumber());
            }
        }
        // Most "cannot find symbol" errors come from a missing entry: say what was there.
        text.append("Class path: ").append(classpath);
        return text.toString();
    }

    /** The offending line and a caret under the column, as javac prints them. */
    private static void appendSourceLine(StringBuilder text, String line, long column) {
        text.append("    ").append(line).append('\n');
        if (column > 0 && column <= line.length() + 1) {
            // Keep tabs so the caret lines up with the line above however tabs are shown.
            String indent = line.substring(0, (int) column - 1).replaceAll("[^\t]", " ");
            text.append("    ").append(indent).append("^\n");
        }
    }

    private static String fileName(JavaFileObject source) {
        String path = source.toUri().getPath();
        return path != null && path.startsWith("/") ? path.substring(1) : source.getName();
    }

    private static Map<String, byte[]> readClassFiles(Path output) {
        Map<String, byte[]> classes = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(output)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String name = output.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                classes.put(name, Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new PluginBuildException("Cannot read the compiled classes from " + output, e);
        }
        return classes;
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("hookline-testkit-classes");
        } catch (IOException e) {
            throw new PluginBuildException("Cannot create a directory for the compiled classes", e);
        }
    }

    /** Best effort: a leftover temporary directory must not fail a build that otherwise worked. */
    private static void deleteQuietly(Path directory) {
        try (Stream<Path> walk = Files.walk(directory)) {
            List<Path> deepestFirst = new ArrayList<>(walk.toList());
            deepestFirst.sort(Comparator.reverseOrder());
            for (Path path : deepestFirst) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // Left for the operating system's temporary-file cleanup.
        }
    }

    /** A compilation unit whose text is a string; named after its class so javac's checks apply. */
    private static final class InMemorySource extends SimpleJavaFileObject {

        private final String code;

        InMemorySource(String className, String code) {
            super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }

        /** The text of a 1-based line, or "" past the end. */
        String line(long number) {
            List<String> lines = code.lines().toList();
            return number <= lines.size() ? lines.get((int) number - 1) : "";
        }
    }
}
