package dev.hookline.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;
import dev.hookline.api.Reject;
import dev.hookline.api.payload.Authenticate;
import dev.hookline.api.payload.Awareness;
import dev.hookline.api.payload.BroadcastStateless;
import dev.hookline.api.payload.Connect;
import dev.hookline.api.payload.Connected;
import dev.hookline.api.payload.Delete;
import dev.hookline.api.payload.Disconnect;
import dev.hookline.api.payload.Heartbeat;
import dev.hookline.api.payload.InboundMessage;
import dev.hookline.api.payload.Join;
import dev.hookline.api.payload.KeepAlive;
import dev.hookline.api.payload.Leave;
import dev.hookline.api.payload.Stateless;
import dev.hookline.api.payload.Subscribe;
import dev.hookline.api.payload.TokenSync;
import dev.hookline.api.payload.Update;
import dev.hookline.server.config.Durations;
import dev.hookline.server.config.ServerConfig;
import dev.hookline.server.documents.Paths;
import dev.hookline.server.hooks.CallContext;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.hooks.Hooks;
import dev.hookline.server.protocol.Codes;
import dev.hookline.server.protocol.Inbound;
import dev.hookline.server.protocol.InboundParser;
import dev.hookline.server.protocol.Json;
import dev.hookline.server.protocol.Outbound;
import dev.hookline.server.protocol.ProtocolException;
import dev.hookline.server.transport.ClientConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Protocol v1 for one connection: every method runs on the connection's lane, so its frames are
 * handled one at a time, in order. Connection-level hooks run here, with the connection in their
 * context; a document's writes are applied on the document's lane.
 */
public final class ConnectionSession {

    private static final Logger log = LoggerFactory.getLogger(ConnectionSession.class);

    private final ClientConnection connection;
    private final HookEngine engine;
    private final DocumentLinks links;
    private final ServerConfig config;
    private final Map<String, DocumentSession> sessions = new LinkedHashMap<>();
    private boolean accepted;

    public ConnectionSession(ClientConnection connection, HookEngine engine, DocumentLinks links,
                             ServerConfig config) {
        this.connection = connection;
        this.engine = engine;
        this.links = links;
        this.config = config;
    }

    private CallContext context() {
        return connection.context();
    }

    // ---- connection lifecycle ---------------------------------------------------------------------

    /** {@code onConnect}, then {@code connected} and the welcome frame; a reject closes the socket. */
    public void start() {
        Connect connect;
        try {
            connect = engine.run(Hooks.ON_CONNECT, new Connect(connection.headers(), connection.query(),
                    connection.remoteAddress(), Map.of(), false), context());
        } catch (Reject reject) {
            log.debug("Connection {} refused by onConnect: {} {}", connection, reject.code(), reject.reason());
            connection.goodbyeAndClose(reject.code(), reject.reason());
            return;
        }
        connection.attributes(connect.attributes());
        connection.readOnly(connect.readOnly());
        accepted = true;
        connection.ponged(); // idle time counts from acceptance: a slow onConnect is not the client's silence
        try {
            engine.run(Hooks.CONNECTED, new Connected(connection.attributes()), context());
        } catch (Reject reject) {
            log.debug("connected hook rejected for {}: {}", connection, reject.reason());
        }
        connection.send(Outbound.welcome(connection.id()));
    }

    /** Handles one text frame. */
    public void frame(String text) {
        if (!accepted || connection.closing()) {
            return; // refused by onConnect, or closed by the server: its frames are dropped, never applied
        }
        Long id = null;
        try {
            JsonNode tree = InboundParser.tree(text);
            id = InboundParser.validId(tree); // only a valid id is echoed in an early error
            JsonNode docNode = tree.get("doc");
            connection.requestStarted(id, docNode != null && docNode.isTextual() ? docNode.asText() : null);
            InboundMessage message = engine.run(Hooks.BEFORE_HANDLE_MESSAGE, new InboundMessage(tree), context());
            Inbound request = InboundParser.parse(message.frame());
            id = request.id();
            handle(request);
        } catch (ProtocolException e) {
            connection.send(Outbound.error(e.requestId() != null ? e.requestId() : id, null, e.code(), e.reason()));
        } catch (Reject reject) {
            connection.send(Outbound.error(id, null, reject.code(), reject.reason()));
        } catch (RuntimeException e) {
            log.error("Handling a frame of {} failed", connection, e);
            connection.send(Outbound.error(id, null, Codes.INTERNAL, "internal error"));
        } finally {
            connection.requestEnded();
            connection.resumeReceivesIfDrained();
        }
    }

