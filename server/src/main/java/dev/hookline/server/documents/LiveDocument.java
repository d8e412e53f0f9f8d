package dev.hookline.server.documents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Connection;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerApi;
import dev.hookline.api.payload.AwarenessUpdate;
import dev.hookline.api.payload.Change;
import dev.hookline.api.payload.DocumentLoaded;
import dev.hookline.api.payload.DocumentStored;
import dev.hookline.api.payload.DocumentUnloaded;
import dev.hookline.api.payload.LoadDocument;
import dev.hookline.api.payload.StoreDocument;
import dev.hookline.api.payload.UnloadDocument;
import dev.hookline.server.config.ServerConfig.StoreTiming;
import dev.hookline.server.flow.SerialLane;
import dev.hookline.server.hooks.CallContext;
import dev.hookline.server.hooks.Chains;
import dev.hookline.server.hooks.Hook;
import dev.hookline.server.hooks.HookChain;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.hooks.Hooks;
import dev.hookline.server.protocol.Codes;
import dev.hookline.server.protocol.Json;
import dev.hookline.server.protocol.Outbound;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A document in memory: its state, members, subscriptions, presence and recent changes. Every
 * method that touches them runs on the document's own {@link #lane()}: one writer at a time,
 * documents in parallel. A change is applied, run through {@code onChange}, logged, encoded once
 * and queued for every touched subscriber, all before the next task of the lane starts.
 */
public final class LiveDocument {

    private static final Logger log = LoggerFactory.getLogger(LiveDocument.class);

    /** Where a document is in its life. */
    public enum Status { LOADING, LIVE, FAILED, UNLOADED }

    /** A change kept for catching up reconnecting clients: its path and its encoded frame. */
    private record Logged(String path, byte[] frame) {
    }

    private final String name;
    private final SerialLane lane;
    private final CallContext context;
    private final HookEngine engine;
    private final ServerApi server;
    private final ChangeLog<Logged> changes;
    private final CompletableFuture<LiveDocument> loaded = new CompletableFuture<>();
    private final StoreSchedule storeSchedule;
    private final ScheduledExecutorService scheduler;
    private final StoreCounters storeCounters;
    private final dev.hookline.server.observe.TrafficMeters meters;
    private final Consumer<LiveDocument> forget;
    private final Ownership ownership;
    /** The fencing token of this node's ownership (0 on a single node); set by the load. */
    private long fence;
    private boolean storeCheckScheduled;
    /** Recipients of the change being sent (lane-confined scratch: no set allocated per change). */
    private int fannedOut;

    private Status status = Status.LOADING;
    private DocumentState state;
    /** The storage that holds this document (set by the load). */
    private StorageBinding storage;
    /** Answers the request the lane is handling when one of its hooks overruns its deadline; null when none. */
    private volatile BiConsumer<Hook<?>, Reject> overrunAnswer;
    /** Set while the store hooks run: a write from one of them must not rebind the storage. */
    private boolean storing;
    private boolean dirty;
    /** Set while a change's {@code onChange} chain runs: a write from it would interleave the versions. */
    private boolean changing;
    private final Set<Member> members = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Each member's subscriptions by id: finding one by id must not cost a walk over all of them. */
    private final Map<Member, Map<Long, Subscriber>> subscriptions = new IdentityHashMap<>();
    private final SubscriptionIndex<Subscriber> valueSubscribers = new SubscriptionIndex<>();
    private final SubscriptionIndex<Subscriber> keySubscribers = new SubscriptionIndex<>();
    private final Map<String, JsonNode> presence = new LinkedHashMap<>();

    LiveDocument(String name, SerialLane lane, HookEngine engine, ServerApi server, int changeLogSize,
                 long changeLogMaxBytes, ChangeLogBudget changeLogBudget, StoreTiming storeTiming,
                 ScheduledExecutorService scheduler, StoreCounters storeCounters,
                 dev.hookline.server.observe.TrafficMeters meters, Ownership ownership, Consumer<LiveDocument> forget) {
        this.ownership = ownership;
        this.storeSchedule = new StoreSchedule(storeTiming);
        this.scheduler = scheduler;
        this.storeCounters = storeCounters;
        this.meters = meters;
        this.forget = forget;
        this.name = name;
        this.lane = lane;
        this.engine = engine;
        this.server = server;
        this.context = engine.newContext(server, null);
        this.context.onOverrun(this::overrun);
        this.changes = new ChangeLog<>(changeLogSize, changeLogMaxBytes, changeLogBudget);
    }

