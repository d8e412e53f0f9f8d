package dev.hookline.server.flow;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Headroom for the virtual-thread scheduler, whose carriers run every lane.
 *
 * <p>The JDK runs virtual threads on as many carrier threads as there are cores. A hook that spins
 * ignoring interrupts never unmounts, so it keeps its carrier: on a 2-core machine, two such calls
 * (from two connections) stop every lane, and the server serves nothing while its hook watchdog
 * can only report it. More carriers than cores leave others to serve: the OS shares the cores
 * between them, so the server slows down instead of stopping. The engine's quarantine
 * ({@code HookEngine}) stops further calls of a hook once one of its calls is past its deadline;
 * this covers the calls that start before that.
 *
 * <p>The JDK reads {@value #PARALLELISM} once, when the first virtual thread starts, so
 * {@link #applyDefault()} must run before that: first thing in {@code main}. An application that
 * embeds the server sets the property itself (see {@code docs/configuration.md}, Embedding).
 */
public final class CarrierHeadroom {

    /** The JDK's system property for the number of carriers. */
    public static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";

    /**
     * Extra carriers over the cores. Idle carriers cost nothing; under load, more carriers than
     * cores cost a little in context switches (measured in {@code docs/benchmarks.md}).
     */
    static final int EXTRA = 8;

    private static final Logger log = LoggerFactory.getLogger(CarrierHeadroom.class);
    private static final AtomicBoolean warned = new AtomicBoolean();

    private CarrierHeadroom() {
    }

    /**
     * Sets {@value #PARALLELISM} to the cores plus {@value #EXTRA}, unless it is set already (an
     * operator's {@code -D} wins). It has no effect once a virtual thread has started.
     */
    public static void applyDefault() {
        if (System.getProperty(PARALLELISM) == null) {
            System.setProperty(PARALLELISM, String.valueOf(recommended()));
        }
    }

    /** @return the number of carriers {@link #applyDefault()} sets: the cores plus {@value #EXTRA} */
    public static int recommended() {
        return Runtime.getRuntime().availableProcessors() + EXTRA;
    }

    /** Logs once per JVM when there are no more carriers than cores (an embedding application's JVM). */
    public static void warnIfNone() {
        if (!hasHeadroom() && warned.compareAndSet(false, true)) {
            log.warn("Virtual threads run on {} carriers for {} cores: hooks spinning on that many calls at once, "
                            + "ignoring interrupts, stop the server. Start the JVM with -D{}={} (docs/configuration.md, Embedding)",
                    parallelism(), Runtime.getRuntime().availableProcessors(), PARALLELISM, recommended());
        }
    }

    /**
     * @return the number of carriers the scheduler runs with, as the JDK reads it (the property if
     *         it is a number, else the cores)
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

    /** @return whether there are more carriers than cores */
    public static boolean hasHeadroom() {
        return parallelism() > Runtime.getRuntime().availableProcessors();
    }
}
