package dev.hookline.server.transport;

import dev.hookline.api.ServerApi;
import dev.hookline.server.config.ServerConfig;
import dev.hookline.server.flow.SerialLane;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.protocol.Codes;
import dev.hookline.server.protocol.Outbound;
import dev.hookline.server.session.ConnectionSession;
import dev.hookline.server.session.DocumentLinks;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.spi.WebSocketHttpExchange;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts WebSocket connections. This runs on Undertow's IO threads, so it only wires things up
 * and hands every frame to the connection's lane: IO threads never run hooks or wait.
 */
public final class WebSocketEndpoint implements WebSocketConnectionCallback {

    private static final Logger log = LoggerFactory.getLogger(WebSocketEndpoint.class);

    private final ServerConfig config;
    private final HookEngine engine;
    private final DocumentLinks documents;
    /** Put before each connection id, so that ids are unique across a cluster ("n1.c7"). */
    private volatile String idPrefix = "";
    private final ServerApi server;
    private final Executor virtualThreads;
    private final ScheduledExecutorService ticker;
    /** Pings every connection each keepAliveInterval, from one timer task for all of them. */
    private final KeepAliveWheel keepAlives;
    private final dev.hookline.server.observe.TrafficMeters meters;
    private final AtomicLong ids = new AtomicLong();
    private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    /** Counts frames in and out, bytes out and slow-consumer closes in {@code meters}. */
    public WebSocketEndpoint(ServerConfig config, HookEngine engine, DocumentLinks documents, ServerApi server,
                             Executor virtualThreads, ScheduledExecutorService ticker,
                             dev.hookline.server.observe.TrafficMeters meters) {
        this.meters = meters;
        this.config = config;
        this.engine = engine;
        this.documents = documents;
        this.server = server;
        this.virtualThreads = virtualThreads;
        this.ticker = ticker;
        this.keepAlives = new KeepAliveWheel(ticker, config.keepAliveInterval().toNanos());
    }

    /** Makes connection ids unique in a cluster: {@code <nodeId>.c<n>}. Set once, before clients connect. */
    public void nodeId(String nodeId) {
        idPrefix = nodeId + ".";
    }

    @Override
    public void onConnect(WebSocketHttpExchange exchange, WebSocketChannel channel) {
        // The handshake held a place under server.maxConnections until now (HttpEndpoint).
        ConnectionLimit.Slot handshake = exchange.getAttachment(ConnectionLimit.SLOT);
        if (closing) {
            WebSockets.sendClose(Codes.GOING_AWAY, "server shutting down", channel, null);
            releaseHandshake(handshake);
            return;
        }
        String id = idPrefix + "c" + ids.incrementAndGet();
        SerialLane lane = new SerialLane("connection " + id, virtualThreads);
        ClientConnection connection = new ClientConnection(id, channel, address(channel.getSourceAddress()),
                lowerCase(exchange.getRequestHeaders()), exchange.getQueryString() == null ? "" : exchange.getQueryString(),
                config, lane, meters);
        connection.attach(engine.newContext(server, connection));
        // A hook that ignores its deadline's interrupt holds this connection's lane: the request it
        // serves gets its 4504 at once, and if the hook is still running at the stuck threshold the
        // connection is closed with a goodbye (frames queued behind it are then dropped, not applied).
        connection.context().onOverrun(connection::answerOverrun);
        connection.context().onStuck(() -> connection.goodbyeAndClose(Codes.HOOK_TIMEOUT,
                "a hook serving this connection is stuck"));
        ConnectionSession session = new ConnectionSession(connection, engine, documents, config);
        connections.add(connection);
        releaseHandshake(handshake); // counted as a WebSocket from now on

        channel.getReceiveSetter().set(new AbstractReceiveListener() {
            @Override
            protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
                meters.frameIn();
                String text = message.getData();
                lane.submit(() -> session.frame(text));
                connection.throttleReceives();
            }

            @Override
            protected void onFullBinaryMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
                meters.frameIn();
                message.getData().free();
                // On the lane, so the answer keeps its place after the answers to earlier frames.
                lane.submit(() -> connection.send(Outbound.error(null, null, Codes.BAD_REQUEST,
                        "binary frames are not supported: send JSON text")));
            }

            @Override
            protected long getMaxTextBufferSize() {
                return config.maxFrameBytes();
            }

            @Override
            protected long getMaxBinaryBufferSize() {
                return config.maxFrameBytes();
            }

            @Override
            protected void onError(WebSocketChannel ch, Throwable error) {
                // A frame over getMaxTextBufferSize() lands here too, after Undertow 2.4.4 has
                // already sent the 1009 close itself (with its own reason, and no goodbye from us).
                log.debug("WebSocket error on {}", connection, error);
                super.onError(ch, error);
            }
        });
        // At most one keep-alive waits on the lane: behind a slow hook, ticks must not pile up.
        java.util.concurrent.atomic.AtomicBoolean keepAliveQueued = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable keepAliveTask = () -> {
            keepAliveQueued.set(false);
            session.keepAlive();
        };
        Runnable stopKeepAlive = keepAlives.add(() -> {
            if (keepAliveQueued.compareAndSet(false, true)) {
                lane.submit(keepAliveTask);
            }
        });
        long idleTimeout = config.idleTimeout().toNanos();
        IdleTimer idle = new IdleTimer(ticker, lane,
                () -> connection.isOpen() ? idleTimeout - connection.sinceLastPongNanos() : 0, session::closeIfIdle);
        idle.start(config.idleTimeout().toNanos());
        channel.addCloseTask(ch -> {
            stopKeepAlive.run();
            idle.stop();
            int code = ch.getCloseCode();
            String reason = ch.getCloseReason();
            lane.submit(() -> {
                try {
                    session.disconnected(code, reason);
                } finally {
                    // Only now: shutdown waits for this set to empty before it stores documents.
                    connections.remove(connection);
                }
            });
        });
        lane.submit(session::start);
        channel.resumeReceives();
    }

    /** @return the connections open now */
    public Set<ClientConnection> connections() {
        return connections;
    }

    /**
     * Refuses new connections and closes the open ones with 1001 (after their goodbye).
     *
     * @return the connections that were open
     */
    public List<ClientConnection> closeAll() {
        closing = true;
        List<ClientConnection> open = List.copyOf(connections);
        for (ClientConnection connection : open) {
            connection.goodbyeAndClose(Codes.GOING_AWAY, "server shutting down");
        }
        return open;
    }

    private static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getHostString() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    static Map<String, List<String>> lowerCase(Map<String, List<String>> headers) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        headers.forEach((name, values) -> result.merge(name.toLowerCase(Locale.ROOT), List.copyOf(values), (a, b) -> {
            List<String> merged = new java.util.ArrayList<>(a);
            merged.addAll(b);
            return List.copyOf(merged);
        }));
        return result;
    }

    private static void releaseHandshake(ConnectionLimit.Slot handshake) {
        if (handshake != null) {
            handshake.release();
        }
    }
}
