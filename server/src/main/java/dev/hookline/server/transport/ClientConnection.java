package dev.hookline.server.transport;

import dev.hookline.api.Connection;
import dev.hookline.api.Reject;
import dev.hookline.server.config.ServerConfig;
import dev.hookline.server.flow.SerialLane;
import dev.hookline.server.hooks.CallContext;
import dev.hookline.server.hooks.Hook;
import dev.hookline.server.hooks.Hooks;
import dev.hookline.server.protocol.Codes;
import dev.hookline.server.protocol.Outbound;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * One client's WebSocket: its identity and attributes as hooks see them, the lane its frames are
 * handled on, and its outbound queue.
 *
 * <p>Undertow queues whatever it is asked to send, without bound. The bound is ours: every frame
 * counts its bytes until Undertow reports it written; a client whose queue passes
 * {@link ServerConfig#maxOutboundBytes()} or {@link ServerConfig#maxOutboundFrames()} is closed
 * with {@link Codes#SLOW_CONSUMER} instead of growing the server's memory.
 */
public final class ClientConnection implements Connection {

    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

    private final String id;
    private final WebSocketChannel channel;
    private final String remoteAddress;
    private final Map<String, List<String>> headers;
    private final String query;
    private final ServerConfig config;
    private final SerialLane lane;
    private final dev.hookline.server.observe.TrafficMeters meters;
    private CallContext context;

    private volatile Map<String, Object> attributes = Map.of();
    private volatile boolean readOnly;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicInteger queuedFrames = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean disconnected = new AtomicBoolean();
    private volatile long lastPongNanos = System.nanoTime();
    private volatile boolean receivesSuspended;

    // The request whose frame the lane is handling, so that the watchdog can answer it when a hook
    // ignores its deadline (answerOverrun), and the lane's own late answer is then dropped.
    private static final int NO_REQUEST = 0;
    private static final int AWAITING_ANSWER = 1;
    private static final int ANSWERED = 2;
    private static final int ANSWERED_BY_WATCHDOG = 3;
    private volatile int answer = NO_REQUEST;
    private Long requestId;
    private String requestDoc;

    ClientConnection(String id, WebSocketChannel channel, String remoteAddress, Map<String, List<String>> headers,
                     String query, ServerConfig config, SerialLane lane,
                     dev.hookline.server.observe.TrafficMeters meters) {
        this.meters = meters;
        this.id = id;
        this.channel = channel;
        this.remoteAddress = remoteAddress;
        this.headers = headers;
        this.query = query;
        this.config = config;
        this.lane = lane;
    }

    void attach(CallContext context) {
        this.context = context;
    }

    // ---- Connection ---------------------------------------------------------------------------

    @Override
    public String id() {
        return id;
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen() && !closing.get();
    }

    @Override
    public void close(int code, String reason) {
        if (code != Codes.NORMAL && (code < 4000 || code > 4999)) {
            throw new IllegalArgumentException("a close code is 1000 or 4000..4999, not " + code);
        }
        goodbyeAndClose(code, reason == null ? "" : reason);
    }

    // ---- state the server keeps -----------------------------------------------------------------

    /** @return the lane this connection's frames are handled on */
    public SerialLane lane() {
        return lane;
    }

    /** @return the hook context of this connection's lane (use only on the lane) */
    public CallContext context() {
        return context;
    }

    /** @return the handshake's request headers, names in lower case */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** @return the handshake's raw query string, or an empty string */
    public String query() {
        return query;
    }

    /** Replaces the attributes (what onConnect returned). */
    public void attributes(Map<String, Object> attributes) {
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** Merges attributes in (what onAuthenticate and onTokenSync added). */
    public void mergeAttributes(Map<String, Object> more) {
        if (!more.isEmpty()) {
            Map<String, Object> merged = new LinkedHashMap<>(attributes);
            merged.putAll(more);
            this.attributes = Collections.unmodifiableMap(merged);
        }
    }

    /** Sets whether the whole connection may only read. */
    public void readOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** Records a pong. */
    public void ponged() {
        lastPongNanos = System.nanoTime();
    }

    /** @return nanoseconds since the last pong (or since the connection opened) */
    public long sinceLastPongNanos() {
        return System.nanoTime() - lastPongNanos;
    }

    /** @return whether this is the first call: {@code onDisconnect} fires exactly once per socket */
    public boolean markDisconnected() {
        return disconnected.compareAndSet(false, true);
    }

    // ---- sending --------------------------------------------------------------------------------

    /**
     * Queues a frame for this client without blocking. The same array may be sent to many
     * clients: it is never modified. A client over its outbound bound is closed as a slow consumer.
     */
    public void send(byte[] frame) {
        if (closing.get()) {
            return;
        }
        int state = answer;
        if ((state == AWAITING_ANSWER || state == ANSWERED_BY_WATCHDOG) && lane.isCurrent() && lateAnswer()) {
            return;
        }
        long bytes = queuedBytes.addAndGet(frame.length);
        int frames = queuedFrames.incrementAndGet();
        if (bytes > config.maxOutboundBytes() || frames > config.maxOutboundFrames()) {
            queuedBytes.addAndGet(-frame.length);
            queuedFrames.decrementAndGet();
            slowConsumer(bytes, frames);
            return;
        }
        WebSockets.sendText(ByteBuffer.wrap(frame), channel, new WebSocketCallback<Void>() {
            @Override
            public void complete(WebSocketChannel ch, Void context) {
                queuedBytes.addAndGet(-frame.length);
                queuedFrames.decrementAndGet();
            }

            @Override
            public void onError(WebSocketChannel ch, Void context, Throwable error) {
                queuedBytes.addAndGet(-frame.length);
                queuedFrames.decrementAndGet();
                abort();
            }
        });
        meters.frameOut(frame.length); // two DoubleAdder adds: no allocation
    }

    // ---- answering for a stuck hook -------------------------------------------------------------

    /**
     * The lane starts handling a request (lane only). Its first frame sent from the lane is its
     * answer, unless the watchdog answered it first.
     *
     * @param id  the request's id, or {@code null}
     * @param doc the document the frame names, or {@code null}
     */
    public void requestStarted(Long id, String doc) {
        requestId = id;
        requestDoc = doc;
        answer = AWAITING_ANSWER;
    }

    /** The lane is done with the request's frame (lane only). */
    public void requestEnded() {
        answer = NO_REQUEST;
    }

    /** @return whether this frame from the lane is to be dropped: the watchdog already sent the request's answer */
    private boolean lateAnswer() {
        boolean drop = answer == ANSWERED_BY_WATCHDOG;
        answer = ANSWERED;
        return drop;
    }

    /**
     * Called by the hook watchdog when a hook on this connection's lane ignored the interrupt at its
     * deadline, while the lane is held inside the chain: if the request being handled has no answer
     * yet, it gets the reject (4504) now, and the lane's own answer, when the hook returns, is
     * dropped. A hook outside a request (onConnect, onJoin after the ack) gets no answer here.
     */
    void answerOverrun(Hook<?> hook, Reject reject) {
        if (answer != AWAITING_ANSWER) {
            return;
        }
        answer = ANSWERED_BY_WATCHDOG;
        // As the lane would have: an error that fails before the frame is parsed names no document.
        String doc = hook == Hooks.BEFORE_HANDLE_MESSAGE ? null : requestDoc;
        send(Outbound.error(requestId, doc, reject.code(), reject.reason()));
    }

    /** @return whether the server is closing this connection (a goodbye sent, or the socket dropped) */
    public boolean closing() {
        return closing.get();
    }

    /** @return bytes queued for this client and not yet written */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    private void slowConsumer(long bytes, int frames) {
        if (closing.compareAndSet(false, true)) {
            meters.slowConsumerClosed();
            log.warn("Connection {} ({}) is a slow consumer: {} bytes in {} frames queued; closing it with {}", id,
                    remoteAddress, bytes, frames, Codes.SLOW_CONSUMER);
            // Its queue is full, so a close frame would wait behind it: close the TCP connection now.
            channel.setCloseCode(Codes.SLOW_CONSUMER);
            channel.setCloseReason("slow consumer");
            abort();
        }
    }

    /** Sends the goodbye frame, then a close frame with the same code and reason. */
    public void goodbyeAndClose(int code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        byte[] goodbye = Outbound.goodbye(code, reason);
        WebSockets.sendText(ByteBuffer.wrap(goodbye), channel, null);
        WebSockets.sendClose(code, truncate(reason), channel, new WebSocketCallback<Void>() {
            @Override
            public void complete(WebSocketChannel ch, Void context) {
                // The client answers with its own close frame; Undertow then closes the socket.
            }

            @Override
            public void onError(WebSocketChannel ch, Void context, Throwable error) {
                abort();
            }
        });
    }

    /** A close reason travels in a control frame: at most 123 bytes of UTF-8, cut on a character. */
    static String truncate(String reason) {
        if (reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 123) {
            return reason;
        }
        StringBuilder cut = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int codePoint = reason.codePointAt(i);
            int size = new String(Character.toChars(codePoint)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes + size > 120) {
                break;
            }
            cut.appendCodePoint(codePoint);
            bytes += size;
            i += Character.charCount(codePoint);
        }
        return cut.append("...").toString();
    }

    /** Closes the socket without a closing handshake. */
    public void abort() {
        closing.set(true);
        IoUtils.safeClose(channel);
    }

    // ---- inbound flow control ----------------------------------------------------------------------

    /** Stops reading from the socket while too many of its frames wait on its lane. */
    void throttleReceives() {
        if (!receivesSuspended && lane.pending() >= config.maxQueuedFrames()) {
            receivesSuspended = true;
            channel.suspendReceives();
        }
    }

    /** Reads again once the lane has caught up (called on the lane after each frame). */
    public void resumeReceivesIfDrained() {
        if (receivesSuspended && lane.pending() <= config.maxQueuedFrames() / 2) {
            receivesSuspended = false;
            channel.resumeReceives();
        }
    }

    /** @return the underlying channel's peer, for logs */
    @Override
    public String toString() {
        return id + "@" + remoteAddress;
    }

    void closeQuietly() {
        try {
            channel.close();
        } catch (IOException e) {
            abort();
        }
    }
}