    private void handle(Inbound request) {
        switch (request) {
            case Inbound.Open open -> open(open);
            case Inbound.Leave leave -> leave(leave);
            case Inbound.Subscribe subscribe -> subscribe(subscribe);
            case Inbound.Unsubscribe unsubscribe -> unsubscribe(unsubscribe);
            case Inbound.Write write -> write(write);
            case Inbound.Presence presence -> presence(presence);
            case Inbound.Stateless stateless -> stateless(stateless);
            case Inbound.Token token -> token(token);
            case Inbound.Pong pong -> pong(pong);
        }
    }

    /**
     * Closes the connection with 4408 once it sent no pong for {@code idleTimeout}.
     *
     * @return nanoseconds until it would be idle, when to look again; 0 when there is nothing left
     *         to watch (closed now or before)
     */
    public long closeIfIdle() {
        if (!connection.isOpen()) {
            return 0;
        }
        long timeout = config.idleTimeout().toNanos();
        if (!accepted) {
            return timeout; // onConnect still runs: idle time counts from acceptance
        }
        long left = timeout - connection.sinceLastPongNanos();
        if (left > 0) {
            return left;
        }
        connection.goodbyeAndClose(Codes.TIMEOUT, "no pong for " + Durations.format(config.idleTimeout())
                + " (idleTimeout)");
        return 0;
    }

    /** Sends a ping through {@code onKeepAlive}. */
    public void keepAlive() {
        if (!accepted || !connection.isOpen()) {
            return;
        }
        try {
            KeepAlive keepAlive = engine.run(Hooks.ON_KEEP_ALIVE,
                    new KeepAlive(Json.object().put("time", System.currentTimeMillis())), context());
            connection.send(Outbound.ping(keepAlive.payload()));
        } catch (Reject reject) {
            connection.goodbyeAndClose(reject.code(), reject.reason());
        }
    }

    /** The socket closed: leave every document, then {@code onDisconnect}, exactly once. */
    public void disconnected(int code, String reason) {
        if (!connection.markDisconnected()) {
            return;
        }
        accepted = false; // frames still queued behind this task are dropped
        for (String doc : sessions.keySet().toArray(new String[0])) {
            // An interrupt a hook left set (an earlier onLeave, say) would fail the wait for the
            // document's lane: the document would never be released. The socket is gone; nothing
            // here is to be interrupted any more.
            Thread.interrupted();
            try {
                leaveDocument(doc);
            } catch (RuntimeException e) {
                // One failed leave must not keep this connection a member of the other documents,
                // holding their presence, subscriptions and its socket's memory for good.
                log.error("Connection {} could not leave document '{}' cleanly", connection, doc, e);
            }
        }
        try {
            engine.run(Hooks.ON_DISCONNECT, new Disconnect(code, reason == null ? "" : reason), context());
        } catch (Reject reject) {
            log.debug("onDisconnect rejected for {}: {}", connection, reject.reason());
        }
        context().close();
    }

    // ---- documents ---------------------------------------------------------------------------------

