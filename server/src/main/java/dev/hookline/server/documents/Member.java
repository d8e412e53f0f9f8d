package dev.hookline.server.documents;

import dev.hookline.api.Connection;

/** A connection's presence in one document: where the document's frames for it go. */
public interface Member {

    /** @return the connection */
    Connection connection();

    /** Queues a frame for the connection without blocking; the array is shared, never modified. */
    void send(byte[] frame);
}
