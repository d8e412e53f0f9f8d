package dev.hookline.server.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Private copies of plugin files. The host never loads a jar from the plugins folder itself: it
 * copies it here under a unique name and loads the copy, so an operator who rewrites or deletes
 * the original cannot pull the bytes from under a class loader that is still open (one in its
 * grace period after a reload, for instance). A zip is expanded here instead of next to itself.
 *
 * <p>The copies live in {@code <plugins>/.staging/<pid>-<random>/}: a hidden folder, which
 * neither PF4J's repositories nor the {@link PluginWatcher} look at. Each host holds a file lock
 * on {@code .lock} in its own folder while it runs; folders whose lock is free were left by a
 * host that is gone (a crash, {@code kill -9}) and are removed when the next host starts. A lock,
 * unlike a process id, is not fooled by a container that restarts with the same pid. When the
 * plugins folder is read-only, the copies go to {@code <java.io.tmpdir>/hookline-plugin-staging/}
 * instead. Thread-safe.
 */
final class PluginStaging {

    /** The hidden folder in the plugins folder that holds every host's copies. */
    static final String FOLDER = ".staging";

    private static final String LOCK = ".lock";

    private static final Logger log = LoggerFactory.getLogger(PluginStaging.class);

    /**
     * One staged copy.
     *
     * @param source the operator's file in the plugins folder (or wherever {@code load} was given)
     * @param copy   the private copy PF4J loads: a jar, or the folder a zip was expanded into
     * @param size   the source's size when it was copied
     * @param mtime  the source's modification time (ms) when it was copied
     * @param sha256 the hash of the bytes copied
     */
    record Staged(Path source, Path copy, long size, long mtime, String sha256) {
    }

    private Path root;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Path, Path> sources = new ConcurrentHashMap<>(); // copy -> source
    private volatile Path dir;
    private FileChannel lock;

    PluginStaging(Path pluginsDir) {
        this.root = pluginsDir.resolve(FOLDER);
    }

