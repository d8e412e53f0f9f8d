package dev.hookline.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.UnixOperatingSystemMXBean;
import dev.hookline.server.Hookline;
import dev.hookline.server.config.ServerConfig;
import dev.hookline.server.protocol.Json;
import dev.hookline.server.testsupport.WsClient;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection-level limits over real sockets on loopback, each set tiny: the connection limit
 * (503 before the upgrade), request head size and count, the time to send a request head, the
 * accept high water. Each time the offender is refused or cut and everyone under the limits is served.
 */
class ConnectionLimitsTest {

    private Hookline server;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    private static ServerConfig limits(int maxConnections, int maxHeaderBytes, int maxHeaders, Duration headTimeout) {
        return Net.LOOPBACK.withConnections(new ServerConfig.ConnectionLimits(maxConnections, maxHeaderBytes, maxHeaders,
                headTimeout));
    }

    private static ServerConfig defaultsBut(ServerConfig.ConnectionLimits limits) {
        return Net.LOOPBACK.withConnections(limits);
    }

    private static String upgradeRequest() {
        return "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    // ---- server.maxConnections --------------------------------------------------------------------

    @Test
    void overTheConnectionLimitAHandshakeGets503BeforeTheUpgradeAndThoseUnderItGoOnBeingServed() throws Exception {
        server = Net.start(defaultsBut(ServerConfig.ConnectionLimits.DEFAULTS.withMaxConnections(2)));
        try (WsClient first = WsClient.connectWelcomed(server.port());
             WsClient second = WsClient.connectWelcomed(server.port())) {
            first.openOk("shared");

            assertThat(Net.refusedHandshakeStatus(URI.create("ws://127.0.0.1:" + server.port() + "/ws"))).isEqualTo(503);
            Net.RawAnswer refused = Net.raw(server.port(), upgradeRequest(), Duration.ofSeconds(5));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.text()).containsIgnoringCase("Retry-After: 5")
                    .contains("the server is at its connection limit (2 connections and requests); retry later")
                    .doesNotContain("101");
            assertThat(refused.closed()).as("the refused connection is closed").isTrue();
            // Plain HTTP requests count too; /health does not, and says why the server is degraded.
            assertThat(Net.http(server.port(), "GET", "/hookline.js").statusCode()).isEqualTo(503);
            HttpResponse<String> health = Net.http(server.port(), "GET", "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode report = Json.MAPPER.readTree(health.body());
            assertThat(report.get("status").asText()).isEqualTo("degraded");
            assertThat(report.at("/limits/connections/current").asInt()).isEqualTo(2);
            assertThat(report.at("/limits/connections/max").asInt()).isEqualTo(2);
            assertThat(report.get("reasons").toString()).contains("connections at 100% of the limit");

            // Those under the limit go on working.
            WsClient.ok(second.openOk("shared"));
            assertThat(WsClient.ok(first.set("shared", "k", Json.MAPPER.getNodeFactory().textNode("v")))
                    .get("version").asLong()).isEqualTo(1);
            assertThat(WsClient.ok(second.set("shared", "k", Json.MAPPER.getNodeFactory().textNode("w")))
                    .get("version").asLong()).isEqualTo(2);
        }
        // Once they leave, a new client is accepted again.
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);
        Net.assertServesOthers(server);
        assertThat(Json.MAPPER.readTree(Net.http(server.port(), "GET", "/health").body()).get("status").asText())
                .isEqualTo("ok");
    }

    // ---- request heads ----------------------------------------------------------------------------

    @Test
    void aRequestHeadOverMaxHeaderBytesIsRefusedAndItsConnectionClosed() {
        server = Net.start(limits(100, 4096, 100, Duration.ofSeconds(10)));
        String big = "GET /hookline.js HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(8192) + "\r\n\r\n";

        Net.RawAnswer answer = Net.raw(server.port(), big, Duration.ofSeconds(5));

        assertThat(answer.status()).as("answer %s", answer).isEqualTo(400);
        assertThat(answer.closed()).isTrue();
        Net.RawAnswer small = Net.raw(server.port(), "GET /hookline.js HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Small: "
                + "a".repeat(2048) + "\r\nConnection: close\r\n\r\n", Duration.ofSeconds(5));
        assertThat(small.status()).isEqualTo(200);
        Net.assertServesOthers(server);
    }

