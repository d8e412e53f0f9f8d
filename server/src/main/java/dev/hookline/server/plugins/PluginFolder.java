package dev.hookline.server.plugins;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipException;

/**
 * What is in the plugins folder, read so that an I/O error is never mistaken for an empty folder
 * or a deleted file. Out of descriptors ({@code EMFILE}), a flaky network mount, an I/O error:
 * each is an {@link IOException} the caller has to handle, never an answer. Only a successful
 * listing, or {@link NoSuchFileException}, says that a file is not there.
 */
final class PluginFolder {

    private PluginFolder() {
    }

    /**
     * The plugin files of a folder ({@code .jar} and {@code .zip} regular files not starting with a
     * dot), by name, with their attributes. A file deleted between the listing and its stat is left
     * out: it is gone.
     *
     * @throws IOException when the folder cannot be listed or a file in it cannot be read; the
     *                     caller then knows nothing about the folder
     */
    static Map<Path, BasicFileAttributes> list(Path folder) throws IOException {
        Map<Path, BasicFileAttributes> found = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                if (!isPluginName(entry)) {
                    continue;
                }
                BasicFileAttributes attrs = attributesIfPresent(entry);
                if (attrs != null && attrs.isRegularFile()) {
                    found.put(entry, attrs);
                }
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause(); // an I/O error half-way through: the listing is incomplete
        }
        return Collections.unmodifiableMap(found);
    }

    /**
     * @return the file's attributes, or {@code null} when it does not exist
     * @throws IOException when it cannot be told whether it exists
     */
    static BasicFileAttributes attributesIfPresent(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** @return whether the file is confirmed absent (a stat that failed for any other reason is no answer) */
    static boolean isGone(Path file) {
        try {
            return attributesIfPresent(file) == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return whether the name is one the host loads: {@code .jar} or {@code .zip}, not starting with a dot */
    static boolean isPluginName(Path file) {
        String name = file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && (lower.endsWith(".jar") || lower.endsWith(".zip"));
    }

    /**
     * Whether a failure to read {@code file} came from the environment (descriptors, the disk, the
     * mount), not from what the file holds: its causes include an {@link IOException} that is not a
     * {@link ZipException} (bad bytes), and the file is not confirmed gone. Such a failure says
     * nothing about the plugin and is retried later.
     */
    static boolean isEnvironmental(Throwable failure, Path file) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            IOException io = t instanceof UncheckedIOException u ? u.getCause() : t instanceof IOException i ? i : null;
            if (io != null && !(io instanceof ZipException)) {
                // A missing file shows up as NoSuchFileException, or as FileNotFoundException from
                // the java.io classes, which also use it for "too many open files": ask the file.
                return !(io instanceof NoSuchFileException || io instanceof FileNotFoundException) || !isGone(file);
            }
        }
        return false;
    }

    /** @return a short description of an I/O error for the log, with the reason the OS gave */
    static String describe(IOException e) {
        String message = e.getMessage() == null ? "" : ": " + e.getMessage();
        String hint = message.toLowerCase(Locale.ROOT).contains("too many open files")
                ? " (the process is out of file descriptors)" : "";
        return e.getClass().getSimpleName() + message + hint;
    }
}
