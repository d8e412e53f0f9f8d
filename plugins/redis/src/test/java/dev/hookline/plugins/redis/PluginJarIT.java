package dev.hookline.plugins.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hookline.api.cluster.ClusterEngine;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginManager;
import org.pf4j.PluginWrapper;

/** The packaged plugin jar (shaded Lettuce, Netty, Reactor) in a PF4J plugin class loader, as the server loads it. */
@Timeout(60)
class PluginJarIT {

    private static final String SERVICES = "META-INF/services/" + ClusterEngine.class.getName();

    @TempDir
    Path dir;

    static Path pluginJar() {
        String jar = System.getProperty("hookline.redis.pluginJar");
        assertThat(jar).as("system property hookline.redis.pluginJar (set by failsafe)").isNotNull();
        assertThat(Path.of(jar)).exists();
        return Path.of(jar);
    }

    @Test
    void theJarListsItsEngineAndRunsItFromItsOwnClasses() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(pluginJar(), plugins.resolve("hookline-plugin-redis.jar"));
        PluginManager manager = new DefaultPluginManager(plugins);
        manager.loadPlugins();
        PluginWrapper plugin = manager.getPlugin("redis");
        assertThat(plugin).as("plugin 'redis' loaded from its manifest").isNotNull();
        PluginClassLoader loader = (PluginClassLoader) plugin.getPluginClassLoader();

        List<String> engines = servicesOf(loader);
        assertThat(engines).containsExactly(RedisClusterEngine.class.getName());
        Class<?> engineClass = loader.loadClass(engines.get(0));
        assertThat(engineClass.getClassLoader()).as("the engine comes from the jar").isSameAs(loader);
        for (String shaded : List.of("io.lettuce.core.RedisClient", "io.netty.channel.nio.NioIoHandler",
                "io.netty.resolver.dns.DnsAddressResolverGroup", "reactor.core.publisher.Mono",
                "org.reactivestreams.Publisher")) {
            assertThat(loader.loadClass(shaded).getClassLoader()).as(shaded + " from the jar").isSameAs(loader);
        }
        assertThat(loader.loadClass(ClusterEngine.class.getName())).as("the API from the host").isSameAs(ClusterEngine.class);

        String prefix = "hookline-test:" + UUID.randomUUID() + ":";
        TestNode node = new TestNode("jar", "{\"prefix\":\"" + prefix + "\"}");
        ClusterEngine engine = (ClusterEngine) engineClass.getConstructor().newInstance();
        try {
            engine.start(node);
            assertThat(engine.claim("doc", Duration.ofSeconds(10))).isPositive();
            assertThat(engine.heartbeat(Duration.ofSeconds(10))).containsExactly("jar");
            engine.send("jar", new byte[] {4, 2});
            await().atMost(Duration.ofSeconds(10)).until(() -> node.received.size() == 1);
            assertThat(node.received.get(0).message()).containsExactly(4, 2);
        } finally {
            engine.close();
            manager.unloadPlugins();
            deleteKeys(prefix);
        }
    }

    private static List<String> servicesOf(PluginClassLoader loader) throws Exception {
        List<String> names = new ArrayList<>();
        for (URL file : Collections.list(loader.findResources(SERVICES))) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(file.openStream(), StandardCharsets.UTF_8))) {
                reader.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(names::add);
            }
        }
        return names;
    }

    private static void deleteKeys(String prefix) {
        RedisClient client = RedisClient.create(RedisClusterEngineTest.REDIS);
        try (StatefulRedisConnection<String, String> redis = client.connect()) {
            List<String> keys = redis.sync().keys(prefix + "*");
            if (!keys.isEmpty()) {
                redis.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
