package dev.hookline.server.documents;

import dev.hookline.api.ServerApi;
import dev.hookline.server.config.ServerConfig.StoreTiming;
import dev.hookline.server.flow.SerialLane;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.observe.TrafficMeters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The documents in memory, by name. The first acquire of a name creates the document and queues
 * its load on the document's lane; every acquire racing with it gets the same future, so a
 * document loads once however many clients open it at the same moment.
 */
public final class DocumentRegistry {

    private static final Logger log = LoggerFactory.getLogger(DocumentRegistry.class);

    private final ConcurrentMap<String, LiveDocument> documents = new ConcurrentHashMap<>();
    private final HookEngine engine;
    private final ServerApi server;
    private final Executor executor;
    private final int changeLogSize;
    private final long changeLogMaxBytes;
    private final ChangeLogBudget changeLogBudget;
    private final StoreTiming storeTiming;
    private final ScheduledExecutorService scheduler;
    private final StoreCounters storeCounters;
    private final TrafficMeters meters;
    private volatile Ownership ownership = Ownership.SINGLE_NODE;

    /**
     * @param engine        runs the document hooks
     * @param server        the server API hooks see
     * @param executor      a virtual-thread-per-task executor for the documents' lanes
     * @param changeLogSize changes kept per document
     * @param storeTiming   when changed documents are stored and failed stores retried
     * @param scheduler     runs the store timers (its tasks only queue work on the documents' lanes)
     */
    public DocumentRegistry(HookEngine engine, ServerApi server, Executor executor, int changeLogSize,
                            StoreTiming storeTiming, ScheduledExecutorService scheduler) {
        this(engine, server, executor, changeLogSize, ChangeLogBudget.UNLIMITED, ChangeLogBudget.UNLIMITED, storeTiming,
                scheduler, TrafficMeters.NOOP);
    }

    /**
     * As above, with the change logs bounded by bytes too, counting broadcast fan-out and store
     * durations in {@code meters}.
     *
     * @param changeLogMaxBytes      bytes of changes kept per document
     * @param changeLogMaxBytesTotal bytes of changes kept by all documents together
     */
    public DocumentRegistry(HookEngine engine, ServerApi server, Executor executor, int changeLogSize,
                            long changeLogMaxBytes, long changeLogMaxBytesTotal, StoreTiming storeTiming,
                            ScheduledExecutorService scheduler, TrafficMeters meters) {
        this.changeLogMaxBytes = changeLogMaxBytes;
        this.changeLogBudget = new ChangeLogBudget(changeLogMaxBytesTotal);
        this.meters = meters;
        this.storeCounters = new StoreCounters(meters::stored);
        this.engine = engine;
        this.server = server;
        this.executor = executor;
        this.changeLogSize = changeLogSize;
        this.storeTiming = storeTiming;
        this.scheduler = scheduler;
    }

    /** @return the bytes the documents' change logs hold together, and their limit */
    public ChangeLogBudget changeLogBudget() {
        return changeLogBudget;
    }

    /** @return how stores went since start */
    public StoreCounters.Snapshot storeStats() {
        return storeCounters.snapshot();
    }

    /**
     * @return the document, loading it if needed; the future fails with the load's reject.
     *         A document acquired this way may still be unloaded before its lane runs the
     *         caller's next task: {@link LiveDocument#join} then answers false, and the caller
     *         acquires again.
     */
    public CompletableFuture<LiveDocument> acquire(String name) {
        LiveDocument[] created = new LiveDocument[1];
        LiveDocument document = documents.computeIfAbsent(name, n -> created[0] = create(n));
        if (created[0] == document) {
            // Queued only once the map holds it: the load hooks can find their own document.
            document.lane().submit(() -> document.load(() -> forget(document)));
        }
        return document.loaded();
    }

    private LiveDocument create(String name) {
        SerialLane lane = new SerialLane("document " + name, executor);
        return new LiveDocument(name, lane, engine, server, changeLogSize, changeLogMaxBytes, changeLogBudget, storeTiming,
                scheduler, storeCounters, meters, ownership, this::forget);
    }

    /**
     * Makes this registry load only the documents {@code ownership} grants (a cluster node); set
     * once, before any document is opened.
     */
    public void ownership(Ownership ownership) {
        this.ownership = ownership;
    }

    /**
     * Drops the document, on its lane, without storing it: this node lost its ownership. Its
     * members are told to find it on its new owner.
     */
    public void evict(String name) {
        LiveDocument document = documents.get(name);
        if (document != null) {
            document.lane().submit(document::evict);
        }
    }

    /** Unloads the document, on its lane, if nobody has it open any more. */
    public void releaseIfUnused(LiveDocument document) {
        document.lane().submit(document::unloadIfUnused);
    }

    private void forget(LiveDocument document) {
        if (documents.remove(document.name(), document)) {
            document.closeContext();
        }
    }

    /** @return the document if it is in memory */
    public LiveDocument find(String name) {
        return documents.get(name);
    }

    /** @return how many documents are in memory */
    public int size() {
        return documents.size();
    }

    /**
     * Stores every document that changed and unloads those nobody has open; waits up to
     * {@code grace}. Used at shutdown, after the connections are closed.
     *
     * @return the names of documents that could not be stored
     */
    public List<String> storeAll(Duration grace) {
        List<CompletableFuture<Boolean>> stores = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (LiveDocument document : List.copyOf(documents.values())) {
            CompletableFuture<Boolean> stored = new CompletableFuture<>();
            document.lane().submit(() -> {
                try {
                    boolean ok = document.store();
                    if (ok && !document.hasMembers()) {
                        document.unloadIfUnused();
                    }
                    stored.complete(ok);
                } catch (Throwable t) {
                    stored.completeExceptionally(t);
                }
            });
            stores.add(stored);
            names.add(document.name());
        }
        List<String> failed = new ArrayList<>();
        long deadline = System.nanoTime() + grace.toNanos();
        for (int i = 0; i < stores.size(); i++) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!stores.get(i).get(left, TimeUnit.NANOSECONDS)) {
                    failed.add(names.get(i));
                }
            } catch (Exception e) {
                log.error("Storing '{}' at shutdown failed", names.get(i), e);
                failed.add(names.get(i));
            }
        }
        return failed;
    }
}