    @Test
    void aRequestWithMoreThanMaxHeadersIsRefusedAndItsConnectionClosed() {
        server = Net.start(limits(100, 16 * 1024, 20, Duration.ofSeconds(10)));
        StringBuilder many = new StringBuilder("GET /hookline.js HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (int i = 0; i < 40; i++) {
            many.append("X-H").append(i).append(": ").append(i).append("\r\n");
        }

        Net.RawAnswer answer = Net.raw(server.port(), many.append("\r\n").toString(), Duration.ofSeconds(5));

        assertThat(answer.status()).as("answer %s", answer).isEqualTo(400);
        assertThat(answer.closed()).isTrue();
        Net.assertServesOthers(server);
    }

    // ---- requestHeadTimeout (slowloris) -----------------------------------------------------------

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheRequestHeadTimeout() throws Exception {
        server = Net.start(limits(100, 16 * 1024, 100, Duration.ofSeconds(1)));

        Socket silent = open();

        assertThat(closedByServerWithin(silent, Duration.ofSeconds(10))).as("closed by the server").isTrue();
        Net.assertServesOthers(server);
    }

    @Test
    void aRequestHeadDribbledByteByByteIsCutAfterTheRequestHeadTimeout() throws Exception {
        server = Net.start(limits(100, 16 * 1024, 100, Duration.ofSeconds(1)));
        Socket slow = open();
        OutputStream out = slow.getOutputStream();
        byte[] head = upgradeRequest().getBytes(StandardCharsets.US_ASCII);

        boolean cut = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        // One byte every 100 ms: the whole head would take over 15 s; the server must not wait that long.
        for (int i = 0; i < head.length - 2 && System.nanoTime() < deadline && !cut; i++) {
            try {
                out.write(head[i]);
                out.flush();
            } catch (SocketException e) {
                cut = true;
            }
            cut = cut || closedByServerWithin(slow, Duration.ofMillis(100));
        }

        assertThat(cut).as("the slow connection was closed by the server").isTrue();
        Net.assertServesOthers(server);
    }

    @Test
    void anUpgradedWebSocketIsNotCutByTheRequestHeadTimeout() throws Exception {
        server = Net.start(limits(100, 16 * 1024, 100, Duration.ofMillis(500)));
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            Thread.sleep(2000); // four times the timeout, quiet

            assertThat(client.isClosed()).isFalse();
            WsClient.ok(client.openOk("still-open"));
        }
    }

    // ---- accept high water ------------------------------------------------------------------------

    @Test
    void aFloodOfRawConnectsIsNotAcceptedPastTheHighWaterAndIsServedOnceItIsReaped() throws Exception {
        // maxConnections 4: the listener stops accepting at 4 + 16 = 20 open sockets.
        server = Net.start(limits(4, 16 * 1024, 100, Duration.ofSeconds(1)));
        ConnectionBudget budget = ConnectionBudget.of(server.config().connections(),
                dev.hookline.server.observe.ProcessResources.get());
        assertThat(budget.acceptHighWater()).isEqualTo(20);
        UnixOperatingSystemMXBean os = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long before = os.getOpenFileDescriptorCount();

        int flood = 60;
        for (int i = 0; i < flood; i++) {
            open(); // connects (the kernel completes it) and never sends a byte
        }
        Thread.sleep(300); // well inside the 1 s head timeout: nothing is reaped yet

        // Every client socket is a descriptor here; so is every socket the server accepted.
        long accepted = os.getOpenFileDescriptorCount() - before - flood;
        assertThat(accepted).as("sockets the server accepted out of %d", flood).isLessThanOrEqualTo(budget.acceptHighWater() + 4);
        // The flood is reaped by the head timeout, batch after batch, and a real client gets in.
        Net.assertServesOthers(server);
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private Socket open() throws Exception {
        Socket socket = new Socket("127.0.0.1", server.port());
        sockets.add(socket);
        return socket;
    }

    /** @return whether the server closed the socket (end of stream or reset) within {@code wait} */
    private static boolean closedByServerWithin(Socket socket, Duration wait) throws Exception {
        socket.setSoTimeout((int) wait.toMillis());
        InputStream in = socket.getInputStream();
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }
}
