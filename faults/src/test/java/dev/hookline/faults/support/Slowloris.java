package dev.hookline.faults.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Slowloris: sockets that begin an upgrade request and dribble its header a byte at a time,
 * never finishing it, and sockets that connect and send nothing. Each socket's thread records when
 * the server closed it (end of stream or reset), whatever the server answered first.
 * Bounded: a number of sockets and a deadline, after which every socket still open is closed.
 */
public final class Slowloris implements AutoCloseable {

    private static final int DRIP_MILLIS = 1_000;

    private final List<Socket> sockets = new ArrayList<>();
    private final ConcurrentHashMap<Integer, Long> closedAfterMillis = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, String> answers = new ConcurrentHashMap<>();
    private final CountDownLatch allClosed;
    private final long startedNanos = System.nanoTime();
    private final int dribbling;

    private Slowloris(int dribbling, int count) {
        this.dribbling = dribbling;
        allClosed = new CountDownLatch(count);
    }

    /**
     * @param dribbling sockets that send a header byte every second
     * @param silent    sockets that send nothing at all
     * @param deadline  how long the sockets are kept at most, in milliseconds
     */
    public static Slowloris start(int port, int dribbling, int silent, long deadline) throws IOException {
        Slowloris attack = new Slowloris(dribbling, dribbling + silent);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadline);
        for (int i = 0; i < dribbling + silent; i++) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(DRIP_MILLIS);
            attack.sockets.add(socket);
            int index = i;
            boolean drips = i < dribbling;
            Thread.ofVirtual().start(() -> attack.hold(index, socket, drips, port, until));
        }
        return attack;
    }

    private void hold(int index, Socket socket, boolean drips, int port, long until) {
        byte[] header = ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nX-Slow: "
                + "a".repeat(100_000)).getBytes(StandardCharsets.US_ASCII);
        int sent = 0;
        try (socket) {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            while (System.nanoTime() < until) {
                if (drips && sent < header.length) {
                    socket.getOutputStream().write(header[sent++]);
                    socket.getOutputStream().flush();
                }
                try {
                    int n = in.read(buffer); // waits up to DRIP_MILLIS: the drip's pace
                    if (n < 0) {
                        closed(index);
                        return;
                    }
                    answers.merge(index, new String(buffer, 0, Math.min(n, 40), StandardCharsets.ISO_8859_1), (a, b) -> a);
                } catch (SocketTimeoutException e) {
                    // still open: drip again
                }
            }
        } catch (IOException e) {
            closed(index); // reset by the server, or a write into a socket it closed
            return;
        }
        allClosed.countDown(); // deadline: closed by us, not counted in closedAfterMillis
    }

    private void closed(int index) {
        closedAfterMillis.put(index, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
        allClosed.countDown();
    }

    /** Waits until every socket was closed by the server or the deadline closed it. */
    public void awaitEnd(long millis) throws InterruptedException {
        allClosed.await(millis, TimeUnit.MILLISECONDS);
    }

    /** @return sockets the server closed */
    public int closedByServer() {
        return closedAfterMillis.size();
    }

    /** @return sockets the server closed, of those that dribbled a header (the others sent nothing) */
    public int closedByServer(boolean dribbled) {
        return (int) closedAfterMillis.keySet().stream().filter(index -> index < dribbling == dribbled).count();
    }

    /** @return the latest server close, in milliseconds after the start; 0 if none */
    public long lastCloseMillis() {
        return closedAfterMillis.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** @return the first answer the server sent before closing, if any (e.g. a 408), for messages */
    public String sampleAnswer() {
        return answers.values().stream().findFirst().orElse("none");
    }

    @Override
    public void close() {
        sockets.forEach(RawUpgrade::closeQuietly);
    }
}
