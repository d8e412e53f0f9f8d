package dev.hookline.plugins.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Operation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a document back: its snapshot (if any) with every later logged change replayed in order.
 * A damaged log (a missing version, a row that does not parse or apply) is not an error: the
 * result holds the snapshot plus the longest valid prefix of the log, and says in
 * {@link Loaded#skipped()} what was left out. The tables are the two storage plugins' layout:
 * {@code snapshots(document, version, state, meta)} and
 * {@code changes(document, version, op, path, value, meta)}, JSON as text.
 *
 * @param snapshots the table of snapshots
 * @param changes   the table of logged changes
 */
public record LogReader(String snapshots, String changes) {

    /**
     * Reads in the connection's current transaction (the caller makes it one that sees a snapshot
     * and a log that belong together, and ends it).
     *
     * @return the document, or {@code null} if nothing is stored for it
     * @throws SQLException when reading fails, or the snapshot is not usable
     */
    public Loaded read(Connection connection, String document) throws SQLException {
        ObjectNode state = null;
        Map<String, JsonNode> meta = null;
        long snapshotVersion = 0;
        boolean found = false;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT version, state, meta FROM " + snapshots + " WHERE document = ?")) {
            select.setString(1, document);
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next()) {
                    found = true;
                    snapshotVersion = rs.getLong(1);
                    JsonNode tree = StoredJson.parse(rs.getString(2));
                    if (!(tree instanceof ObjectNode object)) {
                        throw new SQLDataException("the stored snapshot of " + document + " is not a JSON object");
                    }
                    state = object;
                    meta = new LinkedHashMap<>();
                    JsonNode metaTree = StoredJson.parse(rs.getString(3));
                    for (Iterator<Map.Entry<String, JsonNode>> it = metaTree.properties().iterator(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> entry = it.next();
                        meta.put(entry.getKey(), entry.getValue());
                    }
                }
            }
        }
        Replay replay = new Replay(state, meta, snapshotVersion);
        int replayed = 0;
        Loaded.Skipped skipped = null;
        try (PreparedStatement select = connection.prepareStatement("SELECT version, op, path, value, meta FROM "
                + changes + " WHERE document = ? AND version > ? ORDER BY version")) {
            select.setString(1, document);
            select.setLong(2, snapshotVersion);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    found = true;
                    long version = rs.getLong(1);
                    if (skipped != null) {
                        skipped = new Loaded.Skipped(skipped.after(), skipped.first(), version, skipped.rows() + 1,
                                skipped.reason());
                        continue;
                    }
                    String problem = version != replay.version() + 1
                            ? "a gap: after version " + replay.version() + " comes version " + version
                            : replayOne(replay, version, rs);
                    if (problem == null) {
                        replayed++;
                    } else {
                        skipped = new Loaded.Skipped(replay.version(), version, version, 1, problem);
                    }
                }
            }
        }
        return found ? new Loaded(replay.root(), replay.meta(), replay.version(), snapshotVersion, replayed, skipped)
                : null;
    }

    /**
     * Applies the logged change in the current row.
     *
     * @return {@code null}, or why the row cannot be used (the replay is then unchanged)
     */
    private static String replayOne(Replay replay, long version, ResultSet rs) throws SQLException {
        try {
            String value = rs.getString(4);
            String changeMeta = rs.getString(5);
            replay.apply(version, operation(rs.getString(2)), rs.getString(3),
                    value == null ? null : StoredJson.parse(value),
                    changeMeta == null ? null : StoredJson.parse(changeMeta));
            return null;
        } catch (SQLDataException | IllegalStateException e) {
            return "the change at version " + version + " does not apply: " + e.getMessage();
        }
    }

    private static Operation operation(String op) throws SQLException {
        return switch (op) {
            case "set" -> Operation.SET;
            case "merge" -> Operation.MERGE;
            case "delete" -> Operation.DELETE;
            default -> throw new SQLDataException("unknown operation in the change log: " + op);
        };
    }
}
