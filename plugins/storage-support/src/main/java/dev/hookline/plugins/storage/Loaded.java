package dev.hookline.plugins.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A document as stored: the snapshot with the logged changes replayed onto it.
 *
 * @param skipped what the load left out of a damaged log, or {@code null} when the log was whole
 */
public record Loaded(ObjectNode state, Map<String, JsonNode> meta, long version, long snapshotVersion, int replayed,
                     Skipped skipped) {

    /**
     * The part of a document's log a load could not use: from the first row that does not continue
     * the valid prefix (a missing version, or a row that does not parse or apply) to the end. The
     * load stops before it; the store moves the rows to its table of skipped changes, so later
     * changes of the document never land behind them and they are kept for a repair by hand.
     *
     * @param after  the last version the load could use (the document's version)
     * @param first  the first version left out
     * @param last   the last version left out
     * @param rows   how many logged rows were left out
     * @param reason why the row at {@code first} ends the valid prefix
     */
    public record Skipped(long after, long first, long last, int rows, String reason) {
    }
}
