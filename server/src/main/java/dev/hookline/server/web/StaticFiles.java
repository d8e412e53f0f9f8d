package dev.hookline.server.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The files of the classpath folder {@code dev/hookline/server/web}: the browser client
 * ({@code /hookline.js}) and the demo page ({@code /}, {@code /demo.js}, ...). Only the files
 * directly in that folder are served, by name, and only with a known extension: a name with a
 * slash, a backslash, {@code ..} or a leading dot is never looked up, so nothing outside the
 * folder can be reached.
 */
public final class StaticFiles {

    /** The classpath folder served. */
    public static final String FOLDER = "dev/hookline/server/web/";

    /** A file name: letters, digits, {@code . _ -}; no leading dot, no {@code ..}. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"));

    /** A file to send. */
    public record File(String name, String contentType, byte[] bytes) {
    }

    private final ClassLoader loader;
    /** Files found so far (misses are not cached: any number of names can be asked for). */
    private final Map<String, File> cache = new ConcurrentHashMap<>();

    public StaticFiles() {
        this(StaticFiles.class.getClassLoader());
    }

    public StaticFiles(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * The file a request path names: {@code "/"} is {@code index.html}, {@code "/x.js"} is
     * {@code x.js}; empty for anything else (no such file, a subfolder, traversal, unknown type).
     */
    public Optional<File> find(String requestPath) {
        if (requestPath == null || !requestPath.startsWith("/")) {
            return Optional.empty();
        }
        String name = requestPath.equals("/") ? "index.html" : requestPath.substring(1);
        if (!NAME.matcher(name).matches() || name.contains("..")) {
            return Optional.empty();
        }
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            return Optional.empty();
        }
        File cached = cache.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<File> file = load(name, type);
        file.ifPresent(f -> cache.put(name, f));
        return file;
    }

    private Optional<File> load(String name, String type) {
        try (InputStream in = loader.getResourceAsStream(FOLDER + name)) {
            return in == null ? Optional.empty() : Optional.of(new File(name, type, in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FOLDER + name, e);
        }
    }
}
