package dev.hookline.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client process of {@link IdleConnections}: opens N WebSocket connections to a server and
 * keeps them open and idle, answering each JSON {@code ping} with its {@code pong} as a real client
 * must (or the server closes it at its idle timeout). It sends nothing else.
 *
 * <p>Prints {@code opened N failed F} once every connection is open or failed, then a line
 * {@code open N closed C pongs P} every 5 s. Ends when its standard input closes (the driver
 * stopped or died) or after {@code --max-seconds}, whichever is first.
 *
 * <pre>java -cp benchmarks.jar dev.hookline.bench.load.IdleClient --url ws://127.0.0.1:1234/ws --connections 5000</pre>
 */
public final class IdleClient {

    private static final AtomicInteger open = new AtomicInteger();
    private static final AtomicInteger closed = new AtomicInteger();
    private static final AtomicInteger pongs = new AtomicInteger();

    public static void main(String[] args) throws Exception {
        String url = null;
        int connections = 1000;
        int maxSeconds = 900;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--url" -> url = args[i + 1];
                case "--connections" -> connections = Math.max(1, Integer.parseInt(args[i + 1]));
                case "--max-seconds" -> maxSeconds = Math.max(10, Integer.parseInt(args[i + 1]));
                default -> throw new IllegalArgumentException("options: --url WS_URL --connections N --max-seconds S");
            }
        }
        if (url == null || !url.startsWith("ws://127.") && !url.startsWith("ws://localhost")) {
            throw new IllegalArgumentException("--url must be a loopback ws:// address");
        }
        Thread.ofPlatform().daemon().start(IdleClient::exitWhenStdinCloses);

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
        URI uri = URI.create(url);
        // Handshakes in flight at once: enough to open thousands in seconds, few enough not to
        // have the server's accept queue overflow.
        Semaphore inFlight = new Semaphore(64);
        AtomicInteger failed = new AtomicInteger();
        for (int i = 0; i < connections; i++) {
            inFlight.acquire();
            http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20)).buildAsync(uri, new Answerer())
                    .whenComplete((ws, error) -> {
                        inFlight.release();
                        if (error != null) {
                            if (failed.incrementAndGet() <= 3) {
                                System.err.println("connect failed: " + error);
                            }
                        } else {
                            open.incrementAndGet();
                        }
                    });
        }
        inFlight.acquire(64);
        System.out.println("opened " + open.get() + " failed " + failed.get());
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        while (System.nanoTime() < end) {
            Thread.sleep(5000);
            System.out.println("open " + (open.get() - closed.get()) + " closed " + closed.get() + " pongs " + pongs.get());
        }
        System.exit(0);
    }

    private static void exitWhenStdinCloses() {
        try {
            while (System.in.read() >= 0) {
                // nothing to read: the driver only ever closes it
            }
        } catch (java.io.IOException ignored) {
            // closed: same as end of input
        }
        System.exit(0);
    }

    /** Answers pings; counts closes. One per connection; frames of a message are joined. */
    private static final class Answerer implements WebSocket.Listener {
        private StringBuilder partial;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            if (!last) {
                (partial == null ? partial = new StringBuilder() : partial).append(data);
            } else {
                String text = partial == null ? data.toString() : partial.append(data).toString();
                partial = null;
                if (text.startsWith("{\"type\":\"ping\"")) {
                    // {"type":"ping","payload":{...}} -> {"type":"pong","payload":{...}}: the echo the protocol asks for
                    ws.sendText("{\"type\":\"pong\"" + text.substring("{\"type\":\"ping\"".length()), true);
                    pongs.incrementAndGet();
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            if (closed.incrementAndGet() <= 3) {
                System.err.println("closed by the server: " + statusCode + " " + reason);
            }
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.incrementAndGet();
        }
    }
}
