package dev.hookline.faults.cluster;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * What the cluster tests share: the clients a test opens are closed after it, whatever happened,
 * so the nodes (shared between the tests of a class) start each test without leftovers.
 */
abstract class ClusterTestBase {

    private final List<JsonClient> clients = new ArrayList<>();
    private final List<Subscriber> subscribers = new ArrayList<>();

    /** A client of {@code node}, closed after the test. */
    JsonClient client(Node node, String name) {
        JsonClient client = node.client(name);
        clients.add(client);
        return client;
    }

    /** A root subscriber of {@code doc} on {@code node}, closed after the test (its latest connection). */
    Subscriber subscriber(Node node, String name, String doc) {
        Subscriber subscriber = Subscriber.on(node, name, doc);
        subscribers.add(subscriber);
        return subscriber;
    }

    /** A client that has {@code doc} open, writing {@code count} times with {@code window} in flight. */
    Writer writer(Node node, String name, String doc, int window, int count) {
        JsonClient client = client(node, name);
        client.ack(client.open(doc), "open " + doc);
        return new Writer(name, client, doc, window, Writer.PACE_MILLIS).start(count);
    }

    /**
     * A write every 100 ms whatever happened to the previous ones (up to 200 in flight): the
     * first ack of a write sent after a node died says when the document was served again, even
     * while the ordinary writers' windows are full of requests waiting for a dead owner.
     */
    Writer probe(Node node, String name, String doc) {
        JsonClient client = client(node, name);
        client.ack(client.open(doc), "open " + doc);
        return new Writer(name, client, doc, 200, 100).start(100_000);
    }

    @AfterEach
    void closeClients() {
        clients.forEach(JsonClient::close);
        subscribers.forEach(s -> s.client().close());
        clients.clear();
        subscribers.clear();
    }

    static void log(String format, Object... args) {
        ClusterHarness.log(format, args);
    }
}
