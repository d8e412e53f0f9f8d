package dev.hookline.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Heartbeat;
import dev.hookline.api.payload.InboundMessage;
import dev.hookline.server.Hookline;
import dev.hookline.server.protocol.Json;
import dev.hookline.server.testsupport.WsClient;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code docs/protocol.md} promises for input that is not quite JSON, or not quite a request:
 * each case gets the documented answer, nothing is stored or changed, and no hook sees it.
 */
class ProtocolContractTest {

    private Hookline server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static JsonNode assertError(JsonNode frame, int code) {
        assertThat(frame.get("type").asText()).as("frame %s", frame).isEqualTo("error");
        assertThat(frame.get("code").asInt()).as("frame %s", frame).isEqualTo(code);
        return frame;
    }

    /** Sends raw frame text carrying request {@code id}; returns its answer. */
    private static JsonNode rawRequest(WsClient client, long id, String text) {
        client.send(text);
        return client.await(f -> f.path("id").asLong(-1) == id, "answer to " + text);
    }

    /** Frames hooks saw, as text: none of the refused ones may be here. */
    private static ServerHooks recordingMessages(List<String> seen) {
        return new ServerHooks() {
            @Override
            public InboundMessage beforeHandleMessage(InboundMessage message, HookContext context) {
                seen.add(message.frame().toString());
                return null;
            }
        };
    }

    // ---- numbers that are not JSON numbers ------------------------------------------------------

