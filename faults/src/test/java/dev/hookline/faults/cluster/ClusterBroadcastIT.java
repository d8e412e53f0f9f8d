package dev.hookline.faults.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three nodes sharing documents, nobody killed: every subscriber on every node sees one sequence
 * of changes, acks carry the versions of that sequence, presence and stateless messages cross
 * nodes, and a client resumes on another node without a gap. The three nodes are shared by the
 * tests (none of them stops a node).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterBroadcastIT extends SharedClusterTestBase {

    @Test
    void everySubscriberSeesOneSequenceAndEveryAckIsInIt() throws Exception {
        String doc = cluster.document("broadcast");
        List<Subscriber> subscribers = new ArrayList<>();
        for (Node node : cluster.nodes()) {
            subscribers.add(subscriber(node, "subscriber", doc));
        }
        Node owner = cluster.owner(doc, Duration.ofSeconds(10));
        List<Writer> writers = new ArrayList<>();
        for (Node node : cluster.nodes()) {
            for (int w = 1; w <= 2; w++) {
                writers.add(writer(node, node.id() + "w" + w, doc, 4, 60));
            }
        }
        for (Writer writer : writers) {
            assertThat(writer.awaitAnswered(60)).as("%s answered within 60 s", writer).isTrue();
        }
        writers.forEach(w -> log("%s", w));
        for (Writer writer : writers) {
            assertThat(writer.errorCount() + writer.lost()).as("refused or lost writes of %s: %s", writer.name(),
                    writer.errors()).isZero();
        }

        List<Writer.Ack> acks = Checks.acks(writers);
        Checks.assertVersionsUnique(acks);
        long last = acks.stream().mapToLong(Writer.Ack::version).max().orElseThrow();
        for (Subscriber subscriber : subscribers) {
            Checks.awaitVersion(subscriber.mirror(), last, subscriber.client().name());
        }
        List<Mirror.Step> sequence = subscribers.get(0).mirror().steps();
        for (Subscriber subscriber : subscribers) {
            assertThat(subscriber.mirror().gaps()).as("gaps seen by %s", subscriber.client().name()).isEmpty();
            assertThat(subscriber.mirror().steps()).as("the changes %s saw, against %s's", subscriber.client().name(),
                    subscribers.get(0).client().name()).isEqualTo(sequence);
        }
        for (Writer.Ack ack : acks) {
            assertThat(sequence).as("the change of %s's ack v%d", ack.path(), ack.version())
                    .contains(new Mirror.Step(ack.version(), "set", ack.path(), ack.value()));
        }
        assertThat(sequence).hasSize(acks.size());
        for (Node node : cluster.nodes()) {
            Checks.assertAcksPresent(Checks.state(node, doc), acks, "read on " + node.id());
        }
        assertOwnership(owner);
        log("broadcast: %d writes from 6 clients on 3 nodes, owner %s; 3 subscribers saw the same %d changes v%d..v%d",
                acks.size(), owner.id(), sequence.size(), sequence.get(0).version(), last);
    }

    /** {@code /health} counts the document for its owner, and {@code /metrics} has the cluster meters. */
    private static void assertOwnership(Node owner) throws Exception {
        JsonNode health = owner.cluster();
        assertThat(health.path("documentsOwned").asInt()).as("documentsOwned of the owner %s: %s", owner.id(), health)
                .isGreaterThanOrEqualTo(1);
        for (Node node : cluster.nodes()) {
            String metrics = node.metrics();
            assertThat(metrics).as("/metrics of %s", node.id()).contains("hookline_cluster_");
        }
    }

    @Test
    void presenceAndStatelessReachMembersOnEveryNode() throws Exception {
        String doc = cluster.document("presence");
        List<JsonClient> members = new ArrayList<>();
        for (Node node : cluster.nodes()) {
            JsonClient member = client(node, "member");
            member.ack(member.open(doc), "open " + doc);
            members.add(member);
        }
        assertThat(members.stream().map(JsonClient::conn).distinct().count())
                .as("connection ids across the cluster (presence names members by them): %s",
                        members.stream().map(JsonClient::conn).toList())
                .isEqualTo(3);

        JsonClient first = members.get(0);
        ObjectNode state = JsonClient.JSON.createObjectNode().put("name", "Ann").put("node", "n1");
        first.ack(first.presence(doc, state), "presence");
        for (JsonClient other : members.subList(1, 3)) {
            other.awaitFrame(f -> isPresence(f, doc, first.conn(), state), Duration.ofSeconds(10),
                    "presence of " + first.conn() + " from another node");
        }

        // a member joining later, on the third node, gets the state before its open ack
        JsonClient late = client(cluster.node(3), "late");
        late.ack(late.open(doc), "open " + doc);
        List<JsonNode> frames = late.frames();
        int ackAt = indexOf(frames, f -> "ack".equals(f.path("type").asText()));
        int presenceAt = indexOf(frames, f -> isPresence(f, doc, first.conn(), state));
        assertThat(presenceAt).as("the late member's frames: %s", frames).isGreaterThanOrEqualTo(0).isLessThan(ackAt);

        JsonClient second = members.get(1);
        ObjectNode payload = JsonClient.JSON.createObjectNode().put("kind", "emoji").put("from", "n2");
        second.ack(second.stateless(doc, payload), "stateless");
        for (JsonClient other : List.of(members.get(0), members.get(2), late)) {
            other.awaitFrame(f -> "stateless".equals(f.path("type").asText()) && doc.equals(f.path("doc").asText())
                    && payload.equals(f.get("payload")), Duration.ofSeconds(10), "the stateless message of n2");
        }
        Thread.sleep(300);
        assertThat(second.frames()).as("the sender gets no copy of its stateless message")
                .noneMatch(f -> "stateless".equals(f.path("type").asText()));

        first.close(); // leaving clears the state for everyone, on every node
        for (JsonClient other : List.of(members.get(1), members.get(2), late)) {
            other.awaitFrame(f -> "presence".equals(f.path("type").asText()) && first.conn().equals(f.path("conn").asText())
                    && f.path("state").isNull(), Duration.ofSeconds(10), "presence null of the disconnected n1 member");
        }
        log("presence and stateless crossed the 3 nodes");
    }

    private static boolean isPresence(JsonNode frame, String doc, String conn, JsonNode state) {
        return "presence".equals(frame.path("type").asText()) && doc.equals(frame.path("doc").asText())
                && conn.equals(frame.path("conn").asText()) && state.equals(frame.get("state"));
    }

    private static int indexOf(List<JsonNode> frames, java.util.function.Predicate<JsonNode> test) {
        for (int i = 0; i < frames.size(); i++) {
            if (test.test(frames.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aClientResumesOnAnotherNodeWithoutAGap() throws Exception {
        String doc = cluster.document("resume");
        Node a = cluster.node(1);
        Node b = cluster.node(2);
        Node c = cluster.node(3);
        Subscriber roaming = subscriber(a, "roaming", doc);
        JsonClient writer = client(c, "writer");
        writer.ack(writer.open(doc), "open " + doc);
        for (int i = 0; i < 20; i++) {
            writer.ack(writer.set(doc, "before/k" + i, JsonClient.JSON.getNodeFactory().numberNode(i)), "write " + i);
        }
        Checks.awaitVersion(roaming.mirror(), lastVersion(writer), "roaming on " + a.id());
        long seen = roaming.mirror().version();

        // nothing missed: a resume on another node replays nothing and loses nothing
        JsonNode upToDate = roaming.resumeOn(b);
        assertThat(upToDate.path("resume").asText()).as("resume at the current version on %s: %s", b.id(), upToDate)
                .isIn("replay", "reset");
        if ("replay".equals(upToDate.path("resume").asText())) {
            assertThat(upToDate.path("version").asLong()).isEqualTo(seen);
        }

        // missed writes: the client is away while another node's client writes, then comes back on a third node
        roaming.client().abort();
        for (int i = 0; i < 30; i++) {
            writer.ack(writer.set(doc, "away/k" + i, JsonClient.JSON.getNodeFactory().numberNode(i)), "write " + i);
        }
        JsonNode resumed = roaming.resumeOn(c);
        for (int i = 0; i < 10; i++) {
            writer.ack(writer.set(doc, "after/k" + i, JsonClient.JSON.getNodeFactory().numberNode(i)), "write " + i);
        }
        ObjectNode state = Checks.state(b, doc);
        Checks.assertConverges(roaming.mirror(), state, "roaming, resumed on " + c.id() + " with since " + seen);
        log("resume on another node: since v%d answered %s at v%d; %d changes applied, %d reset snapshot(s)",
                seen, resumed.path("resume").asText(), resumed.path("version").asLong(), roaming.mirror().steps().size(),
                roaming.mirror().resets());
    }

    /** The version of the writer's last acknowledged write. */
    private static long lastVersion(JsonClient writer) {
        return writer.frames().stream().filter(f -> "ack".equals(f.path("type").asText()) && f.has("version"))
                .mapToLong(f -> f.path("version").asLong()).max().orElse(0);
    }
}
