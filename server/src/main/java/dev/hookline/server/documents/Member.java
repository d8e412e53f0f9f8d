package dev.hookline.server.documents;

import dev.hookline.api.Connection;

/** A connection's presence in one document: where the document's frames for it go. */
public interface Member {

    /** @return the connection */
    Connection connection();

    /** Queues a frame for the connection without blocking; the array is shared, never modified. */
    void send(byte[] frame);

    /**
     * Queues the frame of the change with {@code version}, unless this member was already sent it:
     * a member with several subscriptions that one change touches gets it once. Called only on
     * the document's lane, one change at a time, so the member can simply remember the last version.
     *
     * @return whether the frame was queued
     */
    boolean sendChange(long version, byte[] frame);

    /**
     * The document left this node while this member was in it (in a cluster, when this node lost
     * its ownership): the member is no longer in it and should find it on its new owner. Called
     * on the document's lane; must not block.
     */
    void documentMoved(String document);
}
