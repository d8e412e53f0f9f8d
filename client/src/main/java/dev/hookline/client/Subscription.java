package dev.hookline.client;

/**
 * A registered listener. {@link #unsubscribe()} (or {@link #close()}) stops it; when the last
 * listener of a path goes, the client ends its server subscription. Idempotent, callable from any
 * thread.
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

    /** Stops the listener. */
    void unsubscribe();

    /** Same as {@link #unsubscribe()}. */
    @Override
    default void close() {
        unsubscribe();
    }
}
