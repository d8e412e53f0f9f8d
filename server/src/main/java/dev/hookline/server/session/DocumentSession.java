package dev.hookline.server.session;

import dev.hookline.api.Connection;
import dev.hookline.server.documents.LiveDocument;
import dev.hookline.server.documents.Member;
import dev.hookline.server.transport.ClientConnection;
import java.util.concurrent.atomic.AtomicInteger;

/** A connection's session on one open document: the member the document sends to. */
final class DocumentSession implements Member {

    private final ClientConnection connection;
    private final LiveDocument document;
    private volatile boolean readOnly;
    /** The last change version sent; touched only on the document's lane. */
    private long lastChangeSent = -1;
    /**
     * Subscriptions held or on their way: counted up on the connection's lane when a {@code sub}
     * is passed on, down on either lane when one ends or is refused.
     */
    private final AtomicInteger subscriptions = new AtomicInteger();

    DocumentSession(ClientConnection connection, LiveDocument document, boolean readOnly) {
        this.connection = connection;
        this.document = document;
        this.readOnly = readOnly;
    }

    @Override
    public Connection connection() {
        return connection;
    }

    @Override
    public void send(byte[] frame) {
        connection.send(frame);
    }

    @Override
    public boolean sendChange(long version, byte[] frame) {
        if (version == lastChangeSent) {
            return false;
        }
        lastChangeSent = version;
        connection.send(frame);
        return true;
    }

    LiveDocument document() {
        return document;
    }

    /** @return whether this session, or its whole connection, may only read */
    boolean readOnly() {
        return readOnly || connection.readOnly();
    }

    void readOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** @return the subscriptions this session holds or has on their way to the document */
    int subscriptions() {
        return subscriptions.get();
    }

    /** A subscription is on its way to the document. */
    void subscriptionAdded() {
        subscriptions.incrementAndGet();
    }

    /** A subscription ended, or the document refused it. */
    void subscriptionEnded() {
        subscriptions.decrementAndGet();
    }
}
