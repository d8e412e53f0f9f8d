package dev.hookline.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hookline.server.Hookline;
import dev.hookline.server.plugins.LoadedPlugin;
import dev.hookline.server.plugins.PluginHost;
import dev.hookline.testkit.PluginJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster engine comes from a plugin jar's {@code META-INF/services/dev.hookline.api.cluster.ClusterEngine}:
 * the node joins the cluster at start, and the jar stays loaded while the node runs on its engine
 * (removing or replacing it is reported and takes effect at the next start). The engine in the jar
 * is a one-node stand-in that keeps its state in memory: this test is about the plugin host, the
 * cluster itself is tested over Redis in the fault suite.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterEnginePluginTest {

    @TempDir
    Path plugins;

    @TempDir
    Path build;

    private Hookline server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void theEnginesPluginMakesTheNodeAMemberAndStaysLoadedWhileItRuns() throws Exception {
        Path jar = enginePlugin("1.0.0");
        Files.copy(jar, plugins.resolve(jar.getFileName()));
        server = Hookline.builder().host("127.0.0.1").port(0).classpathHooks(false).pluginsDirectory(plugins)
                .cluster(new dev.hookline.server.config.ClusterConfig("solo", Duration.ofSeconds(3), Duration.ofSeconds(2)))
                .start();

        ClusterService cluster = server.cluster();
        assertThat(cluster).as("a node whose plugins offer an engine is a cluster member").isNotNull();
        assertThat(cluster.nodeId()).isEqualTo("solo");
        assertThat(cluster.status(false)).containsEntry("engine", "mem").containsEntry("connected", true);
        server.api().set("doc", "a", com.fasterxml.jackson.databind.node.TextNode.valueOf("x"));
        assertThat(cluster.documentsOwned()).as("the written document is owned here, under a lease").isEqualTo(1);

        // Replacing the jar: reported, the running version stays.
        Files.copy(enginePlugin("2.0.0"), plugins.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        PluginHost host = server.plugins();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(host.problems())
                .anySatisfy(p -> assertThat(p.reason()).contains("not reloaded").contains("cluster engine")));
        assertThat(host.plugins()).extracting(LoadedPlugin::version).containsExactly("1.0.0");

        // Removing it: reported, it stays loaded, the node goes on.
        Files.delete(plugins.resolve(jar.getFileName()));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(host.problems())
                .anySatisfy(p -> assertThat(p.reason()).contains("not unloaded").contains("cluster engine")));
        assertThat(host.plugins()).extracting(LoadedPlugin::id).containsExactly("mem");
        assertThat(server.api().set("doc", "b", com.fasterxml.jackson.databind.node.TextNode.valueOf("y"))).isEqualTo(2);
    }

    /** A plugin whose only content is a cluster engine that keeps one node's leases in memory. */
    private Path enginePlugin(String version) {
        return PluginJar.builder("mem").version(version)
                .source("mem.MemoryEngine", """
                        package mem;
                        import dev.hookline.api.cluster.ClusterEngine;
                        import dev.hookline.api.cluster.ClusterNode;
                        import java.time.Duration;
                        import java.util.Map;
                        import java.util.Set;
                        import java.util.concurrent.ConcurrentHashMap;
                        import java.util.concurrent.atomic.AtomicLong;
                        public class MemoryEngine implements ClusterEngine {
                            private final Map<String, Long> leases = new ConcurrentHashMap<>();
                            private final AtomicLong tokens = new AtomicLong();
                            private volatile String self;
                            @Override public void start(ClusterNode node) { self = node.id(); }
                            @Override public long claim(String document, Duration ttl) {
                                long token = tokens.incrementAndGet();
                                return leases.putIfAbsent(document, token) == null ? token : 0;
                            }
                            @Override public String holder(String document) { return leases.containsKey(document) ? self : null; }
                            @Override public Set<String> renew(Map<String, Long> held, Duration ttl) { return Set.of(); }
                            @Override public void release(String document, long token) { leases.remove(document, token); }
                            @Override public Set<String> heartbeat(Duration ttl) { return Set.of(self); }
                            @Override public void send(String node, byte[] message) { }
                            @Override public void close() { }
                        }
                        """)
                .resource("META-INF/services/dev.hookline.api.cluster.ClusterEngine", "mem.MemoryEngine\n")
                .writeTo(build.resolve(version));
    }
}
