package dev.hookline.faults.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the cluster tests assert, each with a message that says what was wrong where. */
final class Checks {

    private Checks() {
    }

    /** A document as a node serves it now: a fresh client, open, a root subscription, its snapshot. */
    static ObjectNode state(Node node, String doc) {
        try (JsonClient reader = node.client("reader")) {
            reader.ack(reader.open(doc), "open " + doc);
            JsonNode ack = reader.ack(reader.sub(doc, "", null), "sub " + doc);
            long sub = ack.path("sub").asLong();
            JsonNode snapshot = reader.awaitFrame(f -> "snapshot".equals(f.path("type").asText())
                    && doc.equals(f.path("doc").asText()) && f.path("sub").asLong() == sub, Duration.ofSeconds(10),
                    "snapshot of " + doc);
            JsonNode value = snapshot.get("value");
            return value instanceof ObjectNode object ? object : JsonClient.JSON.createObjectNode();
        }
    }

    /** Every acknowledged write is in {@code state} with its value. */
    static void assertAcksPresent(ObjectNode state, Collection<Writer.Ack> acks, String where) {
        List<String> missing = new ArrayList<>();
        for (Writer.Ack ack : acks) {
            JsonNode actual = state.at("/" + ack.path());
            if (!ack.value().equals(actual)) {
                missing.add(ack.path() + " (acked as v" + ack.version() + " with " + ack.value() + ", found " + actual + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new AssertionError(where + ": " + missing.size() + " of " + acks.size()
                    + " acknowledged writes are missing or changed: "
                    + (missing.size() > 10 ? missing.subList(0, 10) + " ..." : missing));
        }
    }

    /**
     * No two acks for different writes carry the same version: one document has one sequence of
     * versions, whichever node acknowledged (a stale owner acking on would break this).
     */
    static void assertVersionsUnique(Collection<Writer.Ack> acks) {
        Map<Long, Writer.Ack> byVersion = new HashMap<>();
        List<String> clashes = new ArrayList<>();
        for (Writer.Ack ack : acks) {
            Writer.Ack other = byVersion.putIfAbsent(ack.version(), ack);
            if (other != null) {
                clashes.add("v" + ack.version() + ": " + other.path() + " and " + ack.path());
            }
        }
        if (!clashes.isEmpty()) {
            throw new AssertionError(clashes.size() + " versions were acknowledged for two writes: "
                    + (clashes.size() > 10 ? clashes.subList(0, 10) + " ..." : clashes));
        }
    }

    /** Waits (bounded) until the mirror holds {@code state}; fails with its gaps, if any, first. */
    static void assertConverges(Mirror mirror, ObjectNode state, String where) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!mirror.state().equals(state) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (!mirror.gaps().isEmpty()) {
            throw new AssertionError(where + ": the subscription skipped versions without a reset: " + mirror.gaps());
        }
        if (!mirror.state().equals(state)) {
            throw new AssertionError(where + ": the subscription's data (v" + mirror.version() + ", "
                    + mirror.state().size() + " writers' keys) never matched the document (" + state.size()
                    + " writers' keys) within 15 s:\n  subscription: " + mirror.state() + "\n  document:     " + state);
        }
    }

    /** Waits (bounded) until the mirror has applied {@code version}. */
    static void awaitVersion(Mirror mirror, long version, String where) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (mirror.version() < version && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (mirror.version() < version) {
            throw new AssertionError(where + ": the subscription reached only v" + mirror.version() + " of v" + version
                    + " within 15 s (gaps: " + mirror.gaps() + ")");
        }
    }

    static List<Writer.Ack> acks(Collection<Writer> writers) {
        List<Writer.Ack> acks = new ArrayList<>();
        writers.forEach(w -> acks.addAll(w.acks()));
        return acks;
    }
}
