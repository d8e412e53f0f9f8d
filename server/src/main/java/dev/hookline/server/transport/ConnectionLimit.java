package dev.hookline.server.transport;

import io.undertow.util.AttachmentKey;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what {@code server.maxConnections} bounds, WebSocket connections plus HTTP requests in
 * progress (WebSocket handshakes included), and admits a request only while the sum is under the
 * limit. Runs on the IO threads: no lock, no wait.
 *
 * <p>A request holds a {@link Slot} until it completes. A WebSocket handshake holds its slot
 * until its WebSocket is counted ({@code WebSocketEndpoint} releases it then), so a burst of
 * handshakes cannot slip past the limit between the two counts; a handshake that fails, or whose
 * connection drops first, releases it too. Nothing can hold a slot without holding a request or
 * a connection.
 */
public final class ConnectionLimit {

    private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);

    /** Where an upgrade's slot waits, on its exchange, for its WebSocket to be counted. */
    public static final AttachmentKey<Slot> SLOT = AttachmentKey.create(Slot.class);

    /** A flood refuses thousands a second: the operator hears of it at most this often. */
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int max;
    private final IntSupplier webSockets;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong lastWarned = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    /**
     * @param max        the limit
     * @param webSockets the WebSocket connections open now (until their {@code onDisconnect} ran)
     */
    public ConnectionLimit(int max, IntSupplier webSockets) {
        this.max = max;
        this.webSockets = webSockets;
    }

    /**
     * Admits one more request if the server is under its limit.
     *
     * @return its slot, to be released when it completes; {@code null} when it is refused
     */
    public Slot tryAdmit() {
        while (true) {
            int inFlight = requests.get();
            if (inFlight + webSockets.getAsInt() >= max) {
                refused();
                return null;
            }
            if (requests.compareAndSet(inFlight, inFlight + 1)) {
                return new Slot();
            }
        }
    }

    /** One admitted request's place under the limit; released once, however many say so. */
    public final class Slot {
        private final AtomicBoolean held = new AtomicBoolean(true);

        private Slot() {
        }

        /** Gives the place back (the first call only). */
        public void release() {
            if (held.compareAndSet(true, false)) {
                requests.decrementAndGet();
            }
        }
    }

    private void refused() {
        long count = refused.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarned.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarned.compareAndSet(last, now)) {
            log.warn("At the connection limit ({} WebSockets and requests in progress): refusing with 503; {} refused "
                    + "since start. Raise server.maxConnections (and ulimit -n, -Xmx) if this is real traffic", max, count);
        }
    }

    /** @return WebSocket connections plus HTTP requests in progress, now */
    public int current() {
        return requests.get() + webSockets.getAsInt();
    }

    /** @return the limit */
    public int max() {
        return max;
    }
}
