package dev.hookline.server.flow;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carriers for the virtual-thread scheduler, whose carrier threads run every lane.
 *
 * <p>The JDK runs virtual threads on as many carriers as there are cores. A hook that spins
 * ignoring interrupts never unmounts, so it keeps its carrier: on a 2-core machine two such calls
 * (from two connections) stopped every lane, and the server served nothing. Two remedies:
 *
 * <ul>
 *   <li><b>Lending</b> (JDK 24 and later): the hook watchdog {@link #borrow borrows} one more
 *   carrier for each hook call it sees running on a CPU for {@link #LEND_AFTER_NANOS} or more,
 *   and gives it back when the call returns, through the JDK's
 *   {@code jdk.management.VirtualThreadSchedulerMXBean}. Nothing changes while hooks are quick,
 *   so it costs nothing on the fast path, and the server goes on serving a moment after calls
 *   start spinning. This is what the JDK does by itself for a virtual thread blocked in file I/O.</li>
 *   <li><b>Headroom</b> (JDK 21 to 23, which have no such bean): {@link #applyDefault()} starts the
 *   scheduler with {@value #EXTRA} carriers more than the cores. That costs throughput under full
 *   load (docs/benchmarks.md), which is why it is only the fallback.</li>
 * </ul>
 *
 * <p>Reflection keeps the server compiling for Java 21, where the bean does not exist.
 */
public final class CarrierHeadroom {

    /** The JDK's system property for the number of carriers. */
    public static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";

    /** A hook call on a CPU this long gets a carrier lent while it runs. */
    public static final long LEND_AFTER_NANOS = 200_000_000L;

    /** Extra carriers over the cores, where carriers cannot be lent (JDK 21 to 23). */
    static final int EXTRA = 8;

    /** At most this many carriers lent at once: the scheduler's default maximum pool is 256. */
    static final int MAX_LENT = 200;

    private static final Logger log = LoggerFactory.getLogger(CarrierHeadroom.class);
    private static final String BEAN = "jdk.management.VirtualThreadSchedulerMXBean";

    private static boolean warned; // guarded by the class
    private static boolean borrowFailed; // guarded by the class
    private static int lent; // guarded by the class
    private static Object bean; // guarded by the class; resolved on first use
    private static Method getParallelism;
    private static Method setParallelism;

    private CarrierHeadroom() {
    }

    /** @return whether this JDK lets the watchdog lend carriers (JDK 24 and later) */
    public static boolean canLend() {
        try {
            Class.forName(BEAN);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * Where carriers cannot be lent, sets {@value #PARALLELISM} to the cores plus {@value #EXTRA},
     * unless it is set already (an operator's {@code -D} wins). Call it before the first virtual
     * thread starts (first thing in {@code main}): the JDK reads the property only then.
     */
    public static void applyDefault() {
        if (!canLend() && System.getProperty(PARALLELISM) == null) {
            System.setProperty(PARALLELISM, String.valueOf(Runtime.getRuntime().availableProcessors() + EXTRA));
        }
    }

    /**
     * Adds a carrier for a call that holds one. Called by the hook watchdog, never on a hot path.
     *
     * @return whether one was added (then {@link #giveBack()} it when the call returns)
     */
    public static synchronized boolean borrow() {
        if (lent >= MAX_LENT || !resolve()) {
            return false;
        }
        try {
            int now = (int) getParallelism.invoke(bean);
            setParallelism.invoke(bean, now + 1);
            lent++;
            log.debug("A hook call holds a carrier: the virtual-thread scheduler runs with {} carriers now ({} lent)",
                    now + 1, lent);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Typically the scheduler's maximum pool size (256 by default) is reached.
            if (!borrowFailed) {
                borrowFailed = true;
                log.warn("Could not add a virtual-thread carrier for a long hook call ({} lent); "
                        + "spinning hook calls may hold every carrier", lent, e);
            }
            return false;
        }
    }

    /** Takes back a carrier {@link #borrow()} added. */
    public static synchronized void giveBack() {
        if (lent == 0 || bean == null) {
            return;
        }
        try {
            int now = (int) getParallelism.invoke(bean);
            setParallelism.invoke(bean, Math.max(1, now - 1));
            lent--;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("Could not take back a virtual-thread carrier", e);
        }
    }

    /** @return how many carriers are lent now */
    public static synchronized int lent() {
        return lent;
    }

    private static boolean resolve() {
        if (bean != null) {
            return true;
        }
        try {
            Class<?> type = Class.forName(BEAN);
            @SuppressWarnings({"unchecked", "rawtypes"})
            Object platformBean = ManagementFactory.getPlatformMXBean((Class) type);
            getParallelism = type.getMethod("getParallelism");
            setParallelism = type.getMethod("setParallelism", int.class);
            bean = platformBean;
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * @return the number of carriers the scheduler started with, as the JDK reads it (the property
     *         if it is a number, else the cores)
     */
    public static int parallelism() {
        String value = System.getProperty(PARALLELISM);
        if (value != null) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                // not a number: report the cores
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Logs once per JVM when spinning hooks could stop the server: carriers cannot be lent and
     * there are no more of them than cores (an embedding application's JVM on JDK 21 to 23).
     */
    public static synchronized void warnIfNone() {
        int cores = Runtime.getRuntime().availableProcessors();
        if (!warned && !canLend() && parallelism() <= cores) {
            warned = true;
            log.warn("Virtual threads run on {} carriers for {} cores, and this JDK cannot add carriers at run time: "
                            + "hooks spinning on that many calls at once, ignoring interrupts, stop the server. "
                            + "Start the JVM with -D{}={}, or use Java 24 or later (docs/configuration.md, Embedding)",
                    parallelism(), cores, PARALLELISM, cores + EXTRA);
        }
    }
}
