package dev.hookline.server.session;

import dev.hookline.api.Connection;
import dev.hookline.server.documents.Member;
import dev.hookline.server.transport.ClientConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A connection's session on one open document: the member the document sends to, the link that
 * reaches the document (on this node or on its owner), and what the session would need to
 * re-attach if the document moves to another node: its subscriptions and the last version sent.
 */
public final class DocumentSession implements Member {

    /** A subscription the session holds, kept to re-attach it elsewhere. */
    record Subscription(long id, String path, boolean keys) {
    }

    private final ClientConnection connection;
    private final String name;
    private final Consumer<byte[]> answers;
    private final java.util.function.BiConsumer<DocumentSession, DocumentLink> moved;
    private volatile boolean readOnly;
    private volatile DocumentLink link;
    /** The last change version sent; touched only on the document's lane. */
    private long lastChangeSent = -1;
    /**
     * The version the session is known to be up to date with: the join's, then each change's.
     * Written with release stores (a plain store on x86: this is on every delivery's path), read
     * on the connection's lane when the session re-attaches elsewhere.
     */
    @SuppressWarnings("unused") // through SEEN
    private long seenVersion = -1;
    private static final java.lang.invoke.VarHandle SEEN;

    static {
        try {
            SEEN = java.lang.invoke.MethodHandles.lookup().findVarHandle(DocumentSession.class, "seenVersion", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** The presence state the client set last (null: none); connection lane only. */
    private com.fasterxml.jackson.databind.JsonNode presence;
    /** Subscriptions by id; connection lane only. */
    private final Map<Long, Subscription> subscriptionsById = new LinkedHashMap<>();
    /**
     * Subscriptions held or on their way: counted up on the connection's lane when a {@code sub}
     * is passed on, down when one ends.
     */
    private final AtomicInteger subscriptions = new AtomicInteger();

    DocumentSession(ClientConnection connection, String name, boolean readOnly,
                    java.util.function.BiConsumer<DocumentSession, DocumentLink> moved) {
        this.connection = connection;
        this.name = name;
        this.readOnly = readOnly;
        this.moved = moved;
        this.answers = connection::send;
    }

    @Override
    public Connection connection() {
        return connection;
    }

    /** @return the document's name */
    public String name() {
        return name;
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
        SEEN.setRelease(this, version);
        connection.send(frame);
        return true;
    }

    /**
     * A frame from the document's owner on another node, with the version it was sent at (a
     * change's, or -1 for any other frame).
     */
    public void deliver(long version, byte[] frame) {
        if (version >= 0) {
            SEEN.setRelease(this, version);
        }
        connection.send(frame);
    }

    @Override
    public void documentMoved(String document) {
        moved.accept(this, link); // this node's document left: the session's link is the local one
    }

    /** The document that {@code from} reached left its node: the session re-attaches (any thread). */
    public void moved(DocumentLink from) {
        moved.accept(this, from);
    }

    /** @return where the session's requests and answers go: the answers reach the client as frames */
    Consumer<byte[]> answers() {
        return answers;
    }

    /** @return the version the client is up to date with, for resuming elsewhere */
    public long seenVersion() {
        return (long) SEEN.getAcquire(this);
    }

    void joinedAt(long version) {
        SEEN.setRelease(this, version);
    }

    DocumentLink link() {
        return link;
    }

    void link(DocumentLink link) {
        this.link = link;
    }

    /** The client set (or cleared, null) its presence state (connection lane). */
    void presence(com.fasterxml.jackson.databind.JsonNode state) {
        presence = state;
    }

    /** @return the presence state the client set last, to set it again where the document moved; null if none */
    com.fasterxml.jackson.databind.JsonNode presence() {
        return presence;
    }

    /** @return whether this session, or its whole connection, may only read */
    public boolean readOnly() {
        return readOnly || connection.readOnly();
    }

    void readOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** @return the subscriptions this session holds or has on their way to the document */
    int subscriptions() {
        return subscriptions.get();
    }

    boolean hasSubscription(long id) {
        return subscriptionsById.containsKey(id);
    }

    /** A subscription is on its way to the document (connection lane). */
    void subscriptionAdded(long id, String path, boolean keys) {
        subscriptionsById.put(id, new Subscription(id, path, keys));
        subscriptions.incrementAndGet();
    }

    /** A subscription ended (connection lane). @return whether it existed */
    boolean subscriptionEnded(long id) {
        if (subscriptionsById.remove(id) == null) {
            return false;
        }
        subscriptions.decrementAndGet();
        return true;
    }

    /** @return the subscriptions held, to re-attach them (connection lane) */
    Iterable<Subscription> subscriptionList() {
        return java.util.List.copyOf(subscriptionsById.values());
    }
}
