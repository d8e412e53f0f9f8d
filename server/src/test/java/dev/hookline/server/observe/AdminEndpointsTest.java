package dev.hookline.server.observe;

import static dev.hookline.server.observe.Scrape.get;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.server.Hookline;
import dev.hookline.server.protocol.Json;
import dev.hookline.server.testsupport.TestPlugins;
import dev.hookline.server.testsupport.WsClient;
import dev.hookline.testkit.PluginJar;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /admin/plugins} and {@code /admin/hooks} over real HTTP, with real plugin jars. */
class AdminEndpointsTest {

    private static final String TOKEN = "s3cret-admin-token";

    @TempDir
    Path plugins;

    private Hookline server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private Hookline start(String token) {
        TestPlugins.plugin("audit", 300, TestPlugins.recordEvent("audit")).version("1.2.3").writeTo(plugins);
        PluginJar.corrupt(plugins, "broken.jar");
        server = Hookline.builder().host("127.0.0.1").port(0).classpathHooks(false).pluginsDirectory(plugins)
                .adminToken(token).start();
        return server;
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    @Test
    void withoutATokenConfiguredTheAdminRoutesDoNotExist() {
        start(null);
        for (String path : List.of("/admin/plugins", "/admin/hooks")) {
            assertThat(get(server.port(), path).statusCode()).as(path).isEqualTo(404);
            assertThat(get(server.port(), path, "Authorization", "Bearer " + TOKEN).statusCode()).as(path)
                    .isEqualTo(404);
        }
    }

    @Test
    void aBlankTokenDisablesThemToo() {
        start("  ");
        assertThat(get(server.port(), "/admin/plugins", "Authorization", "Bearer   ").statusCode()).isEqualTo(404);
    }

    @Test
    void aMissingOrWrongTokenIs401() {
        start(TOKEN);
        List<String[]> attempts = new ArrayList<>();
        attempts.add(new String[0]);
        attempts.add(new String[] {"Authorization", "Bearer wrong"});
        attempts.add(new String[] {"Authorization", "Bearer " + TOKEN + "x"});
        attempts.add(new String[] {"Authorization", "Basic " + TOKEN});
        attempts.add(new String[] {"Authorization", TOKEN});
        for (String path : List.of("/admin/plugins", "/admin/hooks", "/admin/nothing-here")) {
            for (String[] headers : attempts) {
                HttpResponse<String> response = get(server.port(), path, headers);
                assertThat(response.statusCode()).as(path + " " + List.of(headers)).isEqualTo(401);
                assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
                assertThat(response.headers().firstValue("www-authenticate").orElseThrow()).startsWith("Bearer");
                assertThat(json(response).path("status").asInt()).isEqualTo(401);
                assertThat(json(response).path("error").asText()).isEqualTo("missing or wrong admin token");
            }
        }
    }

    @Test
    void pluginsListsLoadedPluginsAndProblems() {
        start(TOKEN);
        HttpResponse<String> response = get(server.port(), "/admin/plugins", "Authorization", "Bearer " + TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = json(response);
        assertThat(body.path("directory").asText()).isEqualTo(plugins.toString());
        assertThat(body.path("plugins")).hasSize(1);
        JsonNode audit = body.path("plugins").get(0);
        assertThat(audit.path("id").asText()).isEqualTo("audit");
        assertThat(audit.path("version").asText()).isEqualTo("1.2.3");
        assertThat(audit.path("file").asText()).endsWith(".jar");
        assertThat(audit.path("enabled").asBoolean()).isTrue();
        assertThat(audit.path("hookClasses")).extracting(JsonNode::asText).containsExactly("plugin_audit.Hooks");

        assertThat(body.path("problems")).hasSize(1);
        JsonNode problem = body.path("problems").get(0);
        assertThat(problem.path("file").asText()).endsWith("broken.jar");
        assertThat(problem.path("reason").asText()).isNotBlank();
        assertThat(body.path("sources")).extracting(s -> s.path("id").asText()).contains("audit");
        // a lower-case scheme is accepted too
        assertThat(get(server.port(), "/admin/plugins", "Authorization", "bearer " + TOKEN).statusCode())
                .isEqualTo(200);
    }

    @Test
    void hooksShowEveryChainInOrderWithStats() {
        start(TOKEN);
        JsonNode before = json(get(server.port(), "/admin/hooks", "Authorization", "Bearer " + TOKEN));
        assertThat(before.path("hooks")).extracting(h -> h.path("hook").asText())
                .contains("onConnect", "onUpdate", "onStoreDocument");
        JsonNode link = onUpdateChain(before).get(0);
        assertThat(link.path("plugin").asText()).isEqualTo("audit");
        assertThat(link.path("class").asText()).isEqualTo("plugin_audit.Hooks");
        assertThat(link.path("priority").asInt()).isEqualTo(300);
        assertThat(link.path("timeoutMillis").asLong()).isEqualTo(10_000);
        assertThat(link.path("stats").path("calls").asLong()).isZero();
        assertThat(link.path("stats").has("errors")).isTrue();
        assertThat(link.path("stats").has("meanNanos")).isTrue();

        try (WsClient client = WsClient.connectWelcomed(server.port())) {
            client.openOk("board");
            WsClient.ok(client.set("board", "x", Json.MAPPER.getNodeFactory().numberNode(1)));
        }

        JsonNode after = json(get(server.port(), "/admin/hooks", "Authorization", "Bearer " + TOKEN));
        assertThat(onUpdateChain(after).get(0).path("stats").path("calls").asLong()).isEqualTo(1);
        assertThat(after.path("inactive")).isEmpty();

        // Unloaded, its counters stay visible as inactive.
        server.plugins().unload("audit");
        JsonNode unloaded = json(get(server.port(), "/admin/hooks", "Authorization", "Bearer " + TOKEN));
        assertThat(onUpdateChain(unloaded)).isEmpty();
        assertThat(unloaded.path("inactive")).anySatisfy(entry -> {
            assertThat(entry.path("hook").asText()).isEqualTo("onUpdate");
            assertThat(entry.path("plugin").asText()).isEqualTo("audit");
            assertThat(entry.path("stats").path("calls").asLong()).isEqualTo(1);
        });
    }

    @Test
    void unknownAdminPathsAre404OnceAuthorized() {
        start(TOKEN);
        assertThat(get(server.port(), "/admin/nothing-here", "Authorization", "Bearer " + TOKEN).statusCode())
                .isEqualTo(404);
    }

    private static JsonNode onUpdateChain(JsonNode view) {
        for (JsonNode hook : view.path("hooks")) {
            if (hook.path("hook").asText().equals("onUpdate")) {
                return hook.path("chain");
            }
        }
        throw new AssertionError("no onUpdate in " + view);
    }
}
