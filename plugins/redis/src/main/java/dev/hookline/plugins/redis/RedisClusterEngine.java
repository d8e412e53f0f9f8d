package dev.hookline.plugins.redis;

import dev.hookline.api.cluster.ClusterEngine;
import dev.hookline.api.cluster.ClusterNode;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The cluster engine over one Redis server (standalone or behind Sentinel; not Redis Cluster, whose
 * hash slots would split a lease from its fence counter). Leases, the fence counters and the
 * live-node set are plain keys changed by Lua scripts ({@link Scripts}); messages are pub/sub, a
 * channel per node. Two connections: one for commands (shared by all threads, as Lettuce
 * multiplexes), one subscribed to this node's channel.
 *
 * <p>Failures: every command fails after {@code timeout}, and at once while the connection is
 * down (commands are rejected rather than queued), with Lettuce's runtime exception. Lettuce
 * reconnects by itself, retrying every 50 ms up to every 2 s; when the subscribed connection is
 * back and subscribed again, the node is told ({@link ClusterNode#reconnected()}).
 */
public final class RedisClusterEngine implements ClusterEngine {

    /** Keys and channels as UTF-8 strings; values and messages as bytes, untouched. */
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /** Leases renewed per script call, so that one call never keeps Redis busy for long. */
    static final int RENEW_BATCH = 500;

    private volatile Connected connected;

    @Override
    public synchronized void start(ClusterNode node) throws Exception {
        if (connected != null) {
            throw new IllegalStateException("the redis cluster engine is started already");
        }
        RedisSettings settings = node.plugin().settings(RedisSettings.class);
        // Lettuce looks optional classes up through the context class loader, and Netty's threads
        // (started from here) inherit it: make it the plugin's, so neither sees the server's classes.
        Thread thread = Thread.currentThread();
        ClassLoader callers = thread.getContextClassLoader();
        thread.setContextClassLoader(RedisClusterEngine.class.getClassLoader());
        try {
            connected = Connected.open(node, settings);
        } finally {
            thread.setContextClassLoader(callers);
        }
        node.plugin().logger().info("Joined the cluster over Redis at {} as node '{}' (key prefix '{}', timeout {})",
                connected.where(), node.id(), settings.prefix(), settings.timeout());
    }

    @Override
    public long claim(String document, Duration ttl) {
        Connected c = connected();
        Long token = c.commands.eval(Scripts.CLAIM, ScriptOutputType.INTEGER,
                new String[] {c.keys.lease(document), c.keys.fence(document)}, bytes(c.node.id()), bytes(millis(ttl)));
        return token;
    }

    @Override
    public String holder(String document) {
        Connected c = connected();
        byte[] value = c.commands.get(c.keys.lease(document));
        if (value == null) {
            return null;
        }
        String lease = new String(value, StandardCharsets.UTF_8);
        int colon = lease.lastIndexOf(':'); // node ids may hold ':'; tokens never do
        return colon < 0 ? lease : lease.substring(0, colon);
    }

    @Override
    public Set<String> renew(Map<String, Long> leases, Duration ttl) {
        Connected c = connected();
        if (leases.isEmpty()) {
            return Set.of();
        }
        byte[] ttlMillis = bytes(millis(ttl));
        List<Map.Entry<String, Long>> entries = new ArrayList<>(leases.entrySet());
        Set<String> lost = new HashSet<>();
        for (int from = 0; from < entries.size(); from += RENEW_BATCH) {
            List<Map.Entry<String, Long>> batch = entries.subList(from, Math.min(entries.size(), from + RENEW_BATCH));
            String[] keys = new String[batch.size()];
            byte[][] values = new byte[batch.size() + 1][];
            values[0] = ttlMillis;
            for (int i = 0; i < batch.size(); i++) {
                keys[i] = c.keys.lease(batch.get(i).getKey());
                values[i + 1] = c.leaseValue(batch.get(i).getValue());
            }
            List<Long> positions = c.commands.eval(Scripts.RENEW, ScriptOutputType.MULTI, keys, values);
            for (Long position : positions) {
                lost.add(batch.get(position.intValue() - 1).getKey());
            }
        }
        return lost;
    }

    @Override
    public void release(String document, long token) {
        Connected c = connected();
        c.commands.eval(Scripts.RELEASE, ScriptOutputType.INTEGER, new String[] {c.keys.lease(document)}, c.leaseValue(token));
    }

    @Override
    public Set<String> heartbeat(Duration ttl) {
        Connected c = connected();
        List<byte[]> alive = c.commands.eval(Scripts.HEARTBEAT, ScriptOutputType.MULTI, new String[] {c.keys.nodes()},
                bytes(c.node.id()), bytes(millis(ttl)));
        Set<String> nodes = new HashSet<>();
        for (byte[] id : alive) {
            nodes.add(new String(id, StandardCharsets.UTF_8));
        }
        return nodes;
    }

    @Override
    public void send(String node, byte[] message) {
        Connected c = connected();
        // One PUBLISH; 0 receivers means the destination is gone, and the message with it (as the contract allows).
        c.commands.publish(c.keys.channel(node), Envelope.wrap(c.header, message));
    }

    @Override
    public synchronized void close() {
        Connected c = connected;
        connected = null;
        if (c != null) {
            c.close();
        }
    }

    private Connected connected() {
        Connected c = connected;
        if (c == null) {
            throw new IllegalStateException("the redis cluster engine is not started");
        }
        return c;
    }

    private static long millis(Duration ttl) {
        long millis = ttl.toMillis();
        if (millis < 1) {
            throw new IllegalArgumentException("a ttl must be at least 1ms, not " + ttl);
        }
        return millis;
    }

    private static byte[] bytes(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }

    /** What a started engine holds; closed as a whole. */
    private static final class Connected {

        final ClusterNode node;
        final Keys keys;
        final byte[] header;
        final ClientResources resources;
        final String where;
        final RedisClient client;
        StatefulRedisConnection<String, byte[]> connection;
        RedisCommands<String, byte[]> commands;
        StatefulRedisPubSubConnection<String, byte[]> subscription;
        volatile boolean closing;

        private Connected(ClusterNode node, RedisSettings settings, RedisURI uri) {
            this.node = node;
            this.keys = new Keys(settings.prefix());
            this.header = Envelope.header(node.id());
            this.where = uri.toString();
            Duration timeout = settings.commandTimeout();
            this.resources = DefaultClientResources.builder()
                    .ioThreadPoolSize(2)
                    .computationThreadPoolSize(1)
                    .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                    // Lettuce's default backs off to 30 s; a restarted Redis should be used again within ~2 s.
                    .reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                    .build();
            uri.setTimeout(timeout); // what the synchronous API waits at most
            this.client = RedisClient.create(resources, uri);
            client.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    // Fail fast while disconnected instead of queueing commands until the reconnect.
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(timeout))
                    .socketOptions(SocketOptions.builder()
                            .connectTimeout(timeout)
                            // A subscribed connection only reads: keepalive notices a peer gone silently.
                            .keepAlive(SocketOptions.KeepAliveOptions.builder().enable()
                                    .idle(Duration.ofSeconds(5)).interval(Duration.ofSeconds(1)).count(3).build())
                            .build())
                    .build());
        }

        static Connected open(ClusterNode node, RedisSettings settings) {
            RedisURI uri;
            try {
                uri = RedisURI.create(settings.uri());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("redis setting 'uri' is not a Redis URI (" + e.getMessage() + "): "
                        + settings.uri(), e);
            }
            Connected c = new Connected(node, settings, uri);
            c.client.addListener(new RedisConnectionStateListener() {
                @Override
                public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                    if (!c.closing) {
                        node.plugin().logger().warn("Lost a connection to Redis at {}; reconnecting (calls fail until then)",
                                c.where);
                    }
                }
            });
            try {
                c.connection = c.client.connect(CODEC);
                c.commands = c.connection.sync();
                c.subscription = c.client.connectPubSub(CODEC);
                c.subscription.addListener(new Inbox(node));
                c.subscription.sync().subscribe(c.keys.channel(node.id()));
                return c;
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
        }

        /** @return where Redis is, for the log (RedisURI's text masks the password) */
        String where() {
            return where;
        }

        byte[] leaseValue(long token) {
            return bytes(node.id() + ":" + token);
        }

        void close() {
            closing = true;
            try {
                if (subscription != null) {
                    subscription.close();
                }
                if (connection != null) {
                    connection.close();
                }
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
            }
        }
    }
}
