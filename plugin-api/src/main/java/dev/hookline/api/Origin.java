package dev.hookline.api;

import java.util.Objects;

/**
 * Where a change came from. Every change, and every write a hook sees, carries one, so a hook
 * can tell a client's write from one the server, storage or another node made.
 *
 * @param kind   the kind of source
 * @param source the connection id for {@link Kind#CONNECTION}, the node id for
 *               {@link Kind#REPLICATION}, otherwise an empty string
 */
public record Origin(Kind kind, String source) {

    /** The kinds of origin. */
    public enum Kind {
        /** A client connection wrote it. */
        CONNECTION,
        /** The server API wrote it: a hook or the embedding application. */
        SERVER,
        /** It was loaded from storage. */
        STORAGE,
        /** Another node replicated it to this one. */
        REPLICATION
    }

    /** Writes made through the server API. */
    public static final Origin SERVER = new Origin(Kind.SERVER, "");
    /** State loaded from storage. */
    public static final Origin STORAGE = new Origin(Kind.STORAGE, "");

    /** Checks that neither component is null. */
    public Origin {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
    }

    /** @return the origin of a write made by the given connection */
    public static Origin connection(String connectionId) {
        return new Origin(Kind.CONNECTION, connectionId);
    }

    /** @return the origin of a change replicated from the given node */
    public static Origin replication(String nodeId) {
        return new Origin(Kind.REPLICATION, nodeId);
    }
}
