package dev.hookline.api;

import java.util.Optional;

/**
 * What every hook call gets besides its payload: the server, the connection the event belongs to
 * (if any) and the calling plugin's own context.
 *
 * <p>The context is valid only during the call: the engine reuses it for the next hook. What it
 * returns ({@link Connection}, {@link PluginContext}, {@link ServerApi}) is safe to keep.
 */
public interface HookContext {

    /**
     * @return the server API: read and write documents, broadcast
     * @throws IllegalStateException when the engine runs without a server (a bare engine in a test)
     */
    ServerApi server();

    /** @return the connection this event belongs to; empty for server-wide and storage events */
    Optional<Connection> connection();

    /** @return the context of the plugin whose hook is running */
    PluginContext plugin();
}
