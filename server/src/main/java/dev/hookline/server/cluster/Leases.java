package dev.hookline.server.cluster;

import dev.hookline.api.Reject;
import dev.hookline.api.cluster.ClusterEngine;
import dev.hookline.server.documents.DocumentElsewhere;
import dev.hookline.server.documents.Ownership;
import dev.hookline.server.protocol.Codes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The documents this node owns, each under a lease in the cluster engine with its fencing token.
 *
 * <p>A lease is trusted only until its local deadline: the time the last successful claim or
 * renewal <em>started</em>, plus the lease's time to live, minus a tenth for clock drift. The
 * engine's copy expires no earlier than that, so while {@link #holds} says yes no other node can
 * have taken the document. A node that was paused or cut off finds its deadline passed when it
 * wakes: it acknowledges nothing more, and drops the document; the storage refuses its late
 * writes by their older fencing token.
 */
final class Leases implements Ownership {

    private static final Logger log = LoggerFactory.getLogger(Leases.class);

    /** One lease held: its token and the local time ({@link System#nanoTime}) until which it is trusted. */
    private record Lease(long token, long trustedUntil) {
    }

    private final String nodeId;
    private final ClusterEngine engine;
    private final Duration ttl;
    private final long trustNanos;
    private final Executor executor;
    private final RelayCounters counters;
    private final ConcurrentMap<String, Lease> held = new ConcurrentHashMap<>();
    private volatile Consumer<String> lost = document -> { };

    Leases(String nodeId, ClusterEngine engine, Duration ttl, Executor executor, RelayCounters counters) {
        this.nodeId = nodeId;
        this.engine = engine;
        this.ttl = ttl;
        this.trustNanos = ttl.toNanos() - ttl.toNanos() / 10;
        this.executor = executor;
        this.counters = counters;
    }

    /** What to do with a document whose lease this node lost: drop it from memory. */
    void onLost(Consumer<String> lost) {
        this.lost = lost;
    }

    @Override
    public long claim(String document) {
        for (int attempt = 0; attempt < 3; attempt++) {
            long started = System.nanoTime();
            long token;
            String holder;
            try {
                token = engine.claim(document, ttl);
                if (token > 0) {
                    counters.claims.increment();
                    held.put(document, new Lease(token, started + trustNanos));
                    return token;
                }
                holder = engine.holder(document);
            } catch (Exception e) {
                throw new Reject(Codes.UNAVAILABLE, "document " + document + " cannot be opened now: the cluster "
                        + "service cannot be reached (" + e.getMessage() + ")");
            }
            if (holder == null) {
                continue; // expired or released between the two calls: claim again
            }
            if (holder.equals(nodeId)) {
                // A lease of this node's previous run (restarted faster than its leases expire).
                throw new Reject(Codes.UNAVAILABLE, "document " + document + " is still leased to this node's "
                        + "previous run; it can be opened within " + ttl.toMillis() + " ms");
            }
            throw new DocumentElsewhere(document, holder);
        }
        throw new Reject(Codes.UNAVAILABLE, "document " + document + " changes owner too often to be opened now");
    }

    @Override
    public boolean holds(String document, long fence) {
        Lease lease = held.get(document);
        return lease != null && lease.token() == fence && System.nanoTime() - lease.trustedUntil() < 0;
    }

    @Override
    public void released(String document, long fence) {
        Lease lease = held.get(document);
        if (lease == null || lease.token() != fence || !held.remove(document, lease)) {
            return;
        }
        executor.execute(() -> {
            try {
                engine.release(document, fence);
            } catch (Exception e) {
                log.debug("Releasing the lease of '{}' failed (it expires by itself): {}", document, e.toString());
            }
        });
    }

    /**
     * Gives every lease up at once (shutdown, after the documents were stored): another node
     * takes them at the next open instead of waiting for them to expire.
     *
     * @param dropping called for each document before its lease is given up
     * @return how many were given up
     */
    int releaseAll(Consumer<String> dropping) {
        int released = 0;
        for (Map.Entry<String, Lease> entry : List.copyOf(held.entrySet())) {
            if (!held.remove(entry.getKey(), entry.getValue())) {
                continue;
            }
            dropping.accept(entry.getKey());
            released++;
            try {
                engine.release(entry.getKey(), entry.getValue().token());
            } catch (Exception e) {
                log.debug("Releasing the lease of '{}' failed (it expires by itself): {}", entry.getKey(), e.toString());
            }
        }
        return released;
    }

    /** @return how many documents this node owns now */
    int size() {
        return held.size();
    }

    /** @return the documents this node owns now, with their fencing tokens */
    Map<String, Long> tokens() {
        Map<String, Long> tokens = new HashMap<>();
        held.forEach((document, lease) -> tokens.put(document, lease.token()));
        return tokens;
    }

    /**
     * Renews every lease held (one call to the engine). Leases the engine no longer has for this
     * node, and leases whose local deadline passed while the engine could not be reached, are
     * lost: their documents are dropped.
     */
    void renewAll() {
        Map<String, Long> tokens = tokens();
        if (tokens.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        Set<String> notRenewed;
        try {
            notRenewed = engine.renew(tokens, ttl);
            counters.leaseRenewals.add(tokens.size() - notRenewed.size());
        } catch (Exception e) {
            counters.leaseRenewalFailures.increment();
            log.warn("Renewing {} lease(s) failed: {}", tokens.size(), e.toString());
            expireOverdue();
            return;
        }
        tokens.forEach((document, token) -> {
            if (notRenewed.contains(document)) {
                lose(document, token, "the cluster engine no longer has it for this node");
            } else {
                held.computeIfPresent(document, (d, lease) -> lease.token() == token
                        ? new Lease(token, started + trustNanos) : lease);
            }
        });
    }

    /** Drops the documents whose lease could not be renewed in time. */
    private void expireOverdue() {
        long now = System.nanoTime();
        for (Map.Entry<String, Lease> entry : List.copyOf(held.entrySet())) {
            if (now - entry.getValue().trustedUntil() >= 0) {
                lose(entry.getKey(), entry.getValue().token(), "it could not be renewed in time");
            }
        }
    }

    private void lose(String document, long token, String why) {
        Lease lease = held.get(document);
        if (lease != null && lease.token() == token && held.remove(document, lease)) {
            counters.leasesLost.increment();
            log.warn("Lost the lease of document '{}' (fence {}): {}", document, token, why);
            lost.accept(document);
        }
    }
}
