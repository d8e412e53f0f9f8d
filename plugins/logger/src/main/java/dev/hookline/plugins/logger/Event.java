package dev.hookline.plugins.logger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The hooks the logger can log, by their hook names as they appear in {@code events}. Each has a
 * bit in the mask that {@link LoggerHooks} checks with a single field read.
 *
 * <p>{@code onStoreDocument} is deliberately not here: the server treats any hook in that chain as
 * storage (a server without one keeps changed documents in memory), so a logger hook there would
 * let a memory-only server unload, and lose, changed documents. {@code afterStoreDocument} logs
 * each store instead.
 */
public enum Event {
    ON_CONFIGURE("onConfigure", true),
    ON_LISTEN("onListen", true),
    ON_DESTROY("onDestroy", true),
    ON_REQUEST("onRequest", false),
    ON_UPGRADE("onUpgrade", true),
    ON_CONNECT("onConnect", true),
    CONNECTED("connected", true),
    ON_DISCONNECT("onDisconnect", true),
    ON_AUTHENTICATE("onAuthenticate", false),
    ON_JOIN("onJoin", true),
    ON_LEAVE("onLeave", true),
    ON_LOAD_DOCUMENT("onLoadDocument", true),
    AFTER_LOAD_DOCUMENT("afterLoadDocument", true),
    ON_CHANGE("onChange", false),
    AFTER_STORE_DOCUMENT("afterStoreDocument", true),
    AFTER_UNLOAD_DOCUMENT("afterUnloadDocument", true);

    private final String hook;
    private final boolean byDefault;
    private final int bit;

    Event(String hook, boolean byDefault) {
        this.hook = hook;
        this.byDefault = byDefault;
        this.bit = 1 << ordinal();
    }

    /** @return the hook's name, as written in the {@code events} setting */
    public String hook() {
        return hook;
    }

    /** @return whether it is logged when {@code events} is not set */
    public boolean byDefault() {
        return byDefault;
    }

    /** @return this event's bit in a mask */
    public int bit() {
        return bit;
    }

    /** @return the event with that hook name (exact spelling), or {@code null} */
    public static Event byHook(String hook) {
        for (Event event : values()) {
            if (event.hook.equals(hook)) {
                return event;
            }
        }
        return null;
    }

    /** @return the hook names logged when {@code events} is not set, in catalogue order */
    public static List<String> defaults() {
        List<String> names = new ArrayList<>();
        for (Event event : values()) {
            if (event.byDefault) {
                names.add(event.hook);
            }
        }
        return Collections.unmodifiableList(names);
    }

    /** @return every valid hook name, comma-separated, for error messages */
    public static String validNames() {
        return Stream.of(values()).map(Event::hook).collect(Collectors.joining(", "));
    }
}
