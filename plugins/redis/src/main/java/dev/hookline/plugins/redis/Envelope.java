package dev.hookline.plugins.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A message as published: the sender's id (2-byte big-endian length, UTF-8 bytes) followed by the
 * payload as given, untouched. The receiving node learns who sent it from the message itself, as
 * a pub/sub message carries nothing else.
 */
final class Envelope {

    /** Longest node id, in UTF-8 bytes, that fits the 2-byte length. */
    static final int MAX_ID_BYTES = 0xFFFF;

    private Envelope() {
    }

    /** @return the sender's id as the length-prefixed bytes every message from it starts with */
    static byte[] header(String sender) {
        byte[] id = sender.getBytes(StandardCharsets.UTF_8);
        if (id.length > MAX_ID_BYTES) {
            throw new IllegalArgumentException("node id longer than " + MAX_ID_BYTES + " bytes");
        }
        byte[] header = new byte[2 + id.length];
        header[0] = (byte) (id.length >>> 8);
        header[1] = (byte) id.length;
        System.arraycopy(id, 0, header, 2, id.length);
        return header;
    }

    static byte[] wrap(byte[] header, byte[] message) {
        byte[] out = Arrays.copyOf(header, header.length + message.length);
        System.arraycopy(message, 0, out, header.length, message.length);
        return out;
    }

    /** An unwrapped message. */
    record Received(String from, byte[] message) {
    }

    /**
     * @return the sender and payload of {@code bytes}
     * @throws IllegalArgumentException when {@code bytes} is not an envelope (too short)
     */
    static Received unwrap(byte[] bytes) {
        if (bytes.length < 2) {
            throw new IllegalArgumentException("a message of " + bytes.length + " bytes has no sender");
        }
        int idLength = ((bytes[0] & 0xFF) << 8) | (bytes[1] & 0xFF);
        if (bytes.length < 2 + idLength) {
            throw new IllegalArgumentException("a message of " + bytes.length + " bytes is shorter than its sender id ("
                    + idLength + " bytes)");
        }
        String from = new String(bytes, 2, idLength, StandardCharsets.UTF_8);
        return new Received(from, Arrays.copyOfRange(bytes, 2 + idLength, bytes.length));
    }
}