    /** @return the document name */
    public String name() {
        return name;
    }

    /** @return the lane every operation on this document runs on */
    public SerialLane lane() {
        return lane;
    }

    /** @return completes when the document is live, or exceptionally with the load's reject */
    public CompletableFuture<LiveDocument> loaded() {
        return loaded;
    }

    /**
     * Names who answers the request the lane is about to handle if a hook overruns its deadline
     * and ignores the interrupt ({@code null} when done). Lane only.
     */
    public void answerOverrunsWith(BiConsumer<Hook<?>, Reject> answer) {
        overrunAnswer = answer;
    }

    /**
     * Called by the hook watchdog, with the lane's chain held, when a hook on this lane ignored
     * the interrupt at its deadline. The chain fails with 4504 whenever the hook returns; what
     * waits on it is answered now. A load: every open waiting for it, and every open until the
     * load has failed and the document is forgotten, gets the reject now. A request: its answer
     * is sent now, and the lane's own answer is dropped later.
     */
    private void overrun(Hook<?> hook, Reject reject) {
        if (!loaded.isDone()) {
            loaded.completeExceptionally(reject);
            return;
        }
        BiConsumer<Hook<?>, Reject> answer = overrunAnswer;
        if (answer != null) {
            answer.accept(hook, reject);
        }
    }

    /**
     * Runs a hook chain for this document, about {@code connection} (or none). A hook on this
     * lane may call the server API on this same document, which runs chains here again while the
     * lane's context is busy: such nested chains get a context of their own.
     */
    private <P> P run(Hook<P> hook, P payload, Connection connection) {
        return run(engine.chains().of(hook), payload, connection);
    }

    /** As above, with a chain the caller took from a snapshot it uses for other chains too. */
    private <P> P run(HookChain<P> chain, P payload, Connection connection) {
        if (!context.busy()) {
            context.bindConnection(connection);
            try {
                return chain.run(payload, context);
            } finally {
                // Unbound at once: the document outlives the connection, which must not stay
                // reachable (with its socket and queue) after it closed.
                context.bindConnection(null);
            }
        }
        try (CallContext nested = engine.newContext(server, connection)) {
            return chain.run(payload, nested);
        }
    }

    // ---- lifecycle (on the lane) -------------------------------------------------------------------

    /** Runs the load hooks; the document goes live, or fails and is never stored. */
    void load(Runnable onFailure) {
        try {
            // Owned first: a node that cannot take the document must not load it (nor ever store it).
            try {
                fence = ownership.claim(name);
            } catch (Reject unowned) {
                // Owned elsewhere, or ownership cannot be decided now: not a failure of this document.
                status = Status.FAILED;
                onFailure.run();
                loaded.completeExceptionally(unowned);
                return;
            }
            // One snapshot: the storage the document is loaded from is the one it is bound to.
            Chains chains = engine.chains();
            HookChain<StoreDocument> storeChain = chains.of(Hooks.ON_STORE_DOCUMENT);
            if (storeChain.isEmpty() && engine.storageWasInstalled()) {
                // Loaded now, the document would come up empty or stale, and its writes would
                // later be stored over the real data when storage is back.
                throw refused("document " + name + " cannot be loaded: no storage plugin is "
                        + "installed now (one was before); it can be opened again once storage is back");
            }
            LoadDocument load = run(chains.of(Hooks.ON_LOAD_DOCUMENT), new LoadDocument(name, Json.object(), Map.of(), 0, fence),
                    null);
            storage = new StorageBinding(storeChain);
            try {
                state = new DocumentState(load.state(), load.meta(), load.version());
            } catch (IllegalArgumentException e) {
                throw new Reject(Reject.INTERNAL_ERROR, "the loaded state of " + name + " is not a JSON object");
            }
            // Live for the hooks that read or write it from afterLoadDocument (on this lane); a reject
            // below still fails the load before anything else can see it.
            status = Status.LIVE;
            run(Hooks.AFTER_LOAD_DOCUMENT, new DocumentLoaded(name, state.version()), null);
            loaded.complete(this);
        } catch (Reject reject) {
            // The document is not created: nothing can ever store an empty state over real data.
            status = Status.FAILED;
            state = null;
            log.warn("Document '{}' failed to load: {} {}", name, reject.code(), reject.reason());
            onFailure.run();
            if (fence != 0) {
                ownership.released(name, fence);
            }
            loaded.completeExceptionally(reject);
        }
    }

