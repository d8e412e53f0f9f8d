package dev.hookline.server.cluster;

import dev.hookline.api.PluginContext;
import dev.hookline.api.cluster.ClusterEngine;
import dev.hookline.api.cluster.ClusterNode;
import dev.hookline.server.config.ClusterConfig;
import dev.hookline.server.documents.DocumentRegistry;
import dev.hookline.server.flow.SerialLane;
import dev.hookline.server.session.DocumentLinks;
import dev.hookline.server.session.ServerApiImpl;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in a cluster: it owns documents under leases ({@link Leases}), serves other
 * nodes' clients in them ({@link RelayHost}), reaches the documents other nodes own for its own
 * clients ({@link RelayClient}), and watches who is alive. The shared services come from the
 * cluster engine plugin. See {@code docs/scaling.md}.
 *
 * <p>One platform thread ({@code hookline-cluster}) ticks every third of the lease time: a
 * heartbeat that also reads who is alive, the lease renewals, and the relay's timeouts. A node
 * seen gone has its clients' memberships dropped here, and this node's sessions on its documents
 * re-attach wherever the documents are now.
 */
public final class ClusterService implements ClusterNode, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterService.class);

    /** The incarnation and last sequence number seen from one sending node. */
    private static final class Sender {
        long incarnation;
        long sequence;
    }

    private final String nodeId;
    private final long incarnation = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    private final ClusterConfig config;
    private final ClusterEngine engine;
    private final String engineId;
    private final PluginContext plugin;
    private final Executor executor;
    private final RelayCounters counters = new RelayCounters();
    private final ConcurrentMap<String, Outbox> outboxes = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, SerialLane> inboxes = new ConcurrentHashMap<>();
    private final Map<String, Sender> senders = new ConcurrentHashMap<>();
    private final Leases leases;
    private final DocumentRegistry documents;
    private final RelayHost host;
    private final RelayClient client;
    private volatile Set<String> nodes = Set.of();
    private volatile boolean started;
    private volatile boolean connected;
    private volatile boolean closed;
    /** Until when ({@link System#nanoTime}) no node is declared gone: just after the cluster service came back. */
    private volatile long graceUntil = System.nanoTime();
    private Thread ticker;

    /**
     * @param engineId the id of the plugin that provides the engine
     */
    public ClusterService(ClusterConfig config, ClusterEngine engine, String engineId, PluginContext plugin,
                          DocumentRegistry documents, DocumentLinks links, ServerApiImpl api, Executor executor) {
        this.nodeId = config.nodeIdOrRandom();
        this.config = config;
        this.engine = engine;
        this.engineId = engineId;
        this.plugin = plugin;
        this.executor = executor;
        this.documents = documents;
        this.leases = new Leases(nodeId, engine, config.leaseTtl(), executor, counters);
        this.host = new RelayHost(documents, api, this::outbox, executor);
        this.client = new RelayClient(this::outbox, this::holderOf, this::isAlive, config.relayTimeout(), counters);
        leases.onLost(documents::evict);
        documents.ownership(leases);
        links.relay(client);
        api.remote(client);
    }

    /** Joins the cluster: starts the engine (or keeps trying in the background) and the ticker. */
    public void start() {
        tryStart();
        ticker = Thread.ofPlatform().daemon().name("hookline-cluster").start(this::tick);
        log.info("Cluster node '{}' via plugin '{}': leases of {} ms, {} node(s) seen: {}", nodeId, engineId,
                config.leaseTtl().toMillis(), nodes.size(), nodes);
    }

    private void tryStart() {
        if (started) {
            return;
        }
        try {
            engine.start(this);
            started = true;
            heartbeat();
        } catch (Exception e) {
            connected = false;
            log.warn("The cluster engine '{}' could not start: {}; retrying", engineId, e.toString());
        }
    }

    private void tick() {
        long period = Math.max(50, config.leaseTtl().toMillis() / 3);
        while (!closed) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            try {
                if (!started) {
                    tryStart();
                } else {
                    heartbeat();
                }
                leases.renewAll();
                client.expire();
            } catch (RuntimeException e) {
                log.error("Cluster tick failed", e);
            }
        }
    }

    private void heartbeat() {
        Set<String> now;
        try {
            now = Set.copyOf(engine.heartbeat(config.leaseTtl()));
            if (!connected) {
                // Back after an outage: the others have not all announced themselves again yet
                // (a restarted Redis starts empty). Nobody is declared gone for one lease time.
                graceUntil = System.nanoTime() + config.leaseTtl().toNanos();
            }
            connected = true;
        } catch (Exception e) {
            if (connected) {
                log.warn("The cluster service cannot be reached: {}", e.toString());
            }
            connected = false;
            return;
        }
        Set<String> before = nodes;
        if (System.nanoTime() - graceUntil < 0) {
            java.util.Set<String> union = new java.util.HashSet<>(now);
            union.addAll(before);
            now = Set.copyOf(union);
        }
        nodes = now;
        for (String node : before) {
            if (!now.contains(node)) {
                log.warn("Node '{}' is gone (no heartbeat for {} ms)", node, config.leaseTtl().toMillis());
                nodeGone(node, "node " + node + " is gone");
            }
        }
        for (String node : now) {
            if (!before.contains(node) && !node.equals(nodeId)) {
                log.info("Node '{}' joined the cluster", node);
            }
        }
    }

    private void nodeGone(String node, String why) {
        client.ownerLost(node, why);
        // Told anyway: a node only seen gone (its heartbeats were late) would otherwise keep
        // sessions it believes attached here. A node really gone loses the message, harmlessly.
        host.dropNode(node);
        senders.remove(node);
    }

    /** @return the node holding the document's lease now; null when none does or it cannot be known now */
    private String holderOf(String document) {
        try {
            return engine.holder(document);
        } catch (Exception e) {
            return null;
        }
    }

    private boolean isAlive(String node) {
        return nodes.contains(node);
    }

    private Outbox outbox(String node) {
        return outboxes.computeIfAbsent(node, n -> new Outbox(n, incarnation, engine, executor, counters));
    }

    // ---- ClusterNode: what the engine calls ---------------------------------------------------------

    @Override
    public String id() {
        return nodeId;
    }

    @Override
    public PluginContext plugin() {
        return plugin;
    }

    @Override
    public void receive(String from, byte[] message) {
        inboxes.computeIfAbsent(from, n -> new SerialLane("relay inbox " + n, executor))
                .submit(() -> handle(from, message));
    }

    @Override
    public void reconnected() {
        log.warn("The cluster engine reconnected: messages may have been lost; sessions on other nodes' documents "
                + "re-attach, and other nodes' clients join this node's documents again");
        for (String node : Set.copyOf(outboxes.keySet())) {
            client.ownerLost(node, "messages may have been lost while the cluster service was unreachable");
            host.dropNode(node);
            senders.remove(node);
        }
    }

    private void handle(String from, byte[] bytes) {
        Wire.Message message;
        try {
            message = Wire.decode(bytes);
        } catch (RuntimeException e) {
            log.warn("Dropped a relay message from node {} that could not be read: {}", from, e.getMessage());
            return;
        }
        counters.received(message.items().size());
        checkSequence(from, message);
        for (Wire.Item item : message.items()) {
            try {
                switch (item) {
                    case Wire.Deliver d -> client.handle(from, d);
                    case Wire.Reply r -> client.handle(from, r);
                    case Wire.Moved m -> client.handle(from, m);
                    default -> host.handle(from, item);
                }
            } catch (RuntimeException e) {
                log.error("Handling a relay item from node {} failed", from, e);
            }
        }
    }

    /**
     * Messages from one node carry consecutive numbers: a gap means some were lost (the engine's
     * connection broke), a new incarnation that the node restarted. Either way what was in flight
     * is unknown: both sides start over for that node.
     */
    private void checkSequence(String from, Wire.Message message) {
        Sender sender = senders.computeIfAbsent(from, n -> new Sender());
        if (sender.incarnation != message.incarnation()) {
            if (sender.incarnation != 0) {
                log.info("Node '{}' restarted", from);
                client.ownerLost(from, "node " + from + " restarted");
                host.dropNode(from);
            }
            sender.incarnation = message.incarnation();
        } else if (message.sequence() != sender.sequence + 1) {
            counters.gaps.increment();
            log.warn("Lost {} relay message(s) from node '{}'", message.sequence() - sender.sequence - 1, from);
            client.ownerLost(from, "messages from node " + from + " were lost");
            host.dropNode(from);
        }
        sender.sequence = message.sequence();
    }

    // ---- status ------------------------------------------------------------------------------------

    /** @return this node's id */
    public String nodeId() {
        return nodeId;
    }

    /** @return the live nodes seen at the last heartbeat, this one included */
    public Set<String> nodes() {
        return new TreeSet<>(nodes);
    }

    /** @return whether the last call to the cluster service worked */
    public boolean connected() {
        return connected;
    }

    /** @return how many documents this node owns */
    public int documentsOwned() {
        return leases.size();
    }

    /** @return what {@code /health} and {@code /admin/cluster} show */
    public Map<String, Object> status(boolean detailed) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("node", nodeId);
        status.put("engine", engineId);
        status.put("connected", connected);
        status.put("nodes", nodes());
        status.put("documentsOwned", leases.size());
        if (detailed) {
            status.put("documents", new TreeSet<>(leases.tokens().keySet()));
            status.put("remoteMembers", host.size());
            status.put("remoteSessions", client.size());
            Map<String, Object> relay = new LinkedHashMap<>();
            relay.put("messagesSent", counters.messagesSent.sum());
            relay.put("itemsSent", counters.itemsSent.sum());
            relay.put("bytesSent", counters.bytesSent.sum());
            relay.put("sendFailures", counters.sendFailures.sum());
            relay.put("messagesReceived", counters.messagesReceived.sum());
            relay.put("itemsReceived", counters.itemsReceived.sum());
            relay.put("gaps", counters.gaps.sum());
            relay.put("requestsFailed", counters.requestsFailed.sum());
            status.put("relay", relay);
            Map<String, Object> leaseStats = new LinkedHashMap<>();
            leaseStats.put("claims", counters.claims.sum());
            leaseStats.put("renewals", counters.leaseRenewals.sum());
            leaseStats.put("renewalFailures", counters.leaseRenewalFailures.sum());
            leaseStats.put("lost", counters.leasesLost.sum());
            status.put("leases", leaseStats);
        }
        return status;
    }

    /** Registers the cluster's meters. */
    public void bindMeters(io.micrometer.core.instrument.MeterRegistry registry) {
        ClusterMeters.bind(registry, this, counters);
    }

    /**
     * At shutdown, once every document was stored: the documents this node still owns (kept in
     * memory by other nodes' clients) leave it, their members are told to join them elsewhere,
     * and their leases are released, so another node takes them over at once.
     */
    public void leave() {
        int handedOver = leases.releaseAll(documents::evict);
        if (handedOver > 0) {
            log.info("Handed over {} document(s) still open on other nodes", handedOver);
        }
    }

    /** Leaves the cluster: stops the ticker and the engine. Documents were stored and released before. */
    @Override
    public void close() {
        closed = true;
        if (ticker != null) {
            ticker.interrupt();
        }
        try {
            engine.close();
        } catch (RuntimeException e) {
            log.warn("Closing the cluster engine failed: {}", e.toString());
        }
    }
}
