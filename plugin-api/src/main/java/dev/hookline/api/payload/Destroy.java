package dev.hookline.api.payload;

/**
 * Passed to {@code onDestroy} after shutdown drained connections and stored every document.
 *
 */
public record Destroy() {

    /** The one instance. */
    public static final Destroy INSTANCE = new Destroy();
}