    /** @return whether the document is live (a join or write may proceed) */
    public boolean isLive() {
        return status == Status.LIVE;
    }

    /** @return the current version (on the lane) */
    public long version() {
        return state.version();
    }

    /**
     * Adds a member; the presence states of the others are sent to it.
     *
     * @return false if the document is no longer live (it was unloaded meanwhile: acquire it again)
     */
    public boolean join(Member member) {
        if (status != Status.LIVE) {
            return false;
        }
        members.add(member);
        presence.forEach((connectionId, presenceState) -> member.send(Outbound.presence(name, connectionId, presenceState)));
        return true;
    }

    /** Removes a member with its subscriptions and presence. @return whether nobody is left */
    public boolean leave(Member member) {
        if (!members.remove(member)) {
            return members.isEmpty();
        }
        Map<Long, Subscriber> own = subscriptions.remove(member);
        if (own != null) {
            for (Subscriber subscriber : own.values()) {
                (subscriber.keys() ? keySubscribers : valueSubscribers).remove(subscriber.path(), subscriber);
            }
        }
        if (presence.containsKey(member.connection().id())) {
            updatePresence(member, null);
        }
        return members.isEmpty();
    }

    /** @return whether anyone has the document open */
    public boolean hasMembers() {
        return !members.isEmpty();
    }

    /**
     * Unloads the document if nobody has it open: {@code beforeUnloadDocument} may veto, then the
     * store hooks run if anything changed, then it leaves memory. A failed store keeps it in memory.
     *
     * @return whether it was unloaded
     */
    boolean unloadIfUnused() {
        if (status != Status.LIVE || !members.isEmpty()) {
            return false;
        }
        if (dirty && !hasStorage()) {
            // No storage plugin: memory is the only copy, so a changed document stays.
            return false;
        }
        try {
            run(Hooks.BEFORE_UNLOAD_DOCUMENT, new UnloadDocument(name), null);
        } catch (Reject veto) {
            log.debug("Unload of '{}' vetoed: {}", name, veto.reason());
            return false;
        }
        if (!store() || dirty) {
            return false; // not stored, or a store or unload hook changed it again: keep it
        }
        status = Status.UNLOADED;
        forget.accept(this);
        ownership.released(name, fence);
        // Removing it closed the document's own context: this last chain gets a context of its own.
        try (CallContext unloaded = engine.newContext(server, null)) {
            engine.run(Hooks.AFTER_UNLOAD_DOCUMENT, new DocumentUnloaded(name), unloaded);
        } catch (Reject reject) {
            log.warn("afterUnloadDocument of '{}' rejected: {}", name, reject.reason());
        }
        return true;
    }

    /**
     * Runs the store hooks if the document changed since it was loaded or last stored.
     *
     * @return whether the document is stored (or had nothing to store)
     */
    public boolean store() {
        if (status != Status.LIVE || !dirty) {
            return true;
        }
        HookChain<StoreDocument> chain = engine.chains().of(Hooks.ON_STORE_DOCUMENT);
        if (chain.isEmpty()) {
            return true; // no storage: nothing stored, nothing to announce, and the document stays changed
        }
        return storeThrough(chain);
    }

