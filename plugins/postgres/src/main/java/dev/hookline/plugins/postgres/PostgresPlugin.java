package dev.hookline.plugins.postgres;

import java.sql.SQLException;
import org.pf4j.Plugin;
import org.slf4j.LoggerFactory;

/**
 * The plugin's lifecycle ({@code Plugin-Class}). The store cannot be opened in {@link #start()}:
 * a plugin's settings reach it only through the hook context, so the hooks open it on their first
 * call ({@code onConfigure} at server start-up). {@link #stop()} commits what is queued, closes
 * every store this load of the plugin opened, and takes pgjdbc's driver (which registers itself
 * with {@code DriverManager} when loaded) out of {@code DriverManager}, so that an unloaded
 * plugin's class loader is not kept alive by it.
 */
public class PostgresPlugin extends Plugin {

    @Override
    public void start() {
        // Nothing to do: see the class comment.
    }

    @Override
    public void stop() {
        PostgresHooks.closeAll();
        try {
            if (org.postgresql.Driver.isRegistered()) {
                org.postgresql.Driver.deregister();
            }
        } catch (SQLException | RuntimeException e) {
            LoggerFactory.getLogger("hookline.plugin.postgres").debug("pgjdbc's driver not deregistered: {}", e.toString());
        }
    }
}
