package dev.hookline.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;
import dev.hookline.api.Reject;
import dev.hookline.server.documents.DocumentElsewhere;
import dev.hookline.server.protocol.Codes;
import dev.hookline.server.protocol.Json;
import dev.hookline.server.protocol.Outbound;
import dev.hookline.server.session.DocumentLink;
import dev.hookline.server.session.DocumentSession;
import dev.hookline.server.session.Relay;
import dev.hookline.server.session.RemoteServerApi;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's side of the relay: this node's sessions on documents other nodes own. Each session
 * gets a {@link RemoteLink} with a number of its own; its requests go to the owner's outbox, and
 * what the owner sends for the link comes back to the session's connection.
 *
 * <p>Every request that waits for an answer is remembered until it has one. When the owner is
 * seen gone, messages were lost, or the answer takes longer than {@code cluster.relayTimeout},
 * the client gets an error for it (never silence), and the session joins its document again
 * wherever it is now (its subscriptions resume from the version it had seen).
 */
final class RelayClient implements Relay, RemoteServerApi {

    private static final Logger log = LoggerFactory.getLogger(RelayClient.class);

    /** A request waiting for its answer: what to tell the client if none comes. */
    private record Pending(long link, String owner, long deadline, CompletableFuture<Wire.Reply> reply,
                           DocumentSession client, Long requestId) {
    }

    private final Function<String, Outbox> outboxes;
    private final Function<String, String> holderOf;
    private final Predicate<String> alive;
    private final Duration timeout;
    private final RelayCounters counters;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentMap<Long, RemoteLink> links = new ConcurrentHashMap<>();
    private final ConcurrentMap<Long, Pending> pending = new ConcurrentHashMap<>();

    /**
     * @param holderOf the node holding a document's lease now, or null (none, or unknown)
     */
    RelayClient(Function<String, Outbox> outboxes, Function<String, String> holderOf, Predicate<String> alive,
                Duration timeout, RelayCounters counters) {
        this.outboxes = outboxes;
        this.holderOf = holderOf;
        this.alive = alive;
        this.timeout = timeout;
        this.counters = counters;
    }

    /** @return how many sessions of this node reach documents on other nodes */
    int size() {
        return links.size();
    }

