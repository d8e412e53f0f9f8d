package dev.hookline.server.plugins;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Waiting for plugin code without waiting forever. Plugin code can call {@code System.exit}, and on
 * Java 21+ nothing can stop it (there is no SecurityManager any more). The thread that calls it
 * runs the shutdown hooks and never returns; a thread that calls it while the hooks already run
 * blocks for good. Whoever waits for such a thread (to join it, or for a lock it holds) would wait
 * for ever, and if the waiter is itself a shutdown hook, the process never exits. So every wait
 * here is bounded, and ends at once when the thread waited for is inside {@code exit}.
 */
final class ExitAware {

    private static final long POLL_MILLIS = 50;

    private ExitAware() {
    }

    /** A lock that can say which thread holds it. */
    static final class Lock extends ReentrantLock {

        /** @return the thread that holds the lock, or {@code null} */
        Thread holder() {
            return getOwner();
        }

        /**
         * Takes the lock unless its holder is inside {@code System.exit} or {@code max} passes first.
         *
         * @return whether the lock is now held by the caller
         */
        boolean lockUnlessStuck(Duration max) {
            long deadline = System.nanoTime() + max.toNanos();
            try {
                while (!tryLock(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    Thread holder = holder();
                    if ((holder != null && isExiting(holder)) || System.nanoTime() - deadline >= 0) {
                        return false;
                    }
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Waits for a thread to end, at most {@code max}, and not at all once it is inside
     * {@code System.exit}.
     *
     * @return whether it ended
     */
    static boolean join(Thread thread, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        try {
            while (!thread.join(Duration.ofMillis(POLL_MILLIS))) {
                if (isExiting(thread) || System.nanoTime() - deadline >= 0) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * @return whether the thread is inside {@code System.exit} / {@code Runtime.exit} (running the
     *         shutdown hooks, or blocked because they already run): it will not come back
     */
    static boolean isExiting(Thread thread) {
        for (StackTraceElement frame : thread.getStackTrace()) {
            if ("java.lang.Shutdown".equals(frame.getClassName())
                    || ("java.lang.Runtime".equals(frame.getClassName()) && "exit".equals(frame.getMethodName()))) {
                return true;
            }
        }
        return false;
    }

    /** @return how a stuck thread is described in the log */
    static String describe(Thread thread) {
        if (thread == null) {
            return "a thread that has ended";
        }
        return "thread '" + thread.getName() + "'" + (isExiting(thread)
                ? ", which is inside System.exit (called by plugin code; it cannot be prevented)" : ", still busy");
    }
}
