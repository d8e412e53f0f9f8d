package dev.hookline.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the server listens and the limits it enforces. Every value has a default suited to
 * production; {@link #DEFAULTS} documents them.
 *
 * @param host                 the address to bind ({@code 0.0.0.0} for every interface)
 * @param port                 the port; 0 picks a free one
 * @param webSocketPath        the path of the WebSocket endpoint
 * @param maxFrameBytes        the largest text frame accepted; larger ones close the socket with 1009
 * @param maxOpenDocuments     documents one connection may have open at once (4429 beyond)
 * @param maxQueuedFrames      inbound frames queued on a connection before the server stops reading from it
 * @param maxOutboundBytes     bytes queued for a client before it is closed as a slow consumer (4507)
 * @param maxOutboundFrames    frames queued for a client before it is closed as a slow consumer (4507)
 * @param keepAliveInterval    how often the server pings each connection
 * @param idleTimeout          how long without a pong before a connection is closed (4408)
 * @param changeLogSize        changes kept per document to let reconnecting clients catch up
 * @param shutdownGrace        how long a stop waits for connections to close and documents to be stored
 * @param store                when changed documents are stored, and how failed stores are retried
 * @param connections          how many connections are served at once, and how big and how slow the
 *                             HTTP request that opens one may be
 * @param data                 how much data documents and sessions may hold: change log bytes, payload sizes,
 *                             subscriptions
 */
public record ServerConfig(String host, int port, String webSocketPath, int maxFrameBytes, int maxOpenDocuments,
                           int maxQueuedFrames, long maxOutboundBytes, int maxOutboundFrames,
                           Duration keepAliveInterval, Duration idleTimeout, int changeLogSize,
                           Duration shutdownGrace, StoreTiming store, ConnectionLimits connections,
                           DataLimits data) {

    /**
     * When a changed document is stored: {@code debounce} after its last change, and at the latest
     * {@code maxDelay} after the first change not yet stored (a document written to without pause
     * is still stored regularly). A failed store is retried after {@code retryMin}, doubling up to
     * {@code retryMax}, while the document stays in memory.
     *
     * @param debounce quiet time after the last change before a store
     * @param maxDelay longest time a change waits to be stored
     * @param retryMin first delay before retrying a failed store
     * @param retryMax longest delay between retries
     */
    public record StoreTiming(Duration debounce, Duration maxDelay, Duration retryMin, Duration retryMax) {

        /** 2 s debounce, stored at the latest after 10 s, retries from 1 s up to 60 s. */
        public static final StoreTiming DEFAULTS = new StoreTiming(Duration.ofSeconds(2), Duration.ofSeconds(10),
                Duration.ofSeconds(1), Duration.ofSeconds(60));

        /** Validates the durations and names the one that is wrong. */
        public StoreTiming {
            positiveDuration("store.debounce", debounce);
            positiveDuration("store.maxDelay", maxDelay);
            positiveDuration("store.retryMin", retryMin);
            positiveDuration("store.retryMax", retryMax);
            if (maxDelay.compareTo(debounce) < 0) {
                throw new IllegalArgumentException("store.maxDelay (" + maxDelay + ") must not be shorter than store.debounce ("
                        + debounce + ")");
            }
            if (retryMax.compareTo(retryMin) < 0) {
                throw new IllegalArgumentException("store.retryMax (" + retryMax + ") must not be shorter than store.retryMin ("
                        + retryMin + ")");
            }
        }
    }

    /**
     * Limits on connections and on the HTTP request that opens each one (the WebSocket handshake
     * included). Over a limit, the offending request or connection is refused and everyone under
     * it goes on being served; {@code docs/operations.md} ("Limits") says what a client sees.
     *
     * @param maxConnections     WebSocket connections plus HTTP requests in progress; one more is
     *                           answered 503 (with {@code Retry-After}) before any upgrade.
     *                           {@link #DERIVED} (0): derived at start from the process's descriptor
     *                           limit and heap ({@code transport.ConnectionBudget})
     * @param maxHeaderBytes     the largest request head (request line and headers) read; a larger one
     *                           is answered 400 and its connection closed
     * @param maxHeaders         the most headers in one request (also the most cookies and query
     *                           parameters); more are answered 400 and the connection closed
     * @param requestHeadTimeout how long a connection may take to send a complete request head, and
     *                           how long it may sit idle without a request before it is closed
     *                           (a WebSocket, once upgraded, is governed by {@code idleTimeout} instead)
     */
    public record ConnectionLimits(int maxConnections, int maxHeaderBytes, int maxHeaders, Duration requestHeadTimeout) {

        /** {@code maxConnections} 0: derive the limit from the descriptor limit and the heap at start. */
        public static final int DERIVED = 0;

        /** Derived connection limit, 16 KiB request heads of at most 100 headers, 10 s to send one. */
        public static final ConnectionLimits DEFAULTS = new ConnectionLimits(DERIVED, 16 * 1024, 100,
                Duration.ofSeconds(10));

        /** Validates the values and names the one that is wrong. */
        public ConnectionLimits {
            if (maxConnections < 0) {
                throw new IllegalArgumentException("maxConnections must be positive, or 0 to derive it, not " + maxConnections);
            }
            // Not ServerConfig.positive: see DataLimits.atLeastOne (class initialization order).
            DataLimits.atLeastOne("maxHeaderBytes", maxHeaderBytes);
            DataLimits.atLeastOne("maxHeaders", maxHeaders);
            Objects.requireNonNull(requestHeadTimeout, "requestHeadTimeout");
            if (requestHeadTimeout.isNegative() || requestHeadTimeout.isZero()) {
                throw new IllegalArgumentException("requestHeadTimeout must be a positive duration, not "
                        + requestHeadTimeout);
            }
        }

        /** @return a copy with another connection limit ({@link #DERIVED} to derive it) */
        public ConnectionLimits withMaxConnections(int maxConnections) {
            return new ConnectionLimits(maxConnections, maxHeaderBytes, maxHeaders, requestHeadTimeout);
        }
    }

    /**
     * How much data one document or one connection may make the server hold. A limit reached
     * refuses or trims what is over it and nothing else: everyone under it goes on being served.
     *
     * @param maxChangeLogBytes             bytes of encoded changes one document's change log keeps (oldest
     *                                      dropped beyond); a client resuming from a dropped version gets a reset
     * @param maxChangeLogBytesTotal        bytes of encoded changes all change logs together keep; the document
     *                                      being written drops its oldest changes while the total is over it
     * @param maxStatelessBytes             largest stateless payload (as JSON, UTF-8) a client may send (4413 beyond)
     * @param maxPresenceBytes              largest presence state (as JSON, UTF-8) a client may set (4413 beyond)
     * @param maxSubscriptionsPerConnection subscriptions one connection may hold over all its documents (4429 beyond)
     */
    public record DataLimits(long maxChangeLogBytes, long maxChangeLogBytesTotal, int maxStatelessBytes,
                             int maxPresenceBytes, int maxSubscriptionsPerConnection) {

        /** The cap of {@link #maxChangeLogBytes} derived from the heap: enough for 1,000 changes of 64 KiB. */
        static final long CHANGE_LOG_BYTES_CAP = 64L * 1024 * 1024;

        /** The defaults for this JVM's heap ({@link Runtime#maxMemory()}): see {@link #forHeap}. */
        public static final DataLimits DEFAULTS = forHeap(Runtime.getRuntime().maxMemory());

        /**
         * The defaults for a heap of {@code heapBytes}. The change logs together get a quarter of the
         * heap, which leaves three quarters for the documents themselves, outbound queues and
         * connections; one document gets a sixteenth of the heap, at most 64 MiB, so that one busy
         * document cannot take the whole quarter alone. Presence and stateless payloads get 64 KiB
         * (1/16 of the default frame: a cursor or a name is well under 1 KiB, and a stateless
         * message is copied into the queue of every member). 1,000 subscriptions per connection is
         * about 15 on each of 64 open documents, a few MiB of index at most.
         */
        public static DataLimits forHeap(long heapBytes) {
            long heap = Math.max(heapBytes, 16L * 1024 * 1024);
            return new DataLimits(Math.min(CHANGE_LOG_BYTES_CAP, heap / 16), heap / 4, 64 * 1024, 64 * 1024, 1000);
        }

        /** Validates every value and names the one that is wrong. */
        public DataLimits {
            atLeastOne("maxChangeLogBytes", maxChangeLogBytes);
            atLeastOne("maxChangeLogBytesTotal", maxChangeLogBytesTotal);
            atLeastOne("maxStatelessBytes", maxStatelessBytes);
            atLeastOne("maxPresenceBytes", maxPresenceBytes);
            atLeastOne("maxSubscriptionsPerConnection", maxSubscriptionsPerConnection);
        }

        // Not ServerConfig.positive: calling the outer class would initialize it, and its DEFAULTS
        // need this class's DEFAULTS, still null while this class initializes first.
        static void atLeastOne(String name, long value) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive, not " + value);
            }
        }
    }

    /**
     * Port 1234 on every interface, WebSocket at {@code /ws}, 1 MiB frames, 64 open documents and
     * 256 queued frames per connection, 16 MiB or 50,000 frames queued outbound, a ping every
     * 15 s, idle after 45 s, 1,000 changes kept per document, 30 s to shut down, stores per
     * {@link StoreTiming#DEFAULTS}, connections per {@link ConnectionLimits#DEFAULTS}, data limits per
     * {@link DataLimits#DEFAULTS}.
     */
    public static final ServerConfig DEFAULTS = new ServerConfig("0.0.0.0", 1234, "/ws", 1024 * 1024, 64, 256,
            16L * 1024 * 1024, 50_000, Duration.ofSeconds(15), Duration.ofSeconds(45), 1000, Duration.ofSeconds(30),
            StoreTiming.DEFAULTS, ConnectionLimits.DEFAULTS, DataLimits.DEFAULTS);

    /** Validates every value and names the one that is wrong. */
    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(webSocketPath, "webSocketPath");
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(connections, "connections");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, not " + port);
        }
        if (!webSocketPath.startsWith("/")) {
            throw new IllegalArgumentException("webSocketPath must start with /, not " + webSocketPath);
        }
        positive("maxFrameBytes", maxFrameBytes);
        positive("maxOpenDocuments", maxOpenDocuments);
        positive("maxQueuedFrames", maxQueuedFrames);
        positive("maxOutboundBytes", maxOutboundBytes);
        positive("maxOutboundFrames", maxOutboundFrames);
        positive("changeLogSize", changeLogSize);
        if (keepAliveInterval.isNegative() || keepAliveInterval.isZero()) {
            throw new IllegalArgumentException("keepAliveInterval must be positive");
        }
        if (idleTimeout.compareTo(keepAliveInterval) <= 0) {
            throw new IllegalArgumentException("idleTimeout (" + idleTimeout + ") must be longer than keepAliveInterval ("
                    + keepAliveInterval + ")");
        }
    }

    private static void positiveDuration(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, not " + value);
        }
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }

    /** @return a copy listening on another host and port */
    public ServerConfig withAddress(String host, int port) {
        return new ServerConfig(host, port, webSocketPath, maxFrameBytes, maxOpenDocuments, maxQueuedFrames,
                maxOutboundBytes, maxOutboundFrames, keepAliveInterval, idleTimeout, changeLogSize, shutdownGrace, store,
                connections, data);
    }

    /** @return a copy with other limits on frames and queues */
    public ServerConfig withLimits(int maxFrameBytes, int maxOpenDocuments, int maxQueuedFrames, long maxOutboundBytes,
                                   int maxOutboundFrames) {
        return new ServerConfig(host, port, webSocketPath, maxFrameBytes, maxOpenDocuments, maxQueuedFrames,
                maxOutboundBytes, maxOutboundFrames, keepAliveInterval, idleTimeout, changeLogSize, shutdownGrace, store,
                connections, data);
    }

    /** @return a copy with another keep-alive rhythm */
    public ServerConfig withKeepAlive(Duration interval, Duration idleTimeout) {
        return new ServerConfig(host, port, webSocketPath, maxFrameBytes, maxOpenDocuments, maxQueuedFrames,
                maxOutboundBytes, maxOutboundFrames, interval, idleTimeout, changeLogSize, shutdownGrace, store,
                connections, data);
    }

    /** @return a copy keeping another number of changes per document */
    public ServerConfig withChangeLogSize(int changeLogSize) {
        return new ServerConfig(host, port, webSocketPath, maxFrameBytes, maxOpenDocuments, maxQueuedFrames,
                maxOutboundBytes, maxOutboundFrames, keepAliveInterval, idleTimeout, changeLogSize, shutdownGrace, store,
                connections, data);
    }

    /** @return a copy with another shutdown grace */
    public ServerConfig withShutdownGrace(Duration shutdownGrace) {
        return new ServerConfig(host, port, webSocketPath, maxFrameBytes, maxOpenDocuments, maxQueuedFrames,
                maxOutboundBytes, maxOutboundFrames, keepAliveInterval, idleTimeout, changeLogSize, shutdownGrace, store,
                connections, data);
    }

    /** @return a copy with other store timing */
    public ServerConfig withStore(StoreTiming store) {
        return new ServerConfig(host, port, webSocketPath, maxFrameBytes, maxOpenDocuments, maxQueuedFrames,
                maxOutboundBytes, maxOutboundFrames, keepAliveInterval, idleTimeout, changeLogSize, shutdownGrace, store,
                connections, data);
    }

    /** @return a copy with other connection limits */
    public ServerConfig withConnections(ConnectionLimits connections) {
        return new ServerConfig(host, port, webSocketPath, maxFrameBytes, maxOpenDocuments, maxQueuedFrames,
                maxOutboundBytes, maxOutboundFrames, keepAliveInterval, idleTimeout, changeLogSize, shutdownGrace, store,
                connections, data);
    }

    /** @return a copy with other data limits */
    public ServerConfig withData(DataLimits data) {
        return new ServerConfig(host, port, webSocketPath, maxFrameBytes, maxOpenDocuments, maxQueuedFrames,
                maxOutboundBytes, maxOutboundFrames, keepAliveInterval, idleTimeout, changeLogSize, shutdownGrace, store,
                connections, data);
    }
}