    @Test
    void aNumberOutOfDoubleRangeIsRefusedWith4400AtAnyDepthAndNothingIsStored() {
        List<String> seen = new CopyOnWriteArrayList<>();
        server = Net.start(Net.LOOPBACK, recordingMessages(seen));
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.openOk("nums");
            String[] frames = {
                "{\"type\":\"set\",\"id\":1,\"doc\":\"nums\",\"path\":\"x\",\"value\":1e999999}",
                "{\"type\":\"set\",\"id\":2,\"doc\":\"nums\",\"path\":\"x\",\"value\":-1e400}",
                "{\"type\":\"set\",\"id\":3,\"doc\":\"nums\",\"path\":\"x\",\"value\":{\"a\":[1,{\"b\":[2e308]}]}}",
                "{\"type\":\"merge\",\"id\":4,\"doc\":\"nums\",\"path\":\"x\",\"value\":{\"a\":1},\"meta\":{\"at\":1e999}}",
                "{\"type\":\"presence\",\"id\":5,\"doc\":\"nums\",\"state\":{\"cursor\":[1e999,0]}}",
                "{\"type\":\"stateless\",\"id\":6,\"doc\":\"nums\",\"payload\":1e999}",
                "{\"id\":7,\"type\":\"set\",\"doc\":\"nums\",\"path\":\"x\",\"value\":1,\"extra\":1e999}",
                "{\"type\":\"set\",\"id\":8,\"doc\":\"nums\",\"path\":\"x\",\"value\":[1e-400]}",
                "{\"type\":\"set\",\"id\":9,\"doc\":\"nums\",\"path\":\"x\",\"value\":-0.000002e-320}",
            };
            for (int i = 0; i < frames.length; i++) {
                JsonNode error = assertError(rawRequest(client, i + 1, frames[i]), 4400);
                assertThat(error.get("reason").asText()).as(frames[i]).contains("number").contains("out of range");
            }

            assertThat(server.api().get("nums", "x")).isEmpty();
            assertThat(seen).as("frames the hooks saw").noneMatch(f -> f.contains("Infinity"));
            // The largest and smallest doubles, zero however it is written, and big integers are kept.
            JsonNode ack = WsClient.ok(rawRequest(client, 20, "{\"type\":\"set\",\"id\":20,\"doc\":\"nums\",\"path\":\"x\","
                    + "\"value\":[1.7976931348623157e308,-4.9e-324,0e-400,0.000e999999,123456789012345678901234567890]}"));
            assertThat(ack.get("version").asLong()).isEqualTo(1);
            JsonNode stored = server.api().get("nums", "x").orElseThrow();
            assertThat(stored.get(0).isNumber()).isTrue();
            assertThat(stored.get(0).asDouble()).isEqualTo(Double.MAX_VALUE);
            assertThat(stored.get(1).asDouble()).isEqualTo(-Double.MIN_VALUE);
            assertThat(stored.get(2).asDouble()).isZero();
            assertThat(stored.get(3).asDouble()).isZero();
            assertThat(stored.get(4).bigIntegerValue()).isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
        }
        Net.assertServesOthers(server);
    }

    @Test
    void nestingDeeperThan200IsRefusedWith4400AndTheConnectionStaysUsable() {
        server = Net.start(Net.LOOPBACK);
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.openOk("deep");
            String set = "{\"type\":\"set\",\"id\":%d,\"doc\":\"deep\",\"path\":\"x\",\"value\":%s}";

            client.send(set.formatted(1, "[".repeat(100_000)));
            JsonNode error = assertError(client.await("error"), 4400);
            assertThat(error.get("reason").asText()).startsWith("malformed JSON").contains("nesting depth");

            // 199 levels inside the frame's own object are fine, and stored as sent.
            String nested = "[".repeat(199) + "\"bottom\"" + "]".repeat(199);
            WsClient.ok(rawRequest(client, 2, set.formatted(2, nested)));
            assertThat(Json.text(server.api().get("deep", "x").orElseThrow())).isEqualTo(nested);
        }
        Net.assertServesOthers(server);
    }

    // ---- strings that are not Unicode ------------------------------------------------------------

    @Test
    void aLoneSurrogateIsRefusedWith4400BeforeAnyHookSeesIt() {
        List<String> seen = new CopyOnWriteArrayList<>();
        server = Net.start(Net.LOOPBACK, recordingMessages(seen));
        try (WsClient client = WsClient.connectWelcomed(server.port());
             WsClient other = WsClient.connectWelcomed(server.port())) {
            client.openOk("text");
            other.openOk("text");
            String[] frames = {
                "{\"type\":\"open\",\"id\":1,\"doc\":\"X\\ud800\"}",
                "{\"type\":\"open\",\"id\":2,\"doc\":\"X\\udc00\"}",
                "{\"type\":\"set\",\"id\":3,\"doc\":\"text\",\"path\":\"a\",\"value\":\"A\\uD800B\"}",
                "{\"type\":\"set\",\"id\":4,\"doc\":\"text\",\"path\":\"a\",\"value\":\"\\uDE00\\uD83D\"}",
                "{\"type\":\"set\",\"id\":5,\"doc\":\"text\",\"path\":\"a\\ud800\",\"value\":1}",
                "{\"type\":\"set\",\"id\":6,\"doc\":\"text\",\"path\":\"a\",\"value\":[{\"k\":\"\\udc00\"}]}",
                "{\"type\":\"set\",\"id\":7,\"doc\":\"text\",\"path\":\"a\",\"value\":1,\"meta\":[\"\\ud800\"]}",
                "{\"type\":\"presence\",\"id\":8,\"doc\":\"text\",\"state\":{\"name\":\"Ann\\ud800\"}}",
                "{\"type\":\"stateless\",\"id\":9,\"doc\":\"text\",\"payload\":\"\\udfff\"}",
                "{\"type\":\"open\",\"id\":10,\"doc\":\"d\",\"token\":\"\\ud800\"}",
            };
            for (int i = 0; i < frames.length; i++) {
                JsonNode error = assertError(rawRequest(client, i + 1, frames[i]), 4400);
                assertThat(error.get("reason").asText()).as(frames[i]).contains("unpaired surrogate");
                if (i == 0) {
                    assertThat(error.get("reason").asText())
                            .isEqualTo("a string has an unpaired surrogate (U+D800 at index 1): not Unicode text");
                }
            }

            // In an object key, Jackson itself finds an unpaired surrogate malformed (so the id is not read).
            for (String key : List.of("k\\udbff", "\\udc00k")) {
                client.send("{\"type\":\"set\",\"id\":12,\"doc\":\"text\",\"path\":\"a\",\"value\":{\"" + key + "\":1}}");
                JsonNode keyError = assertError(client.await("error"), 4400);
                assertThat(keyError.get("reason").asText()).as(key).contains("surrogate");
            }

            assertThat(seen).as("frames the hooks saw").noneMatch(f -> f.matches("(?s).*[\\ud800-\\udfff].*"));
            assertThat(server.api().get("text", "a")).isEmpty();
            assertThat(other.collect(f -> f.path("type").asText().matches("presence|stateless|change"),
                    Duration.ofMillis(200))).isEmpty();
            // "X?" is a document of its own, and a real pair (an emoji) is stored exactly.
            client.openOk("X?");
            WsClient.ok(rawRequest(client, 11,
                    "{\"type\":\"set\",\"id\":11,\"doc\":\"X?\",\"path\":\"k\\ud83d\\ude00\",\"value\":\"A\\ud83d\\ude00B\"}"));
            assertThat(server.api().get("X?", "k\ud83d\ude00")).contains(TextNode.valueOf("A\ud83d\ude00B"));
            client.openOk("X\ud83d\ude00");
        }
        // Through the server API too (a frame cannot carry such a name, a plugin can): no "X?" in storage.
        assertThatThrownBy(() -> server.api().set("X\ud800", "a", TextNode.valueOf("v")))
                .isInstanceOfSatisfying(Reject.class, reject -> assertThat(reject.code()).isEqualTo(4400))
                .hasMessageContaining("unpaired surrogate");
        Net.assertServesOthers(server);
    }

    @Test
    void invalidUtf8ClosesWith1007() throws IOException {
        server = Net.start(Net.LOOPBACK);
        byte[][] payloads = {
            {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}, // a broken two-byte sequence
            {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'}, // U+D800 encoded as UTF-8
        };
        for (byte[] payload : payloads) {
            RawFrame.Closed closed = RawFrame.sendTextAndReadClose(server.port(), payload);

            // The WebSocket layer closes before the server sees the frame: no goodbye, its own reason.
            assertThat(closed.code()).isEqualTo(1007);
            assertThat(closed.reason()).isEqualTo("UT002003: Text frame contains non UTF-8 data");
            assertThat(closed.texts()).hasSize(1).allMatch(text -> text.contains("\"welcome\""));
        }
        Net.assertServesOthers(server);
    }

    // ---- one object per frame ----------------------------------------------------------------------

    @Test
    void dataAfterTheObjectIsRefusedWith4400AndNothingIsApplied() {
        List<String> seen = new CopyOnWriteArrayList<>();
        server = Net.start(Net.LOOPBACK, recordingMessages(seen));
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.openOk("one");
            String set = "{\"type\":\"set\",\"id\":%d,\"doc\":\"one\",\"path\":\"a\",\"value\":%d}";
            String[] trailers = {" {\"x\":1}", " garbage", "{}", " 1", " [", " ]"};
            for (int i = 0; i < trailers.length; i++) {
                int id = i + 1;
                JsonNode error = assertError(rawRequest(client, id, set.formatted(id, id) + trailers[i]), 4400);
                assertThat(error.get("reason").asText()).as(trailers[i]).contains("one JSON object per frame");
            }
            assertThat(server.api().get("one", "a")).isEmpty();
            assertThat(seen).noneMatch(f -> f.contains("\"path\":\"a\""));

            // Whitespace around the object is not data.
            WsClient.ok(rawRequest(client, 99, " \n" + set.formatted(99, 99) + " \r\n\t"));
            assertThat(server.api().get("one", "a")).contains(Json.MAPPER.getNodeFactory().numberNode(99));
        }
    }

    // ---- ids -----------------------------------------------------------------------------------------

    @Test
    void anInvalidIdIsAnsweredWithANullIdAndTheReasonSaysWhy() {
        server = Net.start(Net.LOOPBACK);
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            for (String id : List.of("-4", "1.5", "\"7\"", "18446744073709551616", "true", "{}")) {
                client.send("{\"type\":\"open\",\"id\":" + id + ",\"doc\":\"ids\"}");
                JsonNode error = assertError(client.await("error"), 4400);
                assertThat(error.get("id").isNull()).as("id %s: %s", id, error).isTrue();
                assertThat(error.get("reason").asText()).as(id).isEqualTo("\"id\" is a non-negative integer");
            }
            assertThat(client.open("ids", "").get("type").asText()).isEqualTo("ack");
        }
    }

    @Test
    void aPongsIdIsIgnoredEvenWhenItIsNoValidId() {
        AtomicInteger heartbeats = new AtomicInteger();
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public void onHeartbeat(Heartbeat heartbeat, HookContext context) {
                heartbeats.incrementAndGet();
            }
        });
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            for (String id : List.of("-4", "1.5", "\"x\"", "7")) {
                client.send("{\"type\":\"pong\",\"id\":" + id + ",\"payload\":{\"time\":1}}");
            }
            client.openOk("after-pongs");

            assertThat(heartbeats).hasValue(4);
            assertThat(client.collect(f -> f.path("type").asText().matches("error|ack"), Duration.ofMillis(200)))
                    .isEmpty();
        }
    }

    // ---- which errors carry doc ----------------------------------------------------------------------

    @Test
    void aReusedSubscriptionIdGets4409WithTheDocument() {
        server = Net.start(Net.LOOPBACK);
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.openOk("subs");
            ObjectNode sub = client.frame("sub").put("doc", "subs").put("path", "a");
            WsClient.ok(client.request(sub));
            client.await("snapshot");

            JsonNode error = assertError(client.request(sub.deepCopy().put("path", "b")), 4409);

            assertThat(error.get("doc").asText()).isEqualTo("subs");
            assertThat(error.get("reason").asText()).contains("in use");
        }
    }

    // ---- idle close -------------------------------------------------------------------------------------

    @Test
    void theIdleCloseComesAtTheIdleTimeoutNotAtTheNextTickAndSaysSo() {
        // Ticks every 3 s; a check only at ticks would close at 6 s, not at 3.2 s.
        Duration idle = Duration.ofMillis(3200);
        server = Net.start(Net.LOOPBACK.withKeepAlive(Duration.ofSeconds(3), idle));
        long connecting = System.nanoTime(); // before the server accepts: the idle time cannot have started
        try (WsClient silent = WsClient.connectWelcomed(server.port())) {
            JsonNode goodbye = silent.await("goodbye");
            Duration after = Duration.ofNanos(System.nanoTime() - connecting);

            assertThat(goodbye.get("code").asInt()).isEqualTo(4408);
            assertThat(goodbye.get("reason").asText()).isEqualTo("no pong for 3200ms (idleTimeout)");
            assertThat(after).isGreaterThanOrEqualTo(idle).isLessThan(Duration.ofMillis(5500));
            assertThat(silent.awaitClose()).isEqualTo(4408);
            assertThat(silent.closeReason()).isEqualTo("no pong for 3200ms (idleTimeout)");
        }
    }

    /**
     * The JDK's WebSocket client cannot send bytes that are not UTF-8 in a text frame, so this sends
     * one by hand: the RFC 6455 handshake, one masked text frame, then it reads until the close frame.
     */
    private static final class RawFrame {

        /** The close frame's code and reason, and the text frames that came before it. */
        record Closed(int code, String reason, List<String> texts) {
        }

        static Closed sendTextAndReadClose(int port, byte[] payload) throws IOException {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                DataInputStream in = new DataInputStream(socket.getInputStream());
                skipHeaders(in);
                List<String> texts = new ArrayList<>();
                // The welcome first: it comes from the connection's lane, while the WebSocket layer
                // refuses a bad frame on the IO thread, so a frame sent at once may be refused first.
                Closed early = readUntil(in, texts, true);
                if (early != null) {
                    return early;
                }
                out.write(maskedText(payload));
                out.flush();
                return readUntil(in, texts, false);
            }
        }

        /**
         * Reads server frames (unmasked) into {@code texts} until a close, or with {@code welcomeOnly}
         * until the first text frame. @return the close, or null when the first text came first
         */
        private static Closed readUntil(DataInputStream in, List<String> texts, boolean welcomeOnly) throws IOException {
            while (true) {
                int opcode = in.readUnsignedByte() & 0x0f;
                int length = in.readUnsignedByte() & 0x7f;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = (int) in.readLong();
                }
                byte[] body = in.readNBytes(length);
                if (opcode == 0x8) {
                    return new Closed(((body[0] & 0xff) << 8) | (body[1] & 0xff),
                            new String(body, 2, body.length - 2, StandardCharsets.UTF_8), texts);
                }
                if (opcode == 0x1) {
                    texts.add(new String(body, StandardCharsets.UTF_8));
                    if (welcomeOnly) {
                        return null;
                    }
                }
            }
        }

        private static void skipHeaders(InputStream in) throws IOException {
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the handshake was not answered");
                }
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        }

        private static byte[] maskedText(byte[] payload) {
            byte[] mask = {0x11, 0x22, 0x33, 0x44};
            byte[] frame = new byte[2 + 4 + payload.length];
            frame[0] = (byte) 0x81; // FIN + text
            frame[1] = (byte) (0x80 | payload.length); // masked; payloads here are under 126 bytes
            System.arraycopy(mask, 0, frame, 2, 4);
            for (int i = 0; i < payload.length; i++) {
                frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
            }
            return frame;
        }
    }
}
