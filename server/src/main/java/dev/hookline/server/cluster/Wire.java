package dev.hookline.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Operation;
import dev.hookline.server.protocol.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The relay's messages between two nodes. One message carries any number of records, in order:
 * what one node had queued for another when its outbox drained. A frame sent to many links of one
 * node (a change touching many of its clients' subscriptions) travels once per message.
 *
 * <p>Layout: the sender's incarnation and the message's sequence number for this destination
 * (a gap means messages were lost), then records, each a type byte and its fields. Strings are
 * modified UTF-8 ({@link DataOutputStream#writeUTF}); JSON values are their UTF-8 bytes.
 */
final class Wire {

    private Wire() {
    }

    /** One item of a message. */
    sealed interface Item permits Join, Subscribe, Unsubscribe, Write, Presence, Stateless, Leave, Deliver, Reply, Moved,
            ServerRead, ServerWrite, ServerBroadcast {
    }

    // ---- a client's node to the document's owner -------------------------------------------------------

    /** Join the connection {@code connection} to {@code document} as {@code link}; answered with a {@link Reply}. */
    record Join(long corr, long link, String document, String connection, JsonNode attributes, boolean readOnly)
            implements Item {
    }

    /** Subscribe; the subscription's frames follow, then a bare {@link Reply}. */
    record Subscribe(long corr, long link, long id, String path, boolean keys, long since, boolean resumed)
            implements Item {
    }

    /** End a subscription; answered with a bare {@link Reply}. */
    record Unsubscribe(long corr, long link, long id) implements Item {
    }

    /** A write; {@code requestId} -1 for none. Answered with a {@link Reply} carrying the ack or error frame. */
    record Write(long corr, long link, long requestId, Operation op, String path, JsonNode value, JsonNode meta)
            implements Item {
    }

    /** Set or clear ({@code state} null) presence; answered with a {@link Reply} (the ack frame, if any). */
    record Presence(long corr, long link, long requestId, JsonNode state) implements Item {
    }

    /** A stateless frame to the other members; answered as {@link Presence}. */
    record Stateless(long corr, long link, long requestId, byte[] frame) implements Item {
    }

    /** Leave; no answer. */
    record Leave(long link) implements Item {
    }

    // ---- the server API of one node on a document another owns -------------------------------------

    /** Read a node; answered with a {@link Reply}: {@code number} 1 and the value's JSON, or 0 (none). */
    record ServerRead(long corr, String document, String path) implements Item {
    }

    /** A write through the owner's server API (its hooks run there); answered with the version, or the reject. */
    record ServerWrite(long corr, String document, Operation op, String path, JsonNode value) implements Item {
    }

    /** A stateless broadcast through the owner's server API; no answer. */
    record ServerBroadcast(String document, JsonNode payload) implements Item {
    }

    // ---- the owner to a client's node ------------------------------------------------------------------

    /** A frame for a link, with the change version it carries (-1 for other frames). */
    record Deliver(long link, long version, byte[] frame) implements Item {
    }

    /** How a request went. */
    enum Status { OK, REJECTED, ELSEWHERE }

    /**
     * The answer to request {@code corr} (0: a request nobody waits for) of link {@code link}:
     * {@code number} is the version (a join) or the reject code, {@code text} the reason or the
     * owner's id; {@code frame} (may be null) goes to the client.
     */
    record Reply(long corr, long link, Status status, long number, String text, byte[] frame) implements Item {
    }

    /** The link's document left its owner: join it again wherever it is now. */
    record Moved(long link) implements Item {
    }

    // ---- encoding ------------------------------------------------------------------------------------

    private static final byte JOIN = 1, SUBSCRIBE = 2, UNSUBSCRIBE = 3, WRITE = 4, PRESENCE = 5, STATELESS = 6, LEAVE = 7,
            DELIVER = 8, REPLY = 9, MOVED = 10, FRAME = 11, DELIVER_SHARED = 12, SERVER_READ = 13, SERVER_WRITE = 14,
            SERVER_BROADCAST = 15;

    /** A decoded message. */
    record Message(long incarnation, long sequence, List<Item> items) {
    }

    static byte[] encode(long incarnation, long sequence, List<Item> items) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.writeLong(incarnation);
            out.writeLong(sequence);
            Map<byte[], Integer> frames = new IdentityHashMap<>();
            for (Item item : items) {
                write(out, item, frames);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    private static void write(DataOutputStream out, Item item, Map<byte[], Integer> frames) throws IOException {
        switch (item) {
            case Join j -> {
                out.writeByte(JOIN);
                out.writeLong(j.corr());
                out.writeLong(j.link());
                out.writeUTF(j.document());
                out.writeUTF(j.connection());
                json(out, j.attributes());
                out.writeBoolean(j.readOnly());
            }
            case Subscribe s -> {
                out.writeByte(SUBSCRIBE);
                out.writeLong(s.corr());
                out.writeLong(s.link());
                out.writeLong(s.id());
                out.writeUTF(s.path());
                out.writeBoolean(s.keys());
                out.writeLong(s.since());
                out.writeBoolean(s.resumed());
            }
            case Unsubscribe u -> {
                out.writeByte(UNSUBSCRIBE);
                out.writeLong(u.corr());
                out.writeLong(u.link());
                out.writeLong(u.id());
            }
            case Write w -> {
                out.writeByte(WRITE);
                out.writeLong(w.corr());
                out.writeLong(w.link());
                out.writeLong(w.requestId());
                out.writeByte(w.op().ordinal());
                out.writeUTF(w.path());
                json(out, w.value());
                json(out, w.meta());
            }
            case Presence p -> {
                out.writeByte(PRESENCE);
                out.writeLong(p.corr());
                out.writeLong(p.link());
                out.writeLong(p.requestId());
                json(out, p.state());
            }
            case Stateless s -> {
                out.writeByte(STATELESS);
                out.writeLong(s.corr());
                out.writeLong(s.link());
                out.writeLong(s.requestId());
                bytes(out, s.frame());
            }
            case Leave l -> {
                out.writeByte(LEAVE);
                out.writeLong(l.link());
            }
            case Deliver d -> {
                Integer shared = frames.get(d.frame());
                if (shared == null) {
                    // First use in this message: define it, so later links refer to it by number.
                    shared = frames.size();
                    frames.put(d.frame(), shared);
                    out.writeByte(FRAME);
                    bytes(out, d.frame());
                }
                out.writeByte(DELIVER_SHARED);
                out.writeLong(d.link());
                out.writeLong(d.version());
                out.writeInt(shared);
            }
            case Reply r -> {
                out.writeByte(REPLY);
                out.writeLong(r.corr());
                out.writeLong(r.link());
                out.writeByte(r.status().ordinal());
                out.writeLong(r.number());
                out.writeUTF(r.text() == null ? "" : r.text());
                bytes(out, r.frame());
            }
            case Moved m -> {
                out.writeByte(MOVED);
                out.writeLong(m.link());
            }
            case ServerRead r -> {
                out.writeByte(SERVER_READ);
                out.writeLong(r.corr());
                out.writeUTF(r.document());
                out.writeUTF(r.path());
            }
            case ServerWrite w -> {
                out.writeByte(SERVER_WRITE);
                out.writeLong(w.corr());
                out.writeUTF(w.document());
                out.writeByte(w.op().ordinal());
                out.writeUTF(w.path());
                json(out, w.value());
            }
            case ServerBroadcast b -> {
                out.writeByte(SERVER_BROADCAST);
                out.writeUTF(b.document());
                json(out, b.payload());
            }
        }
    }

    static Message decode(byte[] message) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(message));
        try {
            long incarnation = in.readLong();
            long sequence = in.readLong();
            List<Item> items = new ArrayList<>();
            List<byte[]> frames = new ArrayList<>();
            while (in.available() > 0) {
                byte type = in.readByte();
                switch (type) {
                    case JOIN -> items.add(new Join(in.readLong(), in.readLong(), in.readUTF(), in.readUTF(), json(in),
                            in.readBoolean()));
                    case SUBSCRIBE -> items.add(new Subscribe(in.readLong(), in.readLong(), in.readLong(), in.readUTF(),
                            in.readBoolean(), in.readLong(), in.readBoolean()));
                    case UNSUBSCRIBE -> items.add(new Unsubscribe(in.readLong(), in.readLong(), in.readLong()));
                    case WRITE -> items.add(new Write(in.readLong(), in.readLong(), in.readLong(),
                            Operation.values()[in.readByte()], in.readUTF(), json(in), json(in)));
                    case PRESENCE -> items.add(new Presence(in.readLong(), in.readLong(), in.readLong(), json(in)));
                    case STATELESS -> items.add(new Stateless(in.readLong(), in.readLong(), in.readLong(), bytes(in)));
                    case LEAVE -> items.add(new Leave(in.readLong()));
                    case FRAME -> frames.add(bytes(in));
                    case DELIVER_SHARED -> items.add(new Deliver(in.readLong(), in.readLong(), frames.get(in.readInt())));
                    case REPLY -> items.add(new Reply(in.readLong(), in.readLong(), Status.values()[in.readByte()],
                            in.readLong(), in.readUTF(), bytes(in)));
                    case MOVED -> items.add(new Moved(in.readLong()));
                    case SERVER_READ -> items.add(new ServerRead(in.readLong(), in.readUTF(), in.readUTF()));
                    case SERVER_WRITE -> items.add(new ServerWrite(in.readLong(), in.readUTF(),
                            Operation.values()[in.readByte()], in.readUTF(), json(in)));
                    case SERVER_BROADCAST -> items.add(new ServerBroadcast(in.readUTF(), json(in)));
                    default -> throw new IllegalArgumentException("unknown relay record type " + type);
                }
            }
            return new Message(incarnation, sequence, items);
        } catch (IOException e) {
            throw new IllegalArgumentException("a truncated relay message: " + e.getMessage(), e);
        }
    }

    private static void json(DataOutputStream out, JsonNode value) throws IOException {
        bytes(out, value == null ? null : Json.bytes(value));
    }

    private static JsonNode json(DataInputStream in) throws IOException {
        byte[] bytes = bytes(in);
        return bytes == null ? null : Json.read(bytes);
    }

    /** Length-prefixed; -1 for null. */
    private static void bytes(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