    private void open(Inbound.Open open) {
        long id = open.id();
        String doc = open.doc();
        if (sessions.containsKey(doc)) {
            throw new ProtocolException(Codes.CONFLICT, "document " + doc + " is already open", id);
        }
        if (sessions.size() >= config.maxOpenDocuments()) {
            throw new ProtocolException(Codes.TOO_MANY, "at most " + config.maxOpenDocuments()
                    + " documents open per connection", id);
        }
        Authenticate auth;
        try {
            auth = engine.run(Hooks.ON_AUTHENTICATE, new Authenticate(doc, open.token(), connection.attributes(),
                    connection.readOnly()), context());
        } catch (Reject reject) {
            connection.send(Outbound.error(id, doc, reject.code(), reject.reason()));
            return;
        }
        DocumentSession session = new DocumentSession(connection, doc, auth.readOnly(), this::documentMoved);
        Relay.Joined joined;
        try {
            joined = links.join(session);
        } catch (Reject reject) {
            connection.send(Outbound.error(id, doc, reject.code(), reject.reason()));
            return;
        }
        session.link(joined.link());
        session.joinedAt(joined.version());
        long version = joined.version();
        connection.mergeAttributes(auth.attributes()); // only once the document is really open
        sessions.put(doc, session);
        connection.send(Outbound.ack(id, doc, version));
        try {
            engine.run(Hooks.ON_JOIN, new Join(doc), context());
        } catch (Reject reject) {
            log.debug("onJoin rejected for {} on {}: {}", connection, doc, reject.reason());
        }
    }

    private void leave(Inbound.Leave leave) {
        if (!sessions.containsKey(leave.doc())) {
            throw new ProtocolException(Codes.NOT_FOUND, "document " + leave.doc() + " is not open", leave.id());
        }
        leaveDocument(leave.doc());
        if (leave.id() != null) {
            connection.send(Outbound.ack(leave.id()));
        }
    }

    private void leaveDocument(String doc) {
        DocumentSession session = sessions.remove(doc);
        if (session == null) {
            return;
        }
        DocumentLink link = session.link();
        if (link != MOVING) {
            link.leave();
        }
        try {
            engine.run(Hooks.ON_LEAVE, new Leave(doc), context());
        } catch (Reject reject) {
            log.debug("onLeave rejected for {} on {}: {}", connection, doc, reject.reason());
        }
    }

    private DocumentSession session(String doc, Long id) {
        DocumentSession session = sessions.get(doc);
        if (session == null) {
            throw new ProtocolException(Codes.NOT_FOUND, "document " + doc + " is not open", id);
        }
        return session;
    }

    /** As {@link #session}, for a request that needs the document itself: refused while it moves between nodes. */
    private DocumentLink link(DocumentSession session, Long id) {
        DocumentLink link = session.link();
        if (link == MOVING) {
            throw new ProtocolException(Codes.UNAVAILABLE, "document " + session.name()
                    + " is moving to another node of the cluster; try again shortly", id);
        }
        return link;
    }

    // ---- documents moving between nodes (a cluster) -----------------------------------------------

    /** The link of a session whose document is moving: nothing is passed on until it has arrived. */
    private static final DocumentLink MOVING = new DocumentLink() {
        @Override
        public void subscribe(long id, String path, boolean keys, long since, boolean resumed) {
        }

        @Override
        public void unsubscribe(long id) {
        }

        @Override
        public void write(Long requestId, Operation op, String path, JsonNode value, JsonNode meta, Origin origin) {
        }

        @Override
        public void presence(Long requestId, JsonNode state) {
        }

        @Override
        public void stateless(Long requestId, byte[] frame) {
        }

        @Override
        public void leave() {
        }
    };

    /** How long a session keeps trying to re-attach to a moved document before it is closed. */
    private static final long REATTACH_FOR_NANOS = 30_000_000_000L;

    /**
     * The session's document left the node that served it (its owner died or lost its
     * ownership): any thread. The session re-attaches on the connection's lane.
     */
    private void documentMoved(DocumentSession session, DocumentLink from) {
        long since = System.nanoTime();
        connection.lane().submit(() -> reattach(session, from, since));
    }

