package dev.hookline.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * What came with a value passed to a {@link Ref#on ref listener}.
 *
 * @param version     the document version the value is at
 * @param meta        the meta stored at the ref's path, {@code null} when there is none
 * @param metaByPath  the meta at and below the ref's path, keyed by canonical document path; a
 *                    read-only view, valid during the callback
 * @param reset       {@code true} when the value replaces what the client cached because a
 *                    resume could not be replayed (the server sent a fresh snapshot)
 * @param changedPath the path of the change that produced this value; {@code null} for a snapshot
 * @param origin      the change's origin ({@code "connection"}, {@code "server"}, {@code "storage"},
 *                    {@code "replication"}); {@code null} for a snapshot
 */
public record ChangeInfo(long version, JsonNode meta, Map<String, JsonNode> metaByPath, boolean reset,
                         String changedPath, String origin) {

    /** @return whether this is a snapshot (the first value, or a reset), not a change */
    public boolean snapshot() {
        return changedPath == null;
    }
}
