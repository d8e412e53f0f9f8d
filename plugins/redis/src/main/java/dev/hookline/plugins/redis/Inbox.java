package dev.hookline.plugins.redis;

import dev.hookline.api.cluster.ClusterNode;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hands the messages of this node's channel to the node. Lettuce calls it on the one I/O thread of
 * the subscribed connection, so messages reach the node in the order Redis delivered them, which
 * for each sender is the order it published them.
 *
 * <p>A subscription confirmed after the first one is Lettuce subscribing again on a new connection:
 * whatever was published meanwhile is lost, so the node is told it reconnected. It is told once the
 * channel is subscribed again, so that it can ask again and get the answers.
 */
final class Inbox extends RedisPubSubAdapter<String, byte[]> {

    private final ClusterNode node;
    private final AtomicBoolean subscribedBefore = new AtomicBoolean();

    Inbox(ClusterNode node) {
        this.node = node;
    }

    @Override
    public void message(String channel, byte[] bytes) {
        Envelope.Received received;
        try {
            received = Envelope.unwrap(bytes);
        } catch (IllegalArgumentException e) {
            node.plugin().logger().warn("Dropped a message on {} that no Hookline node sent: {}", channel, e.getMessage());
            return;
        }
        try {
            node.receive(received.from(), received.message());
        } catch (RuntimeException e) {
            // Never let it reach Lettuce's I/O thread, which serves every later message too.
            node.plugin().logger().error("The node failed to take a message from '{}'", received.from(), e);
        }
    }

    @Override
    public void subscribed(String channel, long count) {
        if (!subscribedBefore.compareAndSet(false, true)) {
            node.plugin().logger().info("Subscribed to {} again after a lost connection to Redis", channel);
            try {
                node.reconnected();
            } catch (RuntimeException e) {
                node.plugin().logger().error("The node failed to handle the reconnection", e);
            }
        }
    }
}
