package dev.hookline.faults.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * A client holding a root subscription of one document in a {@link Mirror}, and able to carry that
 * subscription over to another connection (another node) with {@code since}, as protocol.md's
 * reconnect checklist says.
 */
final class Subscriber {

    private final String name;
    private final String doc;
    private final Mirror mirror;
    private volatile JsonClient client;

    private Subscriber(String name, String doc) {
        this.name = name;
        this.doc = doc;
        this.mirror = new Mirror(doc);
    }

    /** Connects to {@code node}, opens {@code doc}, subscribes to its root and waits for the snapshot. */
    static Subscriber on(Node node, String name, String doc) {
        Subscriber subscriber = new Subscriber(name, doc);
        subscriber.connect(node, null);
        return subscriber;
    }

    /**
     * Reconnects to {@code node} and resumes with {@code since} = the last version seen.
     *
     * @return the {@code sub} ack ({@code resume} says replay or reset)
     */
    JsonNode resumeOn(Node node) {
        long since = mirror.version();
        JsonClient old = client;
        if (old != null) {
            old.abort();
        }
        return connect(node, since);
    }

    private JsonNode connect(Node node, Long since) {
        JsonClient fresh = node.client(name);
        fresh.onFrame(mirror::accept);
        client = fresh;
        fresh.ack(fresh.open(doc), "open " + doc);
        JsonNode ack = fresh.ack(fresh.sub(doc, "", since), "sub " + doc + (since == null ? "" : " since " + since));
        long version = ack.path("version").asLong();
        if (since == null || !"replay".equals(ack.path("resume").asText())) {
            fresh.awaitFrame(f -> "snapshot".equals(f.path("type").asText()) && doc.equals(f.path("doc").asText()),
                    Duration.ofSeconds(10), "snapshot after " + ack);
        }
        if (since != null && "replay".equals(ack.path("resume").asText()) && version > since) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (mirror.version() < version && System.nanoTime() < deadline) {
                sleep(10); // the replayed changes follow the ack
            }
        }
        return ack;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    JsonClient client() {
        return client;
    }

    Mirror mirror() {
        return mirror;
    }

    String name() {
        return name;
    }
}