    @Override
    public Joined join(String owner, DocumentSession session) {
        if (!alive.test(owner)) {
            throw new Reject(Codes.UNAVAILABLE, "document " + session.name() + " is owned by node " + owner
                    + ", which is not answering; its lease expires soon, try again");
        }
        RemoteLink link = new RemoteLink(ids.incrementAndGet(), owner, session);
        links.put(link.id, link);
        long corr = ids.incrementAndGet();
        CompletableFuture<Wire.Reply> answer = await(corr, link, null, null);
        link.outbox.add(new Wire.Join(corr, link.id, session.name(), session.connection().id(),
                attributes(session.connection().attributes()), session.readOnly()));
        Wire.Reply reply;
        try {
            reply = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            pending.remove(corr);
            drop(link);
            throw new Reject(Codes.UNAVAILABLE, "document " + session.name() + " could not be opened on node " + owner
                    + ": " + (e instanceof TimeoutException ? "no answer within " + timeout.toMillis() + " ms"
                    : e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.remove(corr);
            drop(link);
            throw new Reject(Codes.UNAVAILABLE, "interrupted");
        }
        switch (reply.status()) {
            case OK -> {
                return new Joined(link, reply.number());
            }
            case ELSEWHERE -> {
                links.remove(link.id);
                throw new DocumentElsewhere(session.name(), reply.text());
            }
            default -> {
                links.remove(link.id);
                throw new Reject((int) reply.number(), reply.text());
            }
        }
    }

    // ---- the server API on other nodes' documents ------------------------------------------------------

    @Override
    public Optional<JsonNode> get(String owner, String document, String path) {
        Wire.Reply reply = call(owner, document, corr -> new Wire.ServerRead(corr, document, path));
        return reply.number() == 1 ? Optional.of(Json.read(reply.frame())) : Optional.empty();
    }

    @Override
    public long write(String owner, String document, Operation op, String path, JsonNode value) {
        return call(owner, document, corr -> new Wire.ServerWrite(corr, document, op, path, value)).number();
    }

    @Override
    public void broadcastStateless(String document, JsonNode payload) {
        String owner = holderOf.apply(document);
        if (owner != null && alive.test(owner)) {
            outboxes.apply(owner).add(new Wire.ServerBroadcast(document, payload));
        }
    }

    /** Sends a server API call to the owner and waits for its answer (at most the relay timeout). */
    private Wire.Reply call(String owner, String document, java.util.function.LongFunction<Wire.Item> request) {
        if (!alive.test(owner)) {
            throw new Reject(Codes.UNAVAILABLE, "document " + document + " is owned by node " + owner
                    + ", which is not answering; its lease expires soon, try again");
        }
        long corr = ids.incrementAndGet();
        CompletableFuture<Wire.Reply> answer = new CompletableFuture<>();
        pending.put(corr, new Pending(0, owner, System.nanoTime() + timeout.toNanos(), answer, null, null));
        outboxes.apply(owner).add(request.apply(corr));
        Wire.Reply reply;
        try {
            reply = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.remove(corr);
            throw new Reject(Codes.UNAVAILABLE, "no answer from node " + owner + " about document " + document
                    + " within " + timeout.toMillis() + " ms; a write may or may not have been applied");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Reject r ? r : new Reject(Codes.UNAVAILABLE, e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.remove(corr);
            throw new Reject(Codes.UNAVAILABLE, "interrupted");
        }
        return switch (reply.status()) {
            case OK -> reply;
            case ELSEWHERE -> throw new DocumentElsewhere(document, reply.text());
            case REJECTED -> throw new Reject((int) reply.number(), reply.text());
        };
    }

    /** Leaves the link's document on its owner and forgets the link. */
    private void drop(RemoteLink link) {
        if (links.remove(link.id) != null) {
            link.outbox.add(new Wire.Leave(link.id));
        }
    }

    /**
     * Remembers a request until its answer comes.
     *
     * @param client the session to send an error to if none comes (a client's request), or null
     *               (the server waits for the answer itself)
     */
    private CompletableFuture<Wire.Reply> await(long corr, RemoteLink link, DocumentSession client, Long requestId) {
        CompletableFuture<Wire.Reply> reply = new CompletableFuture<>();
        pending.put(corr, new Pending(link.id, link.owner, System.nanoTime() + timeout.toNanos(), reply, client,
                requestId));
        return reply;
    }

    /** Handles what an owner sent (on the receiving lane of that owner, in order). */
    void handle(String owner, Wire.Item item) {
        switch (item) {
            case Wire.Deliver deliver -> {
                RemoteLink link = links.get(deliver.link());
                if (link != null) {
                    link.session.deliver(deliver.version(), deliver.frame());
                }
            }
            case Wire.Reply reply -> {
                Pending waiting = reply.corr() == 0 ? null : pending.remove(reply.corr());
                if (reply.frame() != null) {
                    RemoteLink link = links.get(reply.link());
                    if (link != null) {
                        link.session.deliver(-1, reply.frame());
                    }
                }
                if (waiting != null) {
                    if (reply.frame() == null && waiting.client() != null && reply.status() == Wire.Status.REJECTED) {
                        waiting.client().deliver(-1, Outbound.error(waiting.requestId(), waiting.client().name(),
                                (int) reply.number(), reply.text()));
                    }
                    waiting.reply().complete(reply);
                }
            }
            case Wire.Moved moved -> {
                RemoteLink link = links.get(moved.link());
                if (link != null) {
                    failPending(p -> p.link() == link.id, "its document moved to another node");
                    links.remove(link.id, link);
                    link.session.moved(link);
                }
            }
            default -> log.warn("Node {} sent an item only a client's node sends: {}", owner, item.getClass().getSimpleName());
        }
    }

    /**
     * The owner is gone, or messages between us were lost: every request waiting on it gets an
     * error, and every session on its documents joins again wherever they are now.
     */
    void ownerLost(String owner, String why) {
        failPending(p -> p.owner().equals(owner), why);
        List<RemoteLink> moved = links.values().stream().filter(l -> l.owner.equals(owner)).toList();
        for (RemoteLink link : moved) {
            drop(link);
            link.session.moved(link);
        }
        if (!moved.isEmpty()) {
            log.warn("{} session(s) on documents of node {} re-attach elsewhere: {}", moved.size(), owner, why);
        }
    }

    /** Answers the requests that waited longer than the relay timeout. */
    void expire() {
        long now = System.nanoTime();
        failPending(p -> now - p.deadline() > 0, "no answer from the document's owner within "
                + timeout.toMillis() + " ms (cluster.relayTimeout); it may or may not have been applied");
    }

    private void failPending(Predicate<Pending> which, String why) {
        for (Map.Entry<Long, Pending> entry : List.copyOf(pending.entrySet())) {
            Pending p = entry.getValue();
            if (which.test(p) && pending.remove(entry.getKey(), p)) {
                counters.requestsFailed.increment();
                if (p.client() != null) {
                    // Even when the link is gone already (its document moved): the client gets an answer.
                    p.client().deliver(-1, Outbound.error(p.requestId(), p.client().name(), Codes.UNAVAILABLE,
                            "request " + p.requestId() + " on document " + p.client().name() + " was not answered: "
                                    + why));
                }
                p.reply().completeExceptionally(new Reject(Codes.UNAVAILABLE, why));
            }
        }
    }

    private static JsonNode attributes(Map<String, Object> attributes) {
        try {
            return Json.MAPPER.valueToTree(attributes);
        } catch (IllegalArgumentException e) {
            return Json.object(); // attributes that are no JSON stay on this node
        }
    }

    /** A session of this node on a document another node owns. */
    private final class RemoteLink implements DocumentLink {

        private final long id;
        private final String owner;
        private final DocumentSession session;
        private final Outbox outbox;

        RemoteLink(long id, String owner, DocumentSession session) {
            this.id = id;
            this.owner = owner;
            this.session = session;
            this.outbox = outboxes.apply(owner);
        }

        /** A correlation id for a request the client waits for, remembered until answered; 0 if none waits. */
        private long track(Long requestId) {
            if (requestId == null) {
                return 0;
            }
            long corr = ids.incrementAndGet();
            await(corr, this, session, requestId);
            return corr;
        }

        /**
         * Sends a request of the client's, unless the link was dropped (its document moved, and the
         * session's re-attach is queued behind this request): then it is answered with 4503 at once.
         */
        private void request(Long requestId, java.util.function.LongFunction<Wire.Item> item) {
            if (links.get(id) != this) {
                if (requestId != null) {
                    session.deliver(-1, Outbound.error(requestId, session.name(), Codes.UNAVAILABLE, "document "
                            + session.name() + " is moving to another node of the cluster; try again shortly"));
                }
                return;
            }
            outbox.add(item.apply(track(requestId)));
        }

        @Override
        public void subscribe(long subscription, String path, boolean keys, long since, boolean resumed) {
            if (resumed) {
                outbox.add(new Wire.Subscribe(0, id, subscription, path, keys, since, true));
            } else {
                request(subscription, corr -> new Wire.Subscribe(corr, id, subscription, path, keys, since, false));
            }
        }

        @Override
        public void unsubscribe(long subscription) {
            long corr = ids.incrementAndGet();
            CompletableFuture<Wire.Reply> answer = await(corr, this, null, null);
            outbox.add(new Wire.Unsubscribe(corr, id, subscription));
            try {
                answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                pending.remove(corr); // the subscription ends with the link, wherever it is
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void write(Long requestId, Operation op, String path, JsonNode value, JsonNode meta, Origin origin) {
            request(requestId, corr -> new Wire.Write(corr, id, requestId == null ? -1 : requestId, op, path, value, meta));
        }

        @Override
        public void presence(Long requestId, JsonNode state) {
            request(requestId, corr -> new Wire.Presence(corr, id, requestId == null ? -1 : requestId, state));
        }

        @Override
        public void stateless(Long requestId, byte[] frame) {
            request(requestId, corr -> new Wire.Stateless(corr, id, requestId == null ? -1 : requestId, frame));
        }

        @Override
        public void leave() {
            drop(this);
        }
    }
}
