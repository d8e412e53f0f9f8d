package dev.hookline.faults.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hookline.faults.support.Http;
import dev.hookline.testkit.PluginJar;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server API of a node reaches documents other nodes own: a plugin dropped into every node's
 * {@code plugins/} while they run answers {@code GET /probe} by calling {@code server().get},
 * {@code set} and {@code broadcastStateless} on the node it was asked on. Writes run on the
 * document's owner (its hooks there), reach every subscriber, and read back from any node.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterServerApiIT extends SharedClusterTestBase {

    @Test
    void theServerApiOfAnyNodeReachesTheDocumentWhereItIsOwned() throws Exception {
        Path jar = probePlugin(dir.resolve("built"));
        for (Node node : cluster.nodes()) {
            Files.copy(jar, node.home().resolve("plugins").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        for (Node node : cluster.nodes()) {
            awaitProbe(node);
        }

        String doc = cluster.document("api");
        Node owner = cluster.node(1);
        JsonClient watcher = client(owner, "watcher");
        watcher.ack(watcher.open(doc), "open " + doc);
        watcher.ack(watcher.sub(doc, "", null), "sub");
        assertThat(cluster.holder(doc)).as("the owner of %s", doc).isEqualTo(owner.id());

        HttpResponse<String> set = probe(cluster.node(2), "set", doc, "x", "hello");
        assertThat(set.statusCode()).as("set through n2's server API: %s", set.body()).isEqualTo(200);
        long version = Long.parseLong(set.body());
        JsonNode change = watcher.awaitFrame(f -> "change".equals(f.path("type").asText())
                && f.path("version").asLong() == version, Duration.ofSeconds(10), "the change made through n2");
        assertThat(change.path("path").asText()).isEqualTo("x");
        assertThat(change.path("value")).isEqualTo(TextNode.valueOf("hello"));
        assertThat(change.path("origin").asText()).isEqualTo("server");

        for (Node node : cluster.nodes()) {
            HttpResponse<String> read = probe(node, "get", doc, "x", null);
            assertThat(read.statusCode()).as("get on %s", node.id()).isEqualTo(200);
            assertThat(read.body()).as("get on %s", node.id()).isEqualTo("\"hello\"");
        }
        assertThat(probe(cluster.node(3), "get", doc, "nothing/here", null).statusCode())
                .as("a path with nothing, read through another node").isEqualTo(404);
        HttpResponse<String> refused = probe(cluster.node(3), "set", doc, "a//b", "x");
        assertThat(refused.statusCode()).as("a bad path refused (400): %s", refused.body()).isEqualTo(400);

        HttpResponse<String> broadcast = probe(cluster.node(3), "broadcast", doc, "", "from-n3");
        assertThat(broadcast.statusCode()).isEqualTo(200);
        watcher.awaitFrame(f -> "stateless".equals(f.path("type").asText())
                && "from-n3".equals(f.path("payload").path("text").asText()), Duration.ofSeconds(10),
                "the stateless message broadcast through n3's server API");
        assertThat(cluster.holder(doc)).as("the owner of %s after all that", doc).isEqualTo(owner.id());
        log("server API: n2 wrote v%d to %s owned by %s; every node read it back; n3 broadcast to its members", version,
                doc, owner.id());
    }

    private static void awaitProbe(Node node) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (Http.get(node.port(), "/probe?op=ping").statusCode() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the probe plugin was not loaded on " + node.id() + " within 20 s");
    }

    private static HttpResponse<String> probe(Node node, String op, String doc, String path, String value)
            throws Exception {
        String query = "op=" + op + "&doc=" + encode(doc) + "&path=" + encode(path)
                + (value == null ? "" : "&value=" + encode(value));
        return Http.get(node.port(), "/probe?" + query);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** A plugin whose {@code GET /probe} calls the server API of the node it runs on. */
    private static Path probePlugin(Path into) {
        return PluginJar.builder("probe").version("1.0.0")
                .source("probe.Probe", """
                        package probe;
                        import com.fasterxml.jackson.databind.node.JsonNodeFactory;
                        import dev.hookline.api.HookContext;
                        import dev.hookline.api.Reject;
                        import dev.hookline.api.ServerHooks;
                        import dev.hookline.api.payload.HttpRequest;
                        import java.net.URLDecoder;
                        import java.nio.charset.StandardCharsets;
                        import java.util.HashMap;
                        import java.util.Map;
                        public class Probe implements ServerHooks {
                            @Override
                            public HttpRequest onRequest(HttpRequest request, HookContext context) {
                                if (!request.path().equals("/probe")) {
                                    return null;
                                }
                                Map<String, String> q = new HashMap<>();
                                for (String pair : request.query().split("&")) {
                                    int eq = pair.indexOf('=');
                                    if (eq > 0) {
                                        q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                                    }
                                }
                                var json = JsonNodeFactory.instance;
                                try {
                                    switch (q.get("op")) {
                                        case "ping":
                                            return request.respond(200, "text/plain", "pong");
                                        case "set":
                                            long version = context.server().set(q.get("doc"), q.get("path"), json.textNode(q.get("value")));
                                            return request.respond(200, "text/plain", Long.toString(version));
                                        case "get":
                                            var value = context.server().get(q.get("doc"), q.get("path"));
                                            return value.isPresent() ? request.respond(200, "application/json", value.get().toString())
                                                    : request.respond(404, "text/plain", "nothing there");
                                        case "broadcast":
                                            context.server().broadcastStateless(q.get("doc"), json.objectNode().put("text", q.get("value")));
                                            return request.respond(200, "text/plain", "sent");
                                        default:
                                            return request.respond(400, "text/plain", "unknown op");
                                    }
                                } catch (Reject reject) {
                                    return request.respond(reject.code() - 4000, "text/plain", reject.code() + " " + reject.reason());
                                }
                            }
                        }
                        """)
                .hooks("probe.Probe")
                .writeTo(into);
    }
}
