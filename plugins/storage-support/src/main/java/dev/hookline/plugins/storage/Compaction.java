package dev.hookline.plugins.storage;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Drops the logged changes a snapshot contains, in the snapshot's transaction, after its upsert.
 * Rows above the stored version can only be changes the server reverted after the plugin had
 * logged them (a later onChange hook rejected, or a deadline): the store runs on the document's
 * lane, so every applied change is at or below it. They go too, unless this store was older than
 * the snapshot already kept.
 */
public final class Compaction {

    private Compaction() {
    }

    /** @return the statement, for {@link #run}, on the plugin's tables of snapshots and changes */
    public static String sql(String snapshots, String changes) {
        return "DELETE FROM " + changes + " WHERE document = ? AND (version <= ?"
                + " OR ? = (SELECT version FROM " + snapshots + " WHERE document = ?))";
    }

    /** Compacts the log of {@code document} after a store of {@code version}. */
    public static void run(PreparedStatement compact, String document, long version) throws SQLException {
        compact.setString(1, document);
        compact.setLong(2, version);
        compact.setLong(3, version);
        compact.setString(4, document);
        compact.executeUpdate();
    }
}
