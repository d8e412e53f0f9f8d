package dev.hookline.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerApi;
import dev.hookline.api.payload.BroadcastStateless;
import dev.hookline.api.payload.Delete;
import dev.hookline.api.payload.Update;
import dev.hookline.server.documents.DocumentElsewhere;
import dev.hookline.server.documents.DocumentException;
import dev.hookline.server.documents.DocumentRegistry;
import dev.hookline.server.documents.LiveDocument;
import dev.hookline.server.documents.Paths;
import dev.hookline.server.hooks.CallContext;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.hooks.Hooks;
import dev.hookline.server.protocol.InboundParser;
import dev.hookline.server.protocol.Outbound;
import dev.hookline.server.protocol.ProtocolException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * The server API for hooks and embedding applications. Writes go through {@code onUpdate} /
 * {@code onDelete} and {@code onChange} like a client's, with origin {@link Origin#SERVER}, and
 * reach subscribers the same way. A document touched only through this API is unloaded (and
 * stored) again once nobody has it open.
 */
public final class ServerApiImpl implements ServerApi {

    private final HookEngine engine;
    private DocumentRegistry documents;
    /** Documents other nodes own (a cluster node); null on a single node. */
    private volatile RemoteServerApi remote;

    public ServerApiImpl(HookEngine engine) {
        this.engine = engine;
    }

    /** Makes documents other nodes own reachable: each call is carried out on the owner. Set once, at start. */
    public void remote(RemoteServerApi remote) {
        this.remote = remote;
    }

    /** Completes the wiring: the registry needs this API for its hooks, and this API needs it. */
    public void documents(DocumentRegistry documents) {
        this.documents = documents;
    }

    @Override
    public Optional<JsonNode> get(String document, String path) {
        String canonical = canonical(path);
        String owner = ownerElsewhere(document);
        if (owner != null) {
            return remote.get(owner, document, canonical);
        }
        return onDocument(document, live -> live.get(canonical));
    }

    /**
     * @return the node that owns {@code document} when it is another one and this node can relay
     *         to it; null when the call is to be carried out here (loading the document if needed)
     */
    private String ownerElsewhere(String document) {
        RemoteServerApi relay = remote;
        if (relay == null) {
            return null;
        }
        LiveDocument here = documents.find(validName(document));
        if (here != null && (here.lane().isCurrent() || here.isLive())) {
            return null;
        }
        try {
            documents.acquire(validName(document)).get(); // loaded here (the call releases it when unused)
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DocumentElsewhere elsewhere) {
                return elsewhere.owner();
            }
            throw e.getCause() instanceof Reject reject ? reject : new Reject(Reject.INTERNAL_ERROR, "internal error");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Reject(Reject.INTERNAL_ERROR, "interrupted");
        }
    }

    @Override
    public long set(String document, String path, JsonNode value) {
        return write(document, Operation.SET, path, value);
    }

    @Override
    public long merge(String document, String path, JsonNode value) {
        if (value == null || !value.isObject()) {
            throw new Reject(Reject.BAD_REQUEST, "merge takes an object");
        }
        return write(document, Operation.MERGE, path, value);
    }

    @Override
    public long delete(String document, String path) {
        return write(document, Operation.DELETE, path, null);
    }

    private long write(String document, Operation op, String path, JsonNode value) {
        String canonical = canonical(path);
        String owner = ownerElsewhere(document);
        if (owner != null) {
            // Carried out on the owner, its onUpdate/onDelete hooks included.
            return remote.write(owner, document, op, canonical, value);
        }
        String finalPath;
        JsonNode finalValue;
        JsonNode meta;
        try (CallContext context = engine.newContext(this, null)) {
            if (op == Operation.DELETE) {
                finalPath = canonical(engine.run(Hooks.ON_DELETE, new Delete(document, canonical, Origin.SERVER),
                        context).path());
                finalValue = null;
                meta = null;
            } else {
                Update update = engine.run(Hooks.ON_UPDATE, new Update(document, op, canonical, value, null, Origin.SERVER),
                        context);
                finalPath = canonical(update.path());
                finalValue = update.value();
                meta = update.meta();
            }
        } catch (Reject reject) {
            if (remote != null) {
                // The ownership check loaded the document; refused, it must not stay in memory.
                LiveDocument loaded = documents.find(document);
                if (loaded != null) {
                    loaded.lane().submit(() -> {
                        if (!loaded.hasMembers()) {
                            documents.releaseIfUnused(loaded);
                        }
                    });
                }
            }
            throw reject;
        }
        return onDocument(document, live -> {
            try {
                return live.write(null, op, finalPath, finalValue, meta, Origin.SERVER);
            } catch (DocumentException e) {
                throw new Reject(e.code(), e.reason());
            }
        });
    }

    @Override
    public void broadcastStateless(String document, JsonNode payload) {
        LiveDocument live = documents.find(validName(document));
        if (live == null) {
            RemoteServerApi relay = remote;
            if (relay != null) {
                relay.broadcastStateless(document, payload); // its members are on its owner, if any
            }
            return; // not in memory: nobody has it open here, nobody to tell
        }
        BroadcastStateless broadcast;
        try (CallContext context = engine.newContext(this, null)) {
            broadcast = engine.run(Hooks.BEFORE_BROADCAST_STATELESS, new BroadcastStateless(document, payload,
                    Origin.SERVER), context);
        }
        byte[] frame = Outbound.stateless(document, broadcast.payload());
        live.lane().submit(() -> live.broadcast(null, frame));
    }

    /** Runs {@code task} on the live document (loading it if needed), then releases it if unused. */
    private <T> T onDocument(String document, DocumentTask<T> task) {
        LiveDocument here = documents.find(validName(document));
        if (here != null && here.lane().isCurrent()) {
            // A hook of this very document (afterLoadDocument, onChange, ...): waiting for its load
            // from its own lane would never end.
            if (!here.isLive()) {
                throw new Reject(4503, "document " + document + " is not loaded yet");
            }
            return task.run(here);
        }
        LiveDocument live;
        while (true) {
            try {
                live = documents.acquire(validName(document)).get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Reject reject ? reject : new Reject(Reject.INTERNAL_ERROR, "internal error");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Reject(Reject.INTERNAL_ERROR, "interrupted");
            }
            LiveDocument target = live;
            Optional<T> result = live.lane().call(() -> target.isLive() ? Optional.of(task.run(target)) : Optional.empty());
            if (result.isPresent()) {
                if (!live.lane().isCurrent()) {
                    LiveDocument released = live;
                    live.lane().submit(() -> {
                        if (!released.hasMembers()) {
                            documents.releaseIfUnused(released);
                        }
                    });
                }
                return result.get();
            }
        }
    }

    @FunctionalInterface
    private interface DocumentTask<T> {
        T run(LiveDocument document);
    }


    private static String validName(String document) {
        try {
            return InboundParser.validDocumentName(document, null);
        } catch (ProtocolException e) {
            throw new Reject(e.code(), e.reason());
        }
    }

    private static String canonical(String path) {
        try {
            return Paths.normalize(path);
        } catch (IllegalArgumentException e) {
            throw new Reject(Reject.BAD_REQUEST, e.getMessage());
        }
    }
}
