package dev.hookline.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Origin;
import dev.hookline.api.Reject;
import dev.hookline.server.documents.DocumentElsewhere;
import dev.hookline.server.documents.DocumentRegistry;
import dev.hookline.server.documents.LiveDocument;
import dev.hookline.server.flow.SerialLane;
import dev.hookline.server.protocol.Codes;
import dev.hookline.server.protocol.Json;
import dev.hookline.server.session.DocumentOps;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner's side of the relay: the clients of other nodes in the documents this node owns. Each
 * (node, link) is a {@link RemoteMember} of its document, with a lane of its own that handles its
 * requests in order, as a connection's lane does for a local client. The document then treats it
 * as any member: the same hooks, versions, fan-out and answers.
 */
final class RelayHost {

    private static final Logger log = LoggerFactory.getLogger(RelayHost.class);

    private record Key(String node, long link) {
    }

    private final DocumentRegistry documents;
    private final dev.hookline.api.ServerApi api;
    private final Function<String, Outbox> outboxes;
    private final Executor executor;
    private final ConcurrentMap<Key, RemoteMember> members = new ConcurrentHashMap<>();

    RelayHost(DocumentRegistry documents, dev.hookline.api.ServerApi api, Function<String, Outbox> outboxes,
              Executor executor) {
        this.documents = documents;
        this.api = api;
        this.outboxes = outboxes;
        this.executor = executor;
    }

    /** @return how many clients of other nodes are members of documents here */
    int size() {
        return members.size();
    }

    /** Handles one request from {@code node}, on the lane of the link it names. */
    void handle(String node, Wire.Item item) {
        switch (item) {
            case Wire.Join join -> join(node, join);
            case Wire.Subscribe s -> onMember(node, s.link(), s.corr(), m -> {
                DocumentOps.subscribe(m.document, m, s.id(), s.path(), s.keys(), s.since(), s.resumed(),
                        frame -> m.reply(0, frame));
                // After the subscription's frames: the client's node stops waiting for it.
                m.document.lane().submit(() -> m.reply(s.corr(), null));
            });
            case Wire.Unsubscribe u -> onMember(node, u.link(), u.corr(), m -> {
                m.document.lane().call(() -> m.document.unsubscribe(m, u.id()));
                m.reply(u.corr(), null);
            });
            case Wire.Write w -> onMember(node, w.link(), w.corr(), m -> DocumentOps.write(m.document, m,
                    w.requestId() < 0 ? null : w.requestId(), w.op(), w.path(), w.value(), w.meta(),
                    Origin.connection(m.connection.id()), frame -> m.reply(w.corr(), frame)));
            case Wire.Presence p -> onMember(node, p.link(), p.corr(), m -> DocumentOps.presence(m.document, m,
                    p.requestId() < 0 ? null : p.requestId(), p.state(), frame -> m.reply(p.corr(), frame)));
            case Wire.Stateless s -> onMember(node, s.link(), s.corr(), m -> DocumentOps.stateless(m.document, m,
                    s.requestId() < 0 ? null : s.requestId(), s.frame(), frame -> m.reply(s.corr(), frame)));
            case Wire.Leave leave -> {
                RemoteMember member = members.remove(new Key(node, leave.link()));
                if (member != null) {
                    member.lane.submit(member::leave);
                }
            }
            case Wire.ServerRead read -> executor.execute(() -> answer(node, read.corr(), () -> {
                var value = api.get(read.document(), read.path());
                return new Wire.Reply(read.corr(), 0, Wire.Status.OK, value.isPresent() ? 1 : 0, "",
                        value.map(Json::bytes).orElse(null));
            }));
            case Wire.ServerWrite write -> executor.execute(() -> answer(node, write.corr(), () -> {
                long version = switch (write.op()) {
                    case SET -> api.set(write.document(), write.path(), write.value());
                    case MERGE -> api.merge(write.document(), write.path(), write.value());
                    case DELETE -> api.delete(write.document(), write.path());
                };
                return new Wire.Reply(write.corr(), 0, Wire.Status.OK, version, "", null);
            }));
            case Wire.ServerBroadcast broadcast -> executor.execute(() -> {
                try {
                    if (documents.find(broadcast.document()) != null) { // owned elsewhere now: it is not relayed again
                        api.broadcastStateless(broadcast.document(), broadcast.payload());
                    }
                } catch (RuntimeException e) {
                    log.debug("A stateless broadcast from node {} to '{}' failed: {}", node, broadcast.document(),
                            e.toString());
                }
            });
            default -> log.warn("Node {} sent an item only an owner sends: {}", node, item.getClass().getSimpleName());
        }
    }

    /** Runs a server API call for another node on a virtual thread of its own, and sends it the outcome. */
    private void answer(String node, long corr, java.util.function.Supplier<Wire.Reply> call) {
        Wire.Reply reply;
        try {
            reply = call.get();
        } catch (DocumentElsewhere elsewhere) {
            reply = new Wire.Reply(corr, 0, Wire.Status.ELSEWHERE, 0, elsewhere.owner(), null);
        } catch (Reject reject) {
            reply = new Wire.Reply(corr, 0, Wire.Status.REJECTED, reject.code(), reject.reason(), null);
        } catch (RuntimeException e) {
            log.error("A server API call from node {} failed", node, e);
            reply = new Wire.Reply(corr, 0, Wire.Status.REJECTED, Codes.INTERNAL, "internal error", null);
        }
        outboxes.apply(node).add(reply);
    }

