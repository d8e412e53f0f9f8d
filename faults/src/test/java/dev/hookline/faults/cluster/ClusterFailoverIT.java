package dev.hookline.faults.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nodes dying or freezing under acknowledged writes: SIGKILL of a document's owner, SIGKILL of a
 * node that owns nothing, and an owner frozen (SIGSTOP) past its lease. Each test starts with the
 * three nodes up (a node a previous test killed is started again, same id, same database) and
 * ends with every acknowledged write on every node.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ClusterFailoverIT extends SharedClusterTestBase {

    private static final int WINDOW = 4;
    private static final int MANY = 100_000; // writers run until stopped

    @BeforeEach
    void allNodesUp() throws Exception {
        cluster.startAll();
    }

    /**
     * Opens {@code doc} on {@code node} first (which presumably claims it) and returns whoever
     * holds the lease then: the tests harm that node, whichever it is.
     */
    private Node ownedBy(Node node, String doc) throws InterruptedException {
        JsonClient opener = client(node, "opener");
        opener.ack(opener.open(doc), "open " + doc);
        Node owner = cluster.owner(doc, Duration.ofSeconds(10));
        log("%s is owned by %s (opened first on %s)", doc, owner.id(), node.id());
        return owner;
    }

    private List<Writer> writersOn(List<Node> nodes, String doc) {
        List<Writer> writers = new ArrayList<>();
        for (Node node : nodes) {
            for (int w = 1; w <= 2; w++) {
                writers.add(writer(node, node.id() + "w" + w, doc, WINDOW, MANY));
            }
        }
        return writers;
    }

    /**
     * Load on a document around the node a test is about to harm ({@code target}): a root
     * subscriber on every node, two writers on every node, and a probe on each of the others.
     */
    private record Traffic(List<Subscriber> watching, Subscriber onTarget, List<Writer> fromOthers,
            List<Writer> fromTarget, List<Writer> all) {
    }

    /** Starts the traffic and waits until {@code acks} writes were acknowledged. */
    private Traffic traffic(String doc, Node target, int acks) throws InterruptedException {
        List<Node> others = cluster.others(target);
        List<Subscriber> watching = new ArrayList<>();
        for (Node node : others) {
            watching.add(subscriber(node, "watcher", doc));
        }
        Subscriber onTarget = subscriber(target, "watcher", doc);
        List<Writer> fromOthers = writersOn(others, doc);
        others.forEach(node -> fromOthers.add(probe(node, node.id() + "probe", doc)));
        List<Writer> fromTarget = writersOn(List.of(target), doc);
        List<Writer> all = new ArrayList<>(fromOthers);
        all.addAll(fromTarget);
        awaitAcks(all, acks);
        return new Traffic(watching, onTarget, fromOthers, fromTarget, all);
    }

    private static void awaitAcks(List<Writer> writers, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (writers.stream().mapToInt(Writer::ackCount).sum() < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + atLeast + " acks within 30 s: " + writers);
            }
            Thread.sleep(20);
        }
    }

    /** Stops the writers and checks that every request of {@code survivors}' writers got an answer. */
    private static void stopAndAssertAnswered(List<Writer> writers, List<Node> survivors, List<Writer> all)
            throws InterruptedException {
        all.forEach(Writer::stop);
        for (Writer writer : writers) {
            assertThat(writer.awaitAnswered(20)).as("every request of %s answered within 20 s (survivors %s)", writer,
                    survivors).isTrue();
            assertThat(writer.lost()).as("requests of %s lost with a connection to a surviving node", writer).isZero();
        }
        all.forEach(w -> log("  %s", w));
    }

    /** Every acknowledged write is on every node, and again after all nodes stopped and started. */
    private static ObjectNode assertEverywhere(String doc, List<Writer.Ack> acks, String when) throws Exception {
        ObjectNode first = null;
        for (Node node : cluster.nodes()) {
            ObjectNode state = Checks.state(node, doc);
            Checks.assertAcksPresent(state, acks, when + ", read on " + node.id());
            if (first == null) {
                first = state;
            } else {
                assertThat(state).as("%s: %s's document against %s's", when, node.id(), cluster.node(1).id()).isEqualTo(first);
            }
        }
        return first;
    }

    private static void assertAfterFullRestart(String doc, List<Writer.Ack> acks, ObjectNode expected) throws Exception {
        cluster.stopAll();
        cluster.startAll();
        ObjectNode reloaded = assertEverywhere(doc, acks, "after a full restart");
        assertThat(reloaded).as("the document loaded from PostgreSQL after a full restart").isEqualTo(expected);
    }

    @Test
    void sigkillOfTheOwnerLosesNoAcknowledgedWrite() throws Exception {
        String doc = cluster.document("owner-killed");
        Node owner = ownedBy(cluster.node(1), doc);
        List<Node> survivors = cluster.others(owner);
        Traffic traffic = traffic(doc, owner, 200);
        List<Subscriber> watching = traffic.watching();
        Subscriber stranded = traffic.onTarget();
        List<Writer> onSurvivors = traffic.fromOthers();
        List<Writer> all = traffic.all();

        long killedAt = System.nanoTime();
        owner.kill();
        Takeover takeover = awaitTakeover(doc, owner, onSurvivors, killedAt);
        log("SIGKILL of owner %s: %s", owner.id(), takeover);
        Thread.sleep(2_000); // writes go on through the new owner
        stopAndAssertAnswered(onSurvivors, survivors, all);
        takeover.assertWithinBound("the owner's SIGKILL");
        Node newOwner = cluster.node(takeover.newOwner());
        assertThat(newOwner).as("the new owner of %s after %s's SIGKILL", doc, owner.id()).isIn(survivors);

        List<Writer.Ack> acks = Checks.acks(all);
        Checks.assertVersionsUnique(acks);
        ObjectNode state = Checks.state(survivors.get(0), doc);
        Checks.assertAcksPresent(state, acks, "after the takeover, on " + survivors.get(0).id());
        for (Subscriber subscriber : watching) {
            Checks.assertConverges(subscriber.mirror(), state, subscriber.client().name() + " across the takeover");
        }
        // the dead node's client comes back on a survivor and resumes from what it saw
        long seen = stranded.mirror().version();
        var resumed = stranded.resumeOn(survivors.get(1));
        Checks.assertConverges(stranded.mirror(), state, "the dead owner's subscriber resumed on " + survivors.get(1).id()
                + " since v" + seen + " (" + resumed + ")");

        cluster.startAll(); // the killed node back, on the same database
        ObjectNode everywhere = assertEverywhere(doc, acks, "after the killed owner restarted");
        assertAfterFullRestart(doc, acks, everywhere);
        log("owner SIGKILL: %d acknowledged writes, all on every node and after a full restart; watchers' resets %s",
                acks.size(), watching.stream().map(s -> s.mirror().resets()).toList());
    }

    /**
     * How a document changed hands: when its lease in Redis named another node, and when a write
     * sent after the failure was first acknowledged (the document served again).
     */
    record Takeover(String document, String oldOwner, String newOwner, long leaseMovedNanos, long servedNanos) {

        void assertWithinBound(String after) {
            assertThat(Duration.ofNanos(leaseMovedNanos)).as("%s: the lease of %s moved after %s (lease %s)", document,
                    oldOwner, after, ClusterHarness.LEASE_TTL).isLessThan(ClusterHarness.TAKEOVER_BOUND);
            assertThat(Duration.ofNanos(servedNanos)).as("%s: a write sent after %s acknowledged (lease %s)", document,
                    after, ClusterHarness.LEASE_TTL).isLessThan(ClusterHarness.TAKEOVER_BOUND);
        }

        @Override
        public String toString() {
            return document + " taken over by " + newOwner + ": lease moved after "
                    + TimeUnit.NANOSECONDS.toMillis(leaseMovedNanos) + " ms, a write sent after the failure acknowledged after "
                    + TimeUnit.NANOSECONDS.toMillis(servedNanos) + " ms";
        }
    }

    /** Waits (bounded, well past the takeover bound so that a slow takeover is measured, not cut) for both. */
    private static Takeover awaitTakeover(String doc, Node oldOwner, List<Writer> writers, long since)
            throws InterruptedException {
        long deadline = since + ClusterHarness.TAKEOVER_BOUND.plusSeconds(15).toNanos();
        long moved = -1;
        String newOwner = null;
        long served = -1;
        while (System.nanoTime() < deadline && (moved < 0 || served < 0)) {
            if (moved < 0) {
                String holder = cluster.holder(doc);
                if (holder != null && !holder.equals(oldOwner.id())) {
                    moved = System.nanoTime() - since;
                    newOwner = holder;
                }
            }
            if (served < 0) {
                served = firstAckSentAfter(writers, since);
            }
            Thread.sleep(20);
        }
        if (moved < 0 || served < 0) {
            throw new AssertionError(doc + " not taken over within " + ClusterHarness.TAKEOVER_BOUND.plusSeconds(15)
                    + " of the failure of its owner " + oldOwner.id() + ": lease holder now " + cluster.holder(doc)
                    + ", writers " + writers);
        }
        return new Takeover(doc, oldOwner.id(), newOwner, moved, served);
    }

    /** @return nanoseconds from {@code since} to the first ack of a write sent after it, or -1 */
    private static long firstAckSentAfter(List<Writer> writers, long since) {
        long first = Long.MAX_VALUE;
        for (Writer writer : writers) {
            for (Writer.Ack ack : writer.acks()) {
                if (ack.sentNanos() > since) {
                    first = Math.min(first, ack.ackNanos());
                }
            }
        }
        return first == Long.MAX_VALUE ? -1 : first - since;
    }

    @Test
    void sigkillOfANodeOwningNothingStopsNobody() throws Exception {
        String doc = cluster.document("bystander-killed");
        Node owner = ownedBy(cluster.node(2), doc);
        Node victim = cluster.others(owner).get(1);
        List<Node> survivors = cluster.others(victim);
        Traffic traffic = traffic(doc, victim, 150);
        List<Subscriber> watching = traffic.watching();
        Subscriber stranded = traffic.onTarget();
        List<Writer> onSurvivors = traffic.fromOthers();
        List<Writer> all = traffic.all();

        victim.kill();
        long seen = stranded.mirror().version();
        var resumed = stranded.resumeOn(owner == survivors.get(0) ? survivors.get(1) : survivors.get(0));
        Thread.sleep(2_000);
        stopAndAssertAnswered(onSurvivors, survivors, all);
        for (Writer writer : onSurvivors) {
            assertThat(writer.errorCount()).as("refused writes of %s while a node owning nothing died: %s", writer.name(),
                    writer.errors()).isZero();
        }
        assertThat(cluster.holder(doc)).as("the owner of %s after %s died", doc, victim.id()).isEqualTo(owner.id());

        List<Writer.Ack> acks = Checks.acks(all);
        Checks.assertVersionsUnique(acks);
        ObjectNode state = Checks.state(owner, doc);
        Checks.assertAcksPresent(state, acks, "on the owner " + owner.id());
        for (Subscriber subscriber : watching) {
            Checks.assertConverges(subscriber.mirror(), state, subscriber.client().name());
        }
        Checks.assertConverges(stranded.mirror(), state, "the dead node's subscriber resumed since v" + seen + " (" + resumed + ")");
        cluster.startAll();
        assertEverywhere(doc, acks, "after " + victim.id() + " restarted");
        log("SIGKILL of %s (owning nothing): %d acknowledged writes, none refused on the survivors; resume since v%d: %s",
                victim.id(), acks.size(), seen, resumed.path("resume").asText());
    }

    @Test
    void aFrozenOwnerAcknowledgesAndStoresNothingAfterItsLeaseWasTaken() throws Exception {
        String doc = cluster.document("owner-frozen");
        Node owner = ownedBy(cluster.node(3), doc);
        Traffic traffic = traffic(doc, owner, 150);
        List<Subscriber> watching = new ArrayList<>(traffic.watching());
        watching.add(traffic.onTarget());
        List<Writer> onOthers = traffic.fromOthers();
        List<Writer> onOwner = traffic.fromTarget();
        List<Writer> all = traffic.all();

        long frozenAt = System.nanoTime();
        owner.pause();
        Takeover takeover;
        try {
            takeover = awaitTakeover(doc, owner, onOthers, frozenAt);
            // stay frozen well past the lease, with writes going on through the new owner
            long frozenFor = ClusterHarness.LEASE_TTL.multipliedBy(3).toNanos();
            Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(frozenAt + frozenFor - System.nanoTime())));
        } finally {
            owner.resume();
        }
        log("owner %s frozen %d ms; %s", owner.id(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozenAt), takeover);
        Thread.sleep(3_000); // the thawed node's queued requests meet a lease that is gone
        stopAndAssertAnswered(all, cluster.nodes(), all);
        takeover.assertWithinBound("the owner froze");
        Node newOwner = cluster.node(takeover.newOwner());

        List<Writer.Ack> acks = Checks.acks(all);
        Checks.assertVersionsUnique(acks); // a stale ack would reuse a version the new owner gave out
        ObjectNode state = Checks.state(newOwner, doc);
        Checks.assertAcksPresent(state, acks, "on the new owner " + newOwner.id());
        for (Subscriber subscriber : watching) {
            Checks.assertConverges(subscriber.mirror(), state, subscriber.client().name());
        }
        ObjectNode everywhere = assertEverywhere(doc, acks, "after the frozen owner thawed");
        assertThat(everywhere).isEqualTo(state);
        assertAfterFullRestart(doc, acks, state); // what PostgreSQL holds is the new owner's document
        log("frozen owner: %d acknowledged writes (%d by the frozen node's clients, errors there %s), all in the new owner's "
                        + "document and in PostgreSQL; resets of the frozen node's watcher: %d",
                acks.size(), Checks.acks(onOwner).size(), onOwner.stream().map(Writer::errorCodes).toList(),
                traffic.onTarget().mirror().resets());
    }
}
