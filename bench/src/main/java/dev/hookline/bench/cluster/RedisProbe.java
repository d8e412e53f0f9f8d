package dev.hookline.bench.cluster;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * A minimal RESP client on its own socket, for what the benchmark reads from Redis: the lease
 * holder of a document ({@code GET <prefix>lease:<doc>}, value {@code "<node>:<token>"}, see
 * plugins/redis/README.md) and {@code INFO commandstats}. Not thread-safe: one per thread.
 */
final class RedisProbe implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RedisProbe(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(5000);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** @return the node holding the lease on {@code doc}, or null when there is no lease */
    String leaseHolder(String prefix, String doc) throws IOException {
        String value = command("GET", prefix + "lease:" + doc);
        return value == null ? null : value.substring(0, value.lastIndexOf(':'));
    }

    /** @return calls per command since start or the last {@link #resetStats()} */
    Map<String, Long> commandCalls() throws IOException {
        Map<String, Long> calls = new TreeMap<>();
        for (String line : command("INFO", "commandstats").split("\r\n")) {
            // cmdstat_publish:calls=12,usec=34,...
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                String rest = line.substring(line.indexOf("calls=") + 6);
                calls.put(name, Long.parseLong(rest.substring(0, rest.indexOf(','))));
            }
        }
        return calls;
    }

    void resetStats() throws IOException {
        command("CONFIG", "RESETSTAT");
    }

    private String command(String... args) throws IOException {
        StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            request.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
        }
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        String header = line();
        return switch (header.charAt(0)) {
            case '+', ':' -> header.substring(1);
            case '-' -> throw new IOException("Redis: " + header.substring(1));
            case '$' -> {
                int length = Integer.parseInt(header.substring(1));
                if (length < 0) {
                    yield null;
                }
                byte[] body = in.readNBytes(length + 2);
                yield new String(body, 0, length, StandardCharsets.UTF_8);
            }
            default -> throw new IOException("unexpected Redis reply " + header);
        };
    }

    private String line() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("Redis closed the connection");
            }
            if (b != '\r') {
                bytes.write(b);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
