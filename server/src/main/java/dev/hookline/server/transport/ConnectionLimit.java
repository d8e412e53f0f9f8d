package dev.hookline.server.transport;

import java.util.concurrent.TimeUnit;
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
 * <p>A handshake's request slot is given back when its exchange completes, just before its
 * WebSocket is registered, so a burst of simultaneous handshakes can pass the limit by the few
 * caught in that gap; nothing can hold a slot without holding a request or a connection.
 */
public final class ConnectionLimit {

    private static final Logger log = LoggerFactory.getLogger(ConnectionLimit.class);

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
     * @return whether it was admitted; if so, {@link #release()} must follow when it completes
     */
    public boolean tryAdmit() {
        while (true) {
            int inFlight = requests.get();
            if (inFlight + webSockets.getAsInt() >= max) {
                refused();
                return false;
            }
            if (requests.compareAndSet(inFlight, inFlight + 1)) {
                return true;
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

    /** Gives back the slot of a completed request. */
    public void release() {
        requests.decrementAndGet();
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
