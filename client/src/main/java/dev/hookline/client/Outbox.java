package dev.hookline.client;

import java.net.http.WebSocket;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The frames waiting to go out on one socket. {@link WebSocket} allows one send at a time: the
 * first frame goes out at once on the caller's thread, the next ones when the previous send
 * completes (on the WebSocket's own thread). No thread of ours is involved.
 */
final class Outbox {

    private final WebSocket socket;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean closed;

    Outbox(WebSocket socket) {
        this.socket = socket;
    }

    /** Sends a text frame, or queues it behind the one being sent. Dropped once closed. */
    void send(String text) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (sending) {
                queue.add(text);
                return;
            }
            sending = true;
        }
        pump(text);
    }

    /** Drops what is queued; later sends are ignored. */
    void close() {
        synchronized (this) {
            closed = true;
            queue.clear();
        }
    }

    private void pump(String first) {
        String text = first;
        while (text != null) {
            CompletableFuture<WebSocket> sent;
            try {
                sent = socket.sendText(text, true);
            } catch (RuntimeException e) {
                failed();
                return;
            }
            if (!sent.isDone()) {
                sent.whenComplete((ws, error) -> {
                    if (error != null) {
                        failed();
                    } else {
                        pump(next());
                    }
                });
                return;
            }
            if (sent.isCompletedExceptionally()) {
                failed();
                return;
            }
            text = next();
        }
    }

    private synchronized String next() {
        String next = closed ? null : queue.poll();
        if (next == null) {
            sending = false;
        }
        return next;
    }

    /** A send failed: the socket is broken; the listener's onError/onClose reports it. */
    private void failed() {
        close();
        socket.abort();
    }
}