    /**
     * Runs {@code chain} (not empty) on the document as it is now, changed or not; on success the
     * storage behind it holds the document.
     *
     * @return whether it was stored
     */
    private boolean storeThrough(HookChain<StoreDocument> chain) {
        long version = state.version();
        long started = System.nanoTime();
        storing = true;
        try {
            run(chain, new StoreDocument(name, state.snapshot(), state.metaSnapshot(), version, fence), null);
        } catch (Reject reject) {
            storeCounters.failed();
            long retryIn = storeSchedule.failed(System.nanoTime());
            log.error("Document '{}' could not be stored at version {}: {} {}; it stays in memory, next try in {} ms",
                    name, version, reject.code(), reject.reason(), retryIn / 1_000_000);
            scheduleStoreCheck();
            return false;
        } finally {
            storing = false;
        }
        long now = System.nanoTime();
        storeCounters.stored(now - started);
        storage.storedThrough(chain);
        dirty = state.version() != version; // a store hook that wrote to the document left it changed
        storeSchedule.stored(now, dirty);
        if (dirty) {
            scheduleStoreCheck();
        }
        try {
            run(Hooks.AFTER_STORE_DOCUMENT, new DocumentStored(name, version), null);
        } catch (Reject reject) {
            log.warn("afterStoreDocument of '{}' rejected: {}", name, reject.reason());
        }
        return true;
    }

    /** @return whether any plugin stores documents: without one, memory is the only copy */
    private boolean hasStorage() {
        return !engine.chains().of(Hooks.ON_STORE_DOCUMENT).isEmpty();
    }