    private void onMember(String node, long link, long corr, Consumer<RemoteMember> operation) {
        RemoteMember member = members.get(new Key(node, link));
        if (member == null) {
            // This node does not know the link (it restarted, or dropped the link): the client's
            // node joins again wherever the document is now.
            Outbox outbox = outboxes.apply(node);
            outbox.add(new Wire.Reply(corr, link, Wire.Status.REJECTED, Codes.UNAVAILABLE,
                    "document moved; try again", null));
            outbox.add(new Wire.Moved(link));
            return;
        }
        member.lane.submit(() -> {
            if (member.document == null) {
                return; // its join failed: the client's node has the answer
            }
            operation.accept(member);
        });
    }

    private void join(String node, Wire.Join join) {
        RemoteMember member = new RemoteMember(node, join, outboxes.apply(node),
                new SerialLane("relay " + node + "/" + join.link(), executor));
        RemoteMember previous = members.put(new Key(node, join.link()), member);
        if (previous != null) {
            previous.lane.submit(previous::leave);
        }
        member.lane.submit(() -> member.join(join.corr()));
    }

    /**
     * Every member from {@code node} leaves its document, and the node is told so: it is gone,
     * restarted, or lost messages to or from this one. If it is alive its sessions join again.
     */
    void dropNode(String node) {
        List<Map.Entry<Key, RemoteMember>> gone = members.entrySet().stream()
                .filter(e -> e.getKey().node().equals(node)).toList();
        for (Map.Entry<Key, RemoteMember> entry : gone) {
            if (members.remove(entry.getKey(), entry.getValue())) {
                RemoteMember member = entry.getValue();
                member.lane.submit(member::leave);
                member.outbox.add(new Wire.Moved(member.link));
            }
        }
        if (!gone.isEmpty()) {
            log.info("{} member(s) from node {} left their documents (they join again if the node is alive)",
                    gone.size(), node);
        }
    }

    /** One client of another node in a document of this node. */
    private final class RemoteMember implements dev.hookline.server.documents.Member {

        private final String node;
        private final long link;
        private final String documentName;
        private final Outbox outbox;
        private final SerialLane lane;
        private final RemoteConnection connection;
        /** Set on the member's lane once joined; the document's lane reads it after that. */
        private volatile LiveDocument document;
        /** The last change version sent; document lane only. */
        private long lastChangeSent = -1;

        RemoteMember(String node, Wire.Join join, Outbox outbox, SerialLane lane) {
            this.node = node;
            this.link = join.link();
            this.documentName = join.document();
            this.outbox = outbox;
            this.lane = lane;
            this.connection = new RemoteConnection(join.connection(), node, attributes(join.attributes()), join.readOnly());
        }

        /** On the member's lane: load if needed, join, answer. */
        void join(long corr) {
            while (true) {
                LiveDocument live;
                try {
                    live = documents.acquire(documentName).get();
                } catch (ExecutionException e) {
                    members.remove(new Key(node, link), this);
                    if (e.getCause() instanceof DocumentElsewhere elsewhere) {
                        outbox.add(new Wire.Reply(corr, link, Wire.Status.ELSEWHERE, 0, elsewhere.owner(), null));
                    } else {
                        Reject reject = e.getCause() instanceof Reject r ? r : new Reject(Codes.INTERNAL, "internal error");
                        outbox.add(new Wire.Reply(corr, link, Wire.Status.REJECTED, reject.code(), reject.reason(), null));
                    }
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    members.remove(new Key(node, link), this);
                    outbox.add(new Wire.Reply(corr, link, Wire.Status.REJECTED, Codes.UNAVAILABLE, "interrupted", null));
                    return;
                }
                Long version = live.lane().call(() -> {
                    if (!live.join(this)) {
                        return null;
                    }
                    // Queued from the document's lane, after the presence frames the join sent.
                    outbox.add(new Wire.Reply(corr, link, Wire.Status.OK, live.version(), "", null));
                    return live.version();
                });
                if (version != null) {
                    document = live;
                    return;
                }
            }
        }

        /** On the member's lane: leave the document, which unloads if nobody is left. */
        void leave() {
            LiveDocument live = document;
            if (live == null) {
                return;
            }
            document = null;
            boolean empty = live.lane().call(() -> live.leave(this));
            if (empty) {
                documents.releaseIfUnused(live);
            }
        }

        /** The answer to a request (on the document's lane, after the frames it caused). */
        void reply(long corr, byte[] frame) {
            outbox.addFromLane(new Wire.Reply(corr, link, Wire.Status.OK, 0, "", frame));
        }

        @Override
        public dev.hookline.api.Connection connection() {
            return connection;
        }

        @Override
        public void send(byte[] frame) {
            outbox.addFromLane(new Wire.Deliver(link, -1, frame));
        }

        @Override
        public boolean sendChange(long version, byte[] frame) {
            if (version == lastChangeSent) {
                return false;
            }
            lastChangeSent = version;
            outbox.addFromLane(new Wire.Deliver(link, version, frame));
            return true;
        }

        @Override
        public void documentMoved(String name) {
            members.remove(new Key(node, link), this);
            document = null;
            outbox.add(new Wire.Moved(link));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> attributes(JsonNode attributes) {
        if (attributes == null || !attributes.isObject()) {
            return Map.of();
        }
        return Json.MAPPER.convertValue(attributes, java.util.LinkedHashMap.class);
    }
}
