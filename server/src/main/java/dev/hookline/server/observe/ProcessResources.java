package dev.hookline.server.observe;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.util.List;

/**
 * What this process has and uses of the two resources a flood of clients exhausts: file
 * descriptors (every socket is one) and heap. Read by the connection limit at start (to derive its
 * default) and by {@code GET /health} (to report the pressure).
 */
public final class ProcessResources {

    /** Unknown: the platform does not say (descriptors on Windows, say). */
    public static final long UNKNOWN = -1;

    /** Counting open descriptors lists {@code /proc/self/fd}: at most once a second, whoever asks. */
    private static final long OPEN_DESCRIPTORS_TTL_NANOS = 1_000_000_000L;

    private static final ProcessResources INSTANCE = new ProcessResources();

    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
    private volatile long openDescriptors = UNKNOWN;
    private volatile long openDescriptorsAt;

    private ProcessResources() {
    }

    /** @return the resources of this JVM */
    public static ProcessResources get() {
        return INSTANCE;
    }

    /** @return the soft descriptor limit (RLIMIT_NOFILE) of this process, or {@link #UNKNOWN} */
    public long maxDescriptors() {
        return os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : UNKNOWN;
    }

    /** @return the descriptors open now (at most a second old), or {@link #UNKNOWN} */
    public long openDescriptors() {
        long now = System.nanoTime();
        if (openDescriptors == UNKNOWN || now - openDescriptorsAt > OPEN_DESCRIPTORS_TTL_NANOS) {
            openDescriptors = os instanceof UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : UNKNOWN;
            openDescriptorsAt = now;
        }
        return openDescriptors;
    }

    /** @return the most heap the JVM will use ({@code -Xmx}) */
    public long maxHeap() {
        return Runtime.getRuntime().maxMemory();
    }

    /** @return heap in use now, garbage included */
    public long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /**
     * @return heap in use right after the last collection of each heap pool: what is really live,
     *         without the garbage that {@link #usedHeap()} counts until the next collection
     */
    public long usedHeapAfterGc() {
        long used = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            MemoryUsage afterGc = pool.getCollectionUsage();
            used += afterGc == null ? 0 : afterGc.getUsed();
        }
        return used;
    }
}
