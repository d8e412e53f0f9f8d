package dev.hookline.api;

/**
 * Thrown by a hook to end its chain successfully: later hooks do not run and the server goes on
 * with the payload as it stands (including any rewrite made by earlier hooks). For
 * {@code onStoreDocument} it means "stored, skip the remaining store hooks".
 *
 * <p>To rewrite and stop at once, throw {@link #with(Object)}: the given payload replaces the
 * current one, exactly as if the hook had returned it.
 *
 * <p>A stop is control flow: it carries no stack trace and costs little to throw.
 */
public class Stop extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Object payload;

    /** Ends the chain with the current payload. */
    public Stop() {
        this(null);
    }

    private Stop(Object payload) {
        super("stop", null, false, false);
        this.payload = payload;
    }

    /**
     * Ends the chain with {@code payload} as its result. The payload must be of the hook's own
     * payload type; the engine treats anything else as a hook error.
     */
    public static Stop with(Object payload) {
        if (payload == null) {
            throw new IllegalArgumentException("Stop.with needs a payload; use new Stop() to keep the current one");
        }
        return new Stop(payload);
    }

    /** @return the payload that replaces the current one, or {@code null} to keep it */
    public Object payload() {
        return payload;
    }
}
