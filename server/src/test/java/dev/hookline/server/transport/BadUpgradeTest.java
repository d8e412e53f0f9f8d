package dev.hookline.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Upgrade;
import dev.hookline.server.Hookline;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Upgrade requests that cannot be upgraded get an HTTP answer and a closed connection (RFC 6455,
 * 4.2.1 and 4.4), never silence on an open socket; no hook runs for them.
 */
class BadUpgradeTest {

    private static final String KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    private static final String VERSION = "Sec-WebSocket-Version: 13\r\n";

    private Hookline server;
    private final AtomicInteger upgradeHooks = new AtomicInteger();

    @BeforeEach
    void start() {
        server = Net.start(Net.LOOPBACK, new ServerHooks() {
            @Override
            public void onUpgrade(Upgrade upgrade, HookContext context) {
                upgradeHooks.incrementAndGet();
            }
        });
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private Net.RawAnswer upgrade(String method, String headers) {
        return Net.raw(server.port(), method + " /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\n" + headers + "\r\n", Duration.ofSeconds(5));
    }

    @Test
    void anUpgradeWithoutSecWebSocketKeyGets400AndIsClosed() {
        Net.RawAnswer answer = upgrade("GET", VERSION);

        assertThat(answer.status()).as("answer %s", answer).isEqualTo(400);
        assertThat(answer.text()).contains("the upgrade has no Sec-WebSocket-Key");
        assertThat(answer.closed()).isTrue();
        assertThat(upgrade("GET", VERSION + "Sec-WebSocket-Key: short\r\n").status()).isEqualTo(400);
        assertThat(upgradeHooks).hasValue(0);
        Net.assertServesOthers(server);
    }

    @Test
    void anUnsupportedSecWebSocketVersionGets426NamingVersion13AndIsClosed() {
        Net.RawAnswer answer = upgrade("GET", KEY + "Sec-WebSocket-Version: 99\r\n");

        assertThat(answer.status()).as("answer %s", answer).isEqualTo(426);
        assertThat(answer.text()).containsIgnoringCase("Sec-WebSocket-Version: 13\r\n")
                .contains("Sec-WebSocket-Version 99 is not supported: send 13");
        assertThat(answer.closed()).isTrue();
        assertThat(upgrade("GET", KEY).status()).as("no version at all").isEqualTo(426);
        assertThat(upgradeHooks).hasValue(0);
        Net.assertServesOthers(server);
    }

    @Test
    void aPostUpgradeGets405AndIsClosed() {
        Net.RawAnswer answer = upgrade("POST", KEY + VERSION + "Content-Length: 0\r\n");

        assertThat(answer.status()).as("answer %s", answer).isEqualTo(405);
        assertThat(answer.text()).containsIgnoringCase("Allow: GET\r\n").contains("a WebSocket upgrade must be a GET");
        assertThat(answer.closed()).isTrue();
        assertThat(upgradeHooks).hasValue(0);
        Net.assertServesOthers(server);
    }

    @Test
    void aGoodUpgradeStillGets101() {
        Net.RawAnswer answer = Net.raw(server.port(), "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\n" + KEY + VERSION + "\r\n", Duration.ofSeconds(1));

        assertThat(answer.status()).as("answer %s", answer).isEqualTo(101);
        assertThat(answer.text()).containsIgnoringCase("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(upgradeHooks).hasValue(1);
    }
}
