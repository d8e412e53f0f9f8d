package dev.hookline.faults.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket upgrade over a plain {@link Socket}: what a flood of idle clients does. After a 101
 * the socket is kept open and never read, so the connection stays idle on the server.
 */
public final class RawUpgrade {

    /** The answer to one upgrade: the HTTP status (0 when none came), its head, and the socket if upgraded. */
    public record Answer(int status, String head, Socket socket) {
        public boolean upgraded() {
            return status == 101;
        }
    }

    private RawUpgrade() {
    }

    /**
     * Sends an upgrade request and reads the answer's head.
     *
     * @param timeoutMillis for the connect and for the answer
     * @return the answer; status 0 when the server did not answer in time or closed without a status
     */
    public static Answer attempt(int port, int timeoutMillis) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            socket.getOutputStream().write(("GET /ws HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String head = readHead(socket.getInputStream());
            int status = status(head);
            if (status == 101) {
                socket.setSoTimeout(0);
                return new Answer(status, head, socket);
            }
            socket.close();
            return new Answer(status, head, null);
        } catch (SocketTimeoutException e) {
            closeQuietly(socket);
            return new Answer(0, "no answer within " + timeoutMillis + " ms", null);
        } catch (IOException e) {
            closeQuietly(socket);
            return new Answer(0, e.toString(), null);
        }
    }

    /** Reads up to the blank line after the headers (or the end of the stream). */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0; // the last four bytes read, as an int
        while (head.size() < 64 * 1024) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            last4 = (last4 << 8) | b;
            if (last4 == 0x0d0a0d0a) { // \r\n\r\n
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    static int status(String head) {
        // "HTTP/1.1 503 Service Unavailable"
        if (!head.startsWith("HTTP/1.") || head.length() < 12) {
            return 0;
        }
        try {
            return Integer.parseInt(head.substring(9, 12));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Closes, ignoring errors: for sockets the server may already have closed. */
    public static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
