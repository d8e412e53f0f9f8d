package dev.hookline.plugins.sqlite;

import org.pf4j.Plugin;

/**
 * The plugin's lifecycle ({@code Plugin-Class}). The database cannot be opened in
 * {@link #start()}: a plugin's settings reach it only through the hook context, so the hooks open
 * it on their first call ({@code onConfigure} at server start-up). {@link #stop()} commits what is
 * queued and closes every database this load of the plugin opened.
 */
public class SqlitePlugin extends Plugin {

    @Override
    public void start() {
        // Nothing to do: see the class comment.
    }

    @Override
    public void stop() {
        SqliteHooks.closeAll();
    }
}
