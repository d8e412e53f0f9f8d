package dev.hookline.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.HttpRequest;
import dev.hookline.server.Hookline;
import dev.hookline.server.config.ServerConfig;
import dev.hookline.server.protocol.Json;
import dev.hookline.server.testsupport.WsClient;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The web folder over real HTTP: the browser client, the demo page, and nothing outside the folder. */
class StaticFilesTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Hookline server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private Hookline start(ServerHooks... hooks) {
        server = Hookline.builder().config(ServerConfig.DEFAULTS.withAddress("127.0.0.1", 0)).classpathHooks(false)
                .hooks(hooks).start();
        return server;
    }

    private HttpResponse<String> http(String method, String path) throws Exception {
        return HTTP.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(5)).method(method, java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends the request line exactly as given (no client-side normalisation); returns the raw answer. */
    private String raw(String requestLine) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesTheBrowserClient() throws Exception {
        start();
        HttpResponse<String> response = http("GET", "/hookline.js");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(response.body()).contains("export class Hookline", "export class HooklineError", "export class Stop");
    }

    @Test
    void servesTheDemoPageAndItsFiles() throws Exception {
        start();
        HttpResponse<String> index = http("GET", "/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(index.body()).contains("<script type=\"module\" src=\"/demo.js\">", "data-testid=\"status\"");

        assertThat(http("GET", "/index.html").body()).isEqualTo(index.body());
        HttpResponse<String> script = http("GET", "/demo.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        HttpResponse<String> css = http("GET", "/demo.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
    }

    @Test
    void headAnswersTheHeadersWithoutABody() throws Exception {
        start();
        int length = http("GET", "/hookline.js").body().getBytes(StandardCharsets.UTF_8).length;

        HttpResponse<String> head = http("HEAD", "/hookline.js");

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(head.headers().firstValue("content-length")).hasValue(String.valueOf(length));
        assertThat(head.body()).isEmpty();
        assertThat(http("HEAD", "/").statusCode()).isEqualTo(200);
    }

    @Test
    void onlyGetAndHead() throws Exception {
        start();
        assertThat(http("POST", "/hookline.js").statusCode()).isEqualTo(404);
        assertThat(http("DELETE", "/").statusCode()).isEqualTo(404);
    }

    @Test
    void unknownFilesAnswerTheUsual404() throws Exception {
        start();
        HttpResponse<String> response = http("GET", "/nope.js");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo("no route for GET /nope.js");
        // a class file, a resource outside the folder, a file of the folder under another name
        assertThat(http("GET", "/StaticFiles.class").statusCode()).isEqualTo(404);
        assertThat(http("GET", "/version.properties").statusCode()).isEqualTo(404);
        assertThat(http("GET", "/web/hookline.js").statusCode()).isEqualTo(404);
        assertThat(http("GET", "/hookline.js/").statusCode()).isEqualTo(404);
    }

    @Test
    void pathTraversalAnswers404() throws Exception {
        start();
        for (String path : new String[] {"/../pom.xml", "/%2e%2e/pom.xml", "/%2E%2E/%2E%2E/pom.xml", "/..%2fpom.xml",
                "/..%2f..%2fversion.properties", "/../version.properties", "/./hookline.js/../../version.properties",
                "/%2e%2e%5cversion.properties", "/.hidden.js", "/....//version.properties"}) {
            String answer = raw("GET " + path + " HTTP/1.1");
            assertThat(answer).as(path).startsWith("HTTP/1.1 404");
            assertThat(answer).as(path).doesNotContain("version=").doesNotContain("<project");
        }
        // a raw backslash never reaches the routes: Undertow's parser refuses the request line
        assertThat(raw("GET /..\\version.properties HTTP/1.1")).startsWith("HTTP/1.1 400").doesNotContain("version=");
    }

    @Test
    void onRequestHooksRunFirst() throws Exception {
        start(new ServerHooks() {
            @Override
            public HttpRequest onRequest(HttpRequest request, HookContext context) {
                return request.path().equals("/") ? request.respond(200, "text/plain", "custom home") : null;
            }
        });
        assertThat(http("GET", "/").body()).isEqualTo("custom home");
        assertThat(http("GET", "/hookline.js").statusCode()).isEqualTo(200);
    }

    @Test
    void theOtherRoutesStillWork() throws Exception {
        start();
        assertThat(http("GET", "/health").statusCode()).isEqualTo(200);
        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            WsClient.ok(client.openOk("web"));
        }
    }

    @Test
    void findNamesOnlyFilesOfTheFolder() {
        StaticFiles files = new StaticFiles();
        assertThat(files.find("/")).get().extracting(StaticFiles.File::name).isEqualTo("index.html");
        assertThat(files.find("/hookline.js")).get().extracting(StaticFiles.File::contentType)
                .isEqualTo("text/javascript; charset=utf-8");
        assertThat(files.find("hookline.js")).isEmpty();
        assertThat(files.find("/../hookline.js")).isEmpty();
        assertThat(files.find("/a/../hookline.js")).isEmpty();
        assertThat(files.find("/..")).isEmpty();
        assertThat(files.find("/x..js")).isEmpty();
        assertThat(files.find(null)).isEmpty();
    }
}