    /**
     * Makes sure a store check is scheduled for when the next store is due. One check at most is
     * pending: a write only records its time, it does not reschedule anything.
     */
    private void scheduleStoreCheck() {
        if (storeCheckScheduled || status != Status.LIVE) {
            return;
        }
        long due = storeSchedule.dueAt();
        if (due == Long.MAX_VALUE) {
            return;
        }
        storeCheckScheduled = true;
        try {
            scheduler.schedule(() -> lane.submit(this::storeCheck), Math.max(0, due - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            storeCheckScheduled = false; // shutting down: the shutdown stores every changed document
        }
    }

    /** On the lane, when a store may be due: store, or check again later if changes kept coming. */
    private void storeCheck() {
        storeCheckScheduled = false;
        if (status != Status.LIVE || !dirty) {
            return;
        }
        if (storeSchedule.dueAt() - System.nanoTime() > 0) {
            scheduleStoreCheck();
            return;
        }
        if (store() && members.isEmpty()) {
            unloadIfUnused(); // it was kept in memory only because an earlier store had failed
        }
    }

    // ---- reads and writes (on the lane) -----------------------------------------------------------------

    /** @return a copy of the node at the canonical path, or empty */
    public Optional<JsonNode> get(String path) {
        JsonNode node = state.get(path);
        return Optional.ofNullable(node == null ? null : node.deepCopy());
    }

    /**
     * Applies a change: {@code onChange} hooks may reject it, which reverts it. Then it is logged,
     * and sent to every member with a subscription it touches (once per member), and to the keys
     * subscribers whose keys it changed.
     *
     * @param sender the member who wrote it, or {@code null} (the server API)
     * @return the new version
     * @throws Reject             when an {@code onChange} hook rejects it
     * @throws DocumentException  when the change does not fit the tree (4400)
     */
    public long write(Member sender, Operation op, String path, JsonNode value, JsonNode meta, Origin origin) {
        if (changing) {
            // Applied now, its version would be logged and broadcast before the change it reacts to.
            throw new Reject(4409, "document " + name + " cannot be written from its own onChange hook");
        }
        requireOwnership();
        // One snapshot for the storage check and the onChange chain that logs the change.
        Chains chains = engine.chains();
        bindStorage(chains.of(Hooks.ON_STORE_DOCUMENT));
        Map<String, List<String>> keysBefore = keySubscribers.isEmpty() ? Map.of() : keysBefore(path);
        AppliedChange change = state.apply(op, path, value, meta);
        changing = true;
        try {
            run(chains.of(Hooks.ON_CHANGE), new Change(name, op, change.path(), change.value(), change.meta(),
                    change.version(), origin, fence), sender == null ? null : sender.connection());
            // Checked after the storage took the change too: a node whose lease ran out while it
            // waited (paused, partitioned) acknowledges nothing; its successor decides what stands.
            requireOwnership();
        } catch (Reject reject) {
            state.revert(change);
            throw reject;
        } finally {
            changing = false;
        }
        dirty = true;
        storeSchedule.changed(System.nanoTime());
        scheduleStoreCheck();
        byte[] frame = Outbound.change(name, change.version(), op, change.path(), change.value(), change.meta(), origin);
        // The frame is the bulk of what the log keeps: its length is the entry's weight, counted once.
        changes.append(change.version(), new Logged(change.path(), frame), frame.length);
        fannedOut = 0;
        long version = change.version();
        valueSubscribers.forEachTouched(change.path(), (subscribedPath, subscriber) -> {
            if (subscriber.member().sendChange(version, frame)) {
                fannedOut++;
            }
        });
        meters.fanOut(fannedOut); // once per change, not per recipient
        keysBefore.forEach((keysPath, before) -> sendKeyChanges(keysPath, before, change.version()));
        return change.version();
    }

    /** @throws Reject 4503 when this node may no longer own the document (its lease may have expired) */
    private void requireOwnership() {
        if (!ownership.holds(name, fence)) {
            throw new Reject(Codes.UNAVAILABLE, "document " + name + " is not written: this node's ownership of it "
                    + "expired; open it again");
        }
    }

    /**
     * Drops the document from memory without storing it, because this node lost its ownership:
     * another node owns it now and loads it from storage. Every member is told to find it there.
     * On the lane.
     */
    void evict() {
        if (status != Status.LIVE) {
            return;
        }
        status = Status.UNLOADED;
        forget.accept(this);
        List<Member> left = new ArrayList<>(members);
        members.clear();
        subscriptions.clear();
        presence.clear();
        log.warn("Document '{}' left this node: its ownership (fence {}) was lost; {} member(s) move to its new owner",
                name, fence, left.size());
        for (Member member : left) {
            member.documentMoved(name);
        }
    }

    /**
     * Makes sure the storage installed now holds the document before a change is logged there:
     * a change is never acknowledged when no storage can log it, nor logged where the versions
     * before it are missing.
     *
     * @throws Reject 4503 when the document's storage is not installed (unloaded, or failed to
     *                reload), or the storage installed now could not store it
     */
    private void bindStorage(HookChain<StoreDocument> installed) {
        switch (storage.beforeWrite(installed)) {
            case WRITE -> { }
            case REFUSE -> throw refused("document " + name + " is not written: the storage "
                    + "that holds it is not installed now; writes are refused until storage is back");
            case STORE -> {
                // Another storage than the one that holds the document (replaced, loaded again, or
                // the first one): it gets the whole document before the change that follows it.
                if (storing) {
                    // A store hook writing while it stores: that change would reach the new
                    // storage's log before the document it follows (and storing again would recurse).
                    throw refused("document " + name + " is not written: it is being stored "
                            + "through the storage installed now");
                }
                log.info("Document '{}' is stored at version {} through the storage installed now, before its next "
                        + "change is logged there", name, state.version());
                if (!storeThrough(installed)) {
                    throw refused("document " + name + " is not written: the storage installed "
                            + "now could not store it first; try again later");
                }
            }
        }
    }

    /** @return the 4503 for a write or open that no installed storage can take, counted */
    private Reject refused(String reason) {
        storeCounters.refused();
        return new Reject(Codes.UNAVAILABLE, reason);
    }

    /** The child keys of every keys subscription a change at {@code path} may alter, before it. */
    private Map<String, List<String>> keysBefore(String path) {
        Map<String, List<String>> before = new LinkedHashMap<>();
        keySubscribers.forEachTouched(path, (keysPath, subscriber) -> before.computeIfAbsent(keysPath, state::keys));
        return before;
    }

    private void sendKeyChanges(String keysPath, List<String> before, long version) {
        List<String> after = state.keys(keysPath);
        List<String> added = new ArrayList<>(after);
        added.removeAll(before);
        List<String> removed = new ArrayList<>(before);
        removed.removeAll(after);
        if (added.isEmpty() && removed.isEmpty()) {
            return;
        }
        byte[] frame = Outbound.keys(name, keysPath, version, added, removed);
        Set<Member> recipients = Collections.newSetFromMap(new IdentityHashMap<>());
        keySubscribers.forEachTouched(keysPath, (subscribedPath, subscriber) -> {
            if (subscribedPath.equals(keysPath) && recipients.add(subscriber.member())) {
                subscriber.member().send(frame);
            }
        });
    }

    /**
     * Adds a subscription and brings the member up to date: the acknowledgement, then a snapshot,
     * or the missed changes when {@code since} is still in the change log, or a snapshot marked
     * as a reset when it is not. Live changes follow, in order, since they are sent from this lane.
     *
     * @return whether the subscription was added; false when the member already has one with its
     *         id (the caller answers: it also keeps the count of subscriptions)
     */
    public boolean subscribe(Subscriber subscriber, long requestId, long since) {
        return subscribe(subscriber, requestId, since, false);
    }

    /**
     * As {@link #subscribe(Subscriber, long, long)}; {@code resumed} re-attaches a subscription the
     * member already had (its document moved to this node): no acknowledgement is sent, the
     * missed changes are replayed when the log still has them, or else a snapshot marked as a
     * reset follows.
     */
    public boolean subscribe(Subscriber subscriber, long requestId, long since, boolean resumed) {
        Member member = subscriber.member();
        Map<Long, Subscriber> own = subscriptions.computeIfAbsent(member, m -> new LinkedHashMap<>());
        if (own.putIfAbsent(subscriber.id(), subscriber) != null) {
            return false;
        }
        String path = subscriber.path();
        long version = state.version();
        if (subscriber.keys()) {
            keySubscribers.add(path, subscriber);
            boolean reset = since >= 0;
            if (!resumed) {
                member.send(Outbound.subscribed(requestId, name, path, true, version, reset ? "reset" : "snapshot"));
            }
            member.send(Outbound.keysSnapshot(name, subscriber.id(), path, version, state.keys(path), reset));
            return true;
        }
        valueSubscribers.add(path, subscriber);
        Optional<List<Logged>> missed = since < 0 ? Optional.empty()
                : since == version ? Optional.of(List.of()) // up to date, even if the log is empty
                : changes.since(since);
        if (missed.isPresent()) {
            if (!resumed) {
                member.send(Outbound.subscribed(requestId, name, path, false, version, "replay"));
            }
            for (Logged logged : missed.get()) {
                if (Paths.touches(path, logged.path())) {
                    member.send(logged.frame());
                }
            }
            return true;
        }
        boolean reset = since >= 0;
        if (!resumed) {
            member.send(Outbound.subscribed(requestId, name, path, false, version, reset ? "reset" : "snapshot"));
        }
        member.send(Outbound.snapshot(name, subscriber.id(), path, version, state.get(path), metaUnder(path), reset));
        return true;
    }

    private ObjectNode metaUnder(String path) {
        ObjectNode meta = Json.object();
        state.meta().forEach((metaPath, node) -> {
            if (Paths.isAncestorOrSelf(path, metaPath)) {
                meta.set(metaPath, node);
            }
        });
        return meta;
    }

    /** Removes the member's subscription made by request {@code id}. @return whether it existed */
    public boolean unsubscribe(Member member, long id) {
        Map<Long, Subscriber> own = subscriptions.get(member);
        Subscriber subscriber = own == null ? null : own.remove(id);
        if (subscriber == null) {
            return false;
        }
        (subscriber.keys() ? keySubscribers : valueSubscribers).remove(subscriber.path(), subscriber);
        return true;
    }

    /** Sets or clears ({@code null}) a member's presence and tells the other members. */
    public void updatePresence(Member member, JsonNode newState) {
        String connectionId = member.connection().id();
        if (newState == null) {
            presence.remove(connectionId);
        } else {
            presence.put(connectionId, newState);
        }
        byte[] frame = Outbound.presence(name, connectionId, newState);
        for (Member other : members) {
            if (other != member) {
                other.send(frame);
            }
        }
        try {
            run(Hooks.ON_AWARENESS_UPDATE, new AwarenessUpdate(name, connectionId, newState), member.connection());
        } catch (Reject reject) {
            log.debug("onAwarenessUpdate of '{}' rejected: {}", name, reject.reason());
        }
    }

    /** Sends a stateless frame to every member but the sender ({@code null}: to everyone). */
    public void broadcast(Member sender, byte[] frame) {
        for (Member member : members) {
            if (member != sender) {
                member.send(frame);
            }
        }
    }

    /**
     * Closes the document's hook context and gives its change log's bytes back to the shared
     * budget (when it left memory for good; on the lane).
     */
    void closeContext() {
        context.close();
        changes.clear();
    }
}