    /**
     * Joins the session to its document again, wherever it is now, without the open's hooks (the
     * session was authorised), and re-attaches its subscriptions from the version the client has
     * seen: they go on with what they missed, or get a snapshot marked as a reset. Its presence
     * state, if it had one, is set again. Requests for
     * the document are refused with 4503 meanwhile. While the document cannot be reached (its
     * lease has not expired yet, the cluster service is down) it tries again every quarter second,
     * for 30 s; then, or at once for a refusal that will not pass, the client gets a
     * {@code closed} frame for the document.
     */
    private void reattach(DocumentSession session, DocumentLink from, long movingSince) {
        if (sessions.get(session.name()) != session || !connection.isOpen() || session.link() != from) {
            return; // left, gone, or already re-attached (told twice) meanwhile
        }
        session.link(MOVING);
        Relay.Joined joined;
        try {
            joined = links.join(session);
        } catch (Reject reject) {
            if (reject.code() == Codes.UNAVAILABLE && System.nanoTime() - movingSince < REATTACH_FOR_NANOS) {
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                    connection.lane().submit(() -> reattach(session, MOVING, movingSince));
                });
                return;
            }
            log.warn("Connection {} lost document '{}': {} {}", connection, session.name(), reject.code(), reject.reason());
            sessions.remove(session.name());
            connection.send(Outbound.closed(session.name(), reject.code(), reject.reason()));
            return;
        }
        long since = session.seenVersion();
        session.link(joined.link());
        for (DocumentSession.Subscription subscription : session.subscriptionList()) {
            joined.link().subscribe(subscription.id(), subscription.path(), subscription.keys(), since, true);
        }
        if (session.presence() != null) {
            // The presence states lived in the document on its old node: the others see this one again.
            joined.link().presence(null, session.presence());
        }
        log.info("Connection {} re-attached to document '{}' (version {} seen, {} now)", connection, session.name(),
                since, joined.version());
    }

    private static String canonical(String path, Long id) {
        try {
            return Paths.normalize(path);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(Codes.BAD_REQUEST, e.getMessage(), id);
        }
    }

    private void subscribe(Inbound.Subscribe request) {
        DocumentSession session = session(request.doc(), request.id());
        int limit = config.data().maxSubscriptionsPerConnection();
        if (subscriptionCount() >= limit) {
            throw new ProtocolException(Codes.TOO_MANY, "at most " + limit + " subscriptions per connection", request.id());
        }
        Subscribe subscribe;
        try {
            subscribe = engine.run(Hooks.ON_SUBSCRIBE, new Subscribe(request.doc(), canonical(request.path(), request.id()),
                    request.keys() ? Subscribe.Kind.KEYS : Subscribe.Kind.VALUE, request.since()), context());
        } catch (Reject reject) {
            connection.send(Outbound.error(request.id(), request.doc(), reject.code(), reject.reason()));
            return;
        }
        String path = canonical(subscribe.path(), request.id());
        DocumentLink link = link(session, request.id());
        if (session.hasSubscription(request.id())) {
            connection.send(Outbound.error(request.id(), request.doc(), Codes.CONFLICT,
                    "subscription id " + request.id() + " is in use"));
            return;
        }
        // Counted now, before the document adds it: a burst of subs cannot overtake the limit.
        session.subscriptionAdded(request.id(), path, request.keys());
        link.subscribe(request.id(), path, request.keys(), request.since(), false);
    }

    /** @return the subscriptions this connection holds, or has on their way, over all its documents */
    private int subscriptionCount() {
        int count = 0;
        for (DocumentSession session : sessions.values()) {
            count += session.subscriptions();
        }
        return count;
    }

    private void unsubscribe(Inbound.Unsubscribe request) {
        DocumentSession session = session(request.doc(), request.id());
        if (!session.subscriptionEnded(request.sub())) {
            throw new ProtocolException(Codes.NOT_FOUND, "no subscription " + request.sub(), request.id());
        }
        DocumentLink link = session.link();
        if (link != MOVING) {
            link.unsubscribe(request.sub());
        }
        if (request.id() != null) {
            connection.send(Outbound.ack(request.id()));
        }
    }

    private void write(Inbound.Write request) {
        DocumentSession session = session(request.doc(), request.id());
        DocumentLink link = link(session, request.id());
        if (session.readOnly()) {
            throw new ProtocolException(Codes.FORBIDDEN, "this session is read-only", request.id());
        }
        String path = canonical(request.path(), request.id());
        Origin origin = Origin.connection(connection.id());
        Operation op = request.op();
        JsonNode value = request.value();
        JsonNode meta = request.meta();
        try {
            if (op == Operation.DELETE) {
                path = canonical(engine.run(Hooks.ON_DELETE, new Delete(request.doc(), path, origin), context()).path(),
                        request.id());
            } else {
                Update update = engine.run(Hooks.ON_UPDATE, new Update(request.doc(), op, path, value, meta, origin),
                        context());
                path = canonical(update.path(), request.id());
                value = update.value();
                meta = update.meta();
            }
        } catch (Reject reject) {
            connection.send(Outbound.error(request.id(), request.doc(), reject.code(), reject.reason()));
            return;
        }
        link.write(request.id(), op, path, value, meta, origin);
    }

    private void presence(Inbound.Presence request) {
        DocumentSession session = session(request.doc(), request.id());
        DocumentLink link = link(session, request.id());
        requireAtMost("a presence state", request.state(), config.data().maxPresenceBytes(), request.id());
        Awareness awareness;
        try {
            awareness = engine.run(Hooks.BEFORE_HANDLE_AWARENESS, new Awareness(request.doc(), request.state()), context());
        } catch (Reject reject) {
            connection.send(Outbound.error(request.id(), request.doc(), reject.code(), reject.reason()));
            return;
        }
        session.presence(awareness.state());
        link.presence(request.id(), awareness.state());
    }

    private void stateless(Inbound.Stateless request) {
        DocumentSession session = session(request.doc(), request.id());
        DocumentLink link = link(session, request.id());
        requireAtMost("a stateless payload", request.payload(), config.data().maxStatelessBytes(), request.id());
        BroadcastStateless broadcast;
        try {
            Stateless stateless = engine.run(Hooks.ON_STATELESS, new Stateless(request.doc(), request.payload()), context());
            broadcast = engine.run(Hooks.BEFORE_BROADCAST_STATELESS, new BroadcastStateless(request.doc(),
                    stateless.payload(), Origin.connection(connection.id())), context());
        } catch (Reject reject) {
            connection.send(Outbound.error(request.id(), request.doc(), reject.code(), reject.reason()));
            return;
        }
        byte[] frame = Outbound.stateless(request.doc(), broadcast.payload());
        link.stateless(request.id(), frame);
    }

    /**
     * Refuses a client's payload over its limit before any hook sees it: it would be kept (presence)
     * or copied into every member's queue (stateless).
     */
    private static void requireAtMost(String what, JsonNode value, int limit, Long id) {
        if (value == null) {
            return; // presence cleared
        }
        long size = Json.size(value);
        if (size > limit) {
            throw new ProtocolException(Codes.PAYLOAD_TOO_LARGE, what + " is at most " + limit + " bytes of JSON, this one is "
                    + size, id);
        }
    }

    private void token(Inbound.Token request) {
        DocumentSession session = session(request.doc(), request.id());
        TokenSync sync;
        try {
            sync = engine.run(Hooks.ON_TOKEN_SYNC, new TokenSync(request.doc(), request.token(), connection.attributes(),
                    session.readOnly()), context());
        } catch (Reject reject) {
            if (request.id() != null) {
                connection.send(Outbound.error(request.id(), request.doc(), Codes.UNAUTHORIZED, reject.reason()));
            }
            leaveDocument(request.doc());
            connection.send(Outbound.closed(request.doc(), Codes.UNAUTHORIZED, reject.reason()));
            return;
        }
        connection.mergeAttributes(sync.attributes());
        session.readOnly(sync.readOnly());
        if (request.id() != null) {
            connection.send(Outbound.ack(request.id()));
        }
    }

    private void pong(Inbound.Pong pong) {
        connection.ponged();
        try {
            engine.run(Hooks.ON_HEARTBEAT, new Heartbeat(pong.payload(), roundTrip(pong.payload())), context());
        } catch (Reject reject) {
            connection.goodbyeAndClose(reject.code(), reject.reason());
        }
    }

    private static long roundTrip(JsonNode payload) {
        if (payload != null && payload.path("time").canConvertToLong()) {
            return Math.max(0, System.currentTimeMillis() - payload.get("time").asLong());
        }
        return -1;
    }

}
