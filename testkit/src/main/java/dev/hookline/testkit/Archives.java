package dev.hookline.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes entries (name to bytes) into a jar or zip file. A name ending in {@code /} becomes a
 * directory entry; its bytes are ignored. Existing files are replaced.
 */
final class Archives {

    private Archives() {
    }

    /** A jar whose first entry is {@code META-INF/MANIFEST.MF}, as {@link java.util.jar.JarInputStream} expects. */
    static void writeJar(Path file, Manifest manifest, Map<String, byte[]> entries) {
        write(file, out -> {
            try (JarOutputStream jar = new JarOutputStream(out, manifest)) {
                putAll(jar, entries);
            }
        });
    }

    /** A plain zip: no manifest. */
    static void writeZip(Path file, Map<String, byte[]> entries) {
        write(file, out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                putAll(zip, entries);
            }
        });
    }

    private static void putAll(ZipOutputStream zip, Map<String, byte[]> entries) throws IOException {
        for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
            zip.putNextEntry(new ZipEntry(entry.getKey()));
            if (!entry.getKey().endsWith("/")) {
                zip.write(entry.getValue());
            }
            zip.closeEntry();
        }
    }

    private static void write(Path file, ArchiveBody body) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(file)) {
                body.writeTo(out);
            }
        } catch (IOException e) {
            throw new PluginBuildException("Cannot write " + file, e);
        }
    }

    @FunctionalInterface
    private interface ArchiveBody {
        void writeTo(OutputStream out) throws IOException;
    }
}
