package dev.hookline.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hookline.server.Hookline;
import dev.hookline.server.testsupport.WsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The basic promise over a real socket: two clients see each other's writes. */
class ServerSmokeTest {

    private Hookline server;

    @BeforeEach
    void start() {
        server = Hookline.builder().host("127.0.0.1").port(0).start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void twoClientsSeeEachOthersWrites() {
        try (WsClient ann = WsClient.connectWelcomed(server.port()); WsClient bob = WsClient.connectWelcomed(server.port())) {
            ann.openOk("board");
            bob.openOk("board");
            WsClient.ok(ann.subscribe("board", "cards"));
            WsClient.ok(bob.subscribe("board", "cards"));
            ann.await("snapshot");
            bob.await("snapshot");

            JsonNode ack = WsClient.ok(ann.set("board", "cards/1", JsonNodeFactory.instance.textNode("from ann")));
            JsonNode seen = bob.await("change");

            assertThat(ack.get("version").asLong()).isEqualTo(1);
            assertThat(seen.get("path").asText()).isEqualTo("cards/1");
            assertThat(seen.get("value").asText()).isEqualTo("from ann");
            assertThat(seen.get("version").asLong()).isEqualTo(1);
            assertThat(seen.get("origin").asText()).isEqualTo("connection");

            WsClient.ok(bob.set("board", "cards/2", JsonNodeFactory.instance.textNode("from bob")));
            // Ann's own write reached her subscription too; then Bob's arrives.
            assertThat(ann.await("change").get("value").asText()).isEqualTo("from ann");
            assertThat(ann.await("change").get("value").asText()).isEqualTo("from bob");
        }
    }

    @Test
    void healthAnswersOverHttp() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"ok\"");
    }
}
