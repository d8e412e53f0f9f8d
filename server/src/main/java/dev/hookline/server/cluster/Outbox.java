package dev.hookline.server.cluster;

import dev.hookline.api.cluster.ClusterEngine;
import dev.hookline.server.flow.SerialLane;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node sends one other node, in order. Items are queued without waiting; one drain at a
 * time takes everything queued so far and sends it as one message. Under load the queue grows
 * while a message is on its way, so the next message carries many items: a change fanned out to
 * a hundred subscribers of one node is one message, and so are many changes in a burst.
 */
final class Outbox {

    private static final Logger log = LoggerFactory.getLogger(Outbox.class);

    /** Items per message at most: a message stays far below Redis's limits and a receiver's patience. */
    private static final int MAX_ITEMS = 2_000;

    private final String node;
    private final long incarnation;
    private final ClusterEngine engine;
    private final Executor executor;
    private final RelayCounters counters;
    private final ConcurrentLinkedQueue<Wire.Item> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    /** The sequence number of the last message sent; drain only (one at a time). */
    private long sequence;
    /** Messages lost since the last one that went out; drain only. One warning per outage, not one per message. */
    private long lostInARow;

    Outbox(String node, long incarnation, ClusterEngine engine, Executor executor, RelayCounters counters) {
        this.node = node;
        this.incarnation = incarnation;
        this.engine = engine;
        this.executor = executor;
        this.counters = counters;
    }

    /** Queues an item; it leaves with the next message. Any thread, never blocks. */
    void add(Wire.Item item) {
        queue.add(item);
        if (draining.compareAndSet(false, true)) {
            startDrain();
        }
    }

    /**
     * As {@link #add}, but called on a document's lane while it fans a frame out: the message
     * leaves once the lane's task has ended, so a change sent to many members on one node is
     * queued whole before the drain starts, and goes as one message. Never for an item the lane's
     * task then waits an answer for: it would not leave before the wait ends.
     */
    void addFromLane(Wire.Item item) {
        queue.add(item);
        if (draining.compareAndSet(false, true) && !SerialLane.afterCurrentTask(this::startDrain)) {
            startDrain();
        }
    }

    private void startDrain() {
        executor.execute(this::drain);
    }

    private void drain() {
        while (true) {
            List<Wire.Item> items = new ArrayList<>();
            for (Wire.Item item = queue.poll(); item != null; item = queue.poll()) {
                items.add(item);
                if (items.size() >= MAX_ITEMS) {
                    break;
                }
            }
            if (!items.isEmpty()) {
                send(items);
                continue;
            }
            draining.set(false);
            // An item queued after the last poll but before the flag dropped would wait for the
            // next add: look once more, and take the drain back if something is there.
            if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private void send(List<Wire.Item> items) {
        byte[] message = Wire.encode(incarnation, ++sequence, items);
        try {
            engine.send(node, message);
            counters.sent(items.size(), message.length);
            if (lostInARow > 0) {
                log.info("Relay messages to node {} go out again ({} lost before)", node, lostInARow);
                lostInARow = 0;
            }
        } catch (Exception e) {
            // Lost: the receiver sees the gap in sequence numbers, and what waited on these items
            // is answered by the timeout or when the node is seen gone.
            counters.sendFailed();
            if (lostInARow++ == 0) {
                log.warn("Relay messages to node {} cannot be sent ({} item(s) lost): {}", node, items.size(), e.toString());
            }
        }
    }
}
