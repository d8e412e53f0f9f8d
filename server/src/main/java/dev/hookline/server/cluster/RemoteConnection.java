package dev.hookline.server.cluster;

import dev.hookline.api.Connection;
import java.util.Map;

/**
 * A client of another node, as the owner's document hooks see it ({@code onChange},
 * {@code onAwarenessUpdate}): its id and the attributes it had when it joined. Closing it is not
 * possible from here: the connection lives on its own node.
 */
record RemoteConnection(String id, String node, Map<String, Object> attributes, boolean readOnly) implements Connection {

    RemoteConnection {
        attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
    }

    @Override
    public String remoteAddress() {
        return "node " + node;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close(int code, String reason) {
        // The owner cannot close another node's socket; the hook's own node can.
    }
}