    /** @return this host's own staging folder, created on first use */
    synchronized Path dir() {
        if (dir == null) {
            try {
                try {
                    Files.createDirectories(root);
                } catch (IOException e) {
                    Path fallback = Path.of(System.getProperty("java.io.tmpdir"), "hookline-plugin-staging");
                    log.warn("Cannot create {} ({}); staging plugin copies in {} instead", root, e.toString(), fallback);
                    root = Files.createDirectories(fallback);
                }
                removeAbandoned();
                Path own = root.resolve(ProcessHandle.current().pid() + "-"
                        + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
                Files.createDirectories(own);
                lock = FileChannel.open(own.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                lock.lock();
                dir = own;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the plugin staging folder " + root + ": " + e, e);
            }
        }
        return dir;
    }

    /**
     * Copies (a jar) or expands (a zip) {@code source} into the staging folder.
     *
     * @throws IOException when it cannot be read or is not a valid zip
     */
    Staged stage(Path source) throws IOException {
        Path from = source.toAbsolutePath().normalize();
        BasicFileAttributes before = Files.readAttributes(from, BasicFileAttributes.class);
        String name = from.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        String prefix = String.format("%04d-", sequence.incrementAndGet());
        boolean zip = lower.endsWith(".zip");
        // PF4J picks its loader by the extension, in lower case.
        Path copy = dir().resolve(prefix + (zip ? name.substring(0, name.length() - 4) + ".zip"
                : lower.endsWith(".jar") ? name.substring(0, name.length() - 4) + ".jar" : name));
        String hash;
        try (InputStream in = new DigestInputStream(Files.newInputStream(from), sha256())) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            hash = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            deleteQuietly(copy);
            throw e;
        }
        Path staged = copy;
        if (zip) {
            Path folder = dir().resolve(prefix + name.substring(0, name.length() - 4));
            try {
                expand(copy, folder);
            } catch (IOException e) {
                deleteQuietly(folder);
                throw e;
            } finally {
                deleteQuietly(copy);
            }
            staged = folder;
        }
        sources.put(staged, from);
        return new Staged(from, staged, before.size(), before.lastModifiedTime().toMillis(), hash);
    }

    /** A fresh copy of an already staged plugin (for a plugin restarted with the same bytes). */
    Path restage(Path copy) throws IOException {
        Path source = sourceOf(copy);
        String name = copy.getFileName().toString().replaceFirst("^\\d+-", "");
        Path fresh = dir().resolve(String.format("%04d-", sequence.incrementAndGet()) + name);
        if (Files.isDirectory(copy)) {
            copyTree(copy, fresh);
        } else {
            Files.copy(copy, fresh);
        }
        sources.put(fresh, source);
        return fresh;
    }

    /** @return the original file a copy was made from, or the path itself when it is not a copy */
    Path sourceOf(Path path) {
        if (path == null) {
            return null;
        }
        return sources.getOrDefault(path.toAbsolutePath().normalize(), path);
    }

    /** @return the text with the paths of staged copies replaced by their sources (for problem reports) */
    String scrub(String text) {
        Path own = dir;
        if (text == null || own == null || !text.contains(own.toString())) {
            return text;
        }
        String result = text;
        for (Map.Entry<Path, Path> e : sources.entrySet()) {
            result = result.replace(e.getKey().toString(), e.getValue().toString());
        }
        return result;
    }

    /** @return whether the path is one of this host's copies */
    boolean isCopy(Path path) {
        return path != null && sources.containsKey(path.toAbsolutePath().normalize());
    }

    /** Deletes a copy that is no longer used. Paths that are not copies are left alone. */
    void discard(Path copy) {
        if (copy == null) {
            return;
        }
        Path key = copy.toAbsolutePath().normalize();
        if (sources.remove(key) != null) {
            deleteQuietly(key);
        }
    }

    /** Deletes this host's staging folder and everything in it. */
    synchronized void deleteAll() {
        sources.clear();
        if (lock != null) {
            try {
                lock.close(); // releases the lock
            } catch (IOException e) {
                log.debug("Closing the staging lock: {}", e.toString());
            }
            lock = null;
        }
        if (dir != null) {
            deleteQuietly(dir);
            dir = null;
        }
        try {
            Files.deleteIfExists(root); // only when no other host uses it
        } catch (IOException ignored) {
            // another host's folder is still in there
        }
    }

    private void removeAbandoned() throws IOException {
        List<Path> abandoned = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path entry : entries) {
                if (isAbandoned(entry)) {
                    abandoned.add(entry);
                }
            }
        }
        for (Path entry : abandoned) {
            log.info("Removing staged plugin copies left by a server that is gone: {}", entry);
            deleteQuietly(entry);
        }
    }

    private static boolean isAbandoned(Path folder) {
        Path lockFile = folder.resolve(LOCK);
        if (!Files.exists(lockFile)) {
            try { // a host between creating its folder and locking it, or a very old leftover
                return Files.getLastModifiedTime(folder).toMillis() < System.currentTimeMillis() - 60_000;
            } catch (IOException e) {
                return false;
            }
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock held = channel.tryLock();
            if (held == null) {
                return false; // another process runs a host on it
            }
            held.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // a host in this process
        } catch (IOException e) {
            return false;
        }
    }

    private static void expand(Path zip, Path folder) throws IOException {
        Files.createDirectories(folder);
        boolean any = false;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                any = true;
                Path target = folder.resolve(entry.getName()).normalize();
                if (!target.startsWith(folder)) {
                    throw new IOException("the zip entry " + entry.getName() + " points outside the plugin");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (OutputStream out = Files.newOutputStream(target)) {
                        in.transferTo(out);
                    }
                }
            }
        }
        if (!any) {
            throw new IOException("not a zip file, or an empty one");
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(d).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteQuietly(Path path) {
        try {
            if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.walkFileTree(path, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Files.deleteIfExists(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                        Files.deleteIfExists(d);
                        return FileVisitResult.CONTINUE;
                    }
                });
            } else {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.debug("Could not delete {}: {}", path, e.toString());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
