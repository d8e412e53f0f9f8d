package dev.hookline.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.Connection;
import dev.hookline.api.payload.Connected;
import dev.hookline.api.payload.Disconnect;
import dev.hookline.api.payload.Leave;
import dev.hookline.api.payload.StoreDocument;
import dev.hookline.server.config.ServerConfig;
import dev.hookline.server.config.ServerConfig.DataLimits;
import dev.hookline.server.testsupport.WsClient;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The data limits of issue #9 over real sockets: change logs bounded by bytes per document and in
 * total (a resume then gets a reset, never a gap), stateless and presence payloads bounded, and
 * subscriptions per connection bounded. Whoever is under a limit goes on being served.
 */
class DataLimitsTest extends LiveServerSupport {

    /** About 1,000 bytes of value: a change frame of about 1,100 bytes. */
    private static final String KILOBYTE = "x".repeat(1000);

    private static final DataLimits ROOMY = new DataLimits(1_000_000, 10_000_000, 65536, 65536, 1000);

    private void start(DataLimits limits, ServerHooks... hooks) {
        start(ServerConfig.DEFAULTS.withAddress("127.0.0.1", 0).withData(limits), hooks);
    }

    /** Writes {@code count} values of about 1 KB to {@code doc}; returns the last version. */
    private static long writeKilobytes(WsClient writer, String doc, int count) {
        long version = -1;
        for (int i = 0; i < count; i++) {
            version = WsClient.ok(writer.set(doc, "k" + i, text(KILOBYTE))).get("version").asLong();
        }
        return version;
    }

    /** A client that opened {@code doc}. */
    private WsClient member(String doc) {
        WsClient client = client();
        client.openOk(doc);
        return client;
    }

    /** Subscribes to the root resuming from {@code since}; returns the ack (resume: replay or reset). */
    private JsonNode resume(String doc, long since) {
        return WsClient.ok(subscribeSince(member(doc), doc, "", since));
    }

    // ---- change log bytes ---------------------------------------------------------------------------

    @Test
    void aChangeLogOverItsBytesDropsItsOldestChangesAndAResumeFromThemIsAReset() throws Exception {
        // 1,000 entries would keep every change; 5,000 bytes keep the last four or so.
        start(new DataLimits(5_000, 10_000_000, 65536, 65536, 1000));
        WsClient writer = client();
        writer.openOk("big");
        long last = writeKilobytes(writer, "big", 12);
        assertThat(last).isEqualTo(12);
        assertThat(server.changeLogBytes()).isPositive().isLessThanOrEqualTo(5_000);
        // Operators see it in /metrics.
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), BodyHandlers.ofString()).body();
        assertThat(metrics).contains("hookline_change_log_bytes " + (double) server.changeLogBytes())
                .contains("hookline_change_log_limit_bytes 1.0E7");

        JsonNode old = resume("big", 1);
        assertThat(old.get("resume").asText()).as("version 2 was dropped: reset, not a gap").isEqualTo("reset");

        WsClient recent = client();
        recent.openOk("big");
        JsonNode replay = WsClient.ok(subscribeSince(recent, "big", "", last - 2));
        assertThat(replay.get("resume").asText()).isEqualTo("replay");
        List<Long> versions = new ArrayList<>();
        versions.add(recent.await("change").get("version").asLong());
        versions.add(recent.await("change").get("version").asLong());
        assertThat(versions).containsExactly(last - 1, last);
        assertThat(recent.collect(f -> is(f, "change"), QUIET)).isEmpty();
    }

    @Test
    void theLogsTogetherStayUnderTheTotalTheDocumentWrittenGivesUpItsOwnOldest() {
        start(new DataLimits(1_000_000, 6_000, 65536, 65536, 1000));
        WsClient writer = client();
        writer.openOk("first");
        writer.openOk("second");
        writeKilobytes(writer, "first", 4); // about 4,400 bytes
        long second = writeKilobytes(writer, "second", 4);
        assertThat(server.changeLogBytes()).isLessThanOrEqualTo(6_000);

        // The first document kept its changes; the second, written while the total was full, kept its newest.
        assertThat(resume("first", 0).get("resume").asText()).isEqualTo("replay");
        assertThat(resume("second", second - 1).get("resume").asText()).isEqualTo("replay");
        assertThat(resume("second", 0).get("resume").asText()).isEqualTo("reset");
        // Writes go on being acknowledged at the limit.
        WsClient.ok(writer.set("first", "more", text(KILOBYTE)));
        assertThat(server.changeLogBytes()).isLessThanOrEqualTo(6_000);
    }

    @Test
    void aDocumentLeavingMemoryGivesItsLogBytesBackAndAClosedConnectionHoldsNothing() {
        start(ROOMY, new ServerHooks() {
            @Override
            public void onStoreDocument(StoreDocument store, HookContext context) {
                // stored: the document may leave memory
            }
        });
        WsClient holder = client();
        WsClient other = client();
        holder.openOk("held");
        other.openOk("held");
        for (int i = 0; i < 20; i++) {
            WsClient.ok(holder.subscribe("held", "p" + i));
        }
        WsClient.ok(presence(holder, "held", json("{'cursor':1}")));
        other.await("presence");
        writeKilobytes(holder, "held", 10);
        assertThat(server.changeLogBytes()).isPositive();

        holder.close();
        // The others hear the closed connection's presence go; the socket leaves the server.
        JsonNode cleared = other.await(f -> is(f, "presence") && f.get("conn").asText().equals(id(holder)), "presence");
        assertThat(cleared.get("state").isNull()).isTrue();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(server.connectionCount()).isEqualTo(1));
        other.close();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(server.connectionCount()).isZero();
            assertThat(server.documentCount()).isZero();
            assertThat(server.changeLogBytes()).isZero();
        });
    }

    @Test
    void aClosedConnectionLeavesEveryDocumentEvenWhenAHookLeftItsThreadInterrupted() {
        start(ROOMY, new ServerHooks() {
            @Override
            public void onLeave(Leave leave, HookContext context) {
                if (leave.document().equals("first")) {
                    // Say a plugin's blocking call was interrupted and it kept the flag set, as it should.
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onDisconnect(Disconnect disconnect, HookContext context) {
                events.add("disconnect");
            }

        });
        WsClient closing = client();
        for (String doc : List.of("first", "second", "third")) {
            closing.openOk(doc); // unchanged: no store timer will come back for them
        }
        assertThat(server.documentCount()).isEqualTo(3);

        closing.close();
        // It was the last member of each: each document leaves memory, and onDisconnect runs.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(events).contains("disconnect");
            assertThat(server.connectionCount()).isZero();
            assertThat(server.documentCount()).isZero();
        });
    }

    @Test
    void aClosedConnectionThatHeldDataAndAFullQueueIsGarbage() throws Exception {
        List<WeakReference<Connection>> seen = new CopyOnWriteArrayList<>();
        // The default keep-alive (15 s): its cancelled timer must not hold the connection until it was due.
        start(ROOMY, new ServerHooks() {
            @Override
            public void connected(Connected connected, HookContext context) {
                seen.add(new WeakReference<>(context.connection().orElseThrow()));
            }
        });
        WsClient holder = client();
        WsClient writer = client();
        holder.openOk("held");
        writer.openOk("held");
        for (int i = 0; i < 20; i++) {
            WsClient.ok(holder.subscribe("held", "p" + i));
        }
        WsClient.ok(holder.subscribe("held", ""));
        WsClient.ok(presence(holder, "held", json("{'cursor':1}")));
        // The holder stops reading: changes pile up in its outbound queue.
        holder.stopReading();
        writeKilobytes(writer, "held", 200);
        WeakReference<Connection> held = seen.get(0);

        holder.close();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(server.connectionCount()).isEqualTo(1));
        // Nothing keeps it: not the document (members, subscriptions, presence), not a timer, not a queue.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            System.gc();
            return held.get() == null;
        });
        // The document still serves the others.
        WsClient.ok(writer.set("held", "after", number(1)));
    }

    // ---- stateless and presence payloads -----------------------------------------------------------

    @Test
    void aStatelessPayloadOverTheLimitIsRefusedAndNotSentTheConnectionStays() {
        start(new DataLimits(1_000_000, 10_000_000, 100, 65536, 1000));
        WsClient ann = member("room");
        WsClient bob = member("room");

        JsonNode refused = error(stateless(ann, "room", text("y".repeat(200))), 4413);
        assertThat(refused.get("reason").asText())
                .isEqualTo("a stateless payload is at most 100 bytes of JSON, this one is 202");
        assertThat(refused.has("doc")).as("a validation error carries no doc").isFalse();
        assertThat(bob.collect(f -> is(f, "stateless"), QUIET)).isEmpty();

        // A payload of exactly the limit passes, and both connections are still served.
        WsClient.ok(stateless(ann, "room", text("z".repeat(98))));
        assertThat(bob.await("stateless").get("payload").asText()).hasSize(98);
        WsClient.ok(stateless(bob, "room", json("{'ok':true}")));
        assertThat(ann.await("stateless").get("payload")).isEqualTo(json("{'ok':true}"));
    }

    @Test
    void aPresenceStateOverTheLimitIsRefusedNotKeptNotSent() {
        start(new DataLimits(1_000_000, 10_000_000, 65536, 100, 1000));
        WsClient ann = member("room");
        WsClient bob = member("room");

        JsonNode refused = error(presence(ann, "room", json("{'name':'" + "n".repeat(200) + "'}")), 4413);
        assertThat(refused.get("reason").asText()).startsWith("a presence state is at most 100 bytes of JSON, this one is ");
        assertThat(bob.collect(f -> is(f, "presence"), QUIET)).isEmpty();
        // Not kept either: a newcomer hears of no state.
        WsClient cid = client();
        cid.openOk("room");
        assertThat(cid.collect(f -> is(f, "presence"), QUIET)).isEmpty();

        WsClient.ok(presence(ann, "room", json("{'name':'Ann'}")));
        assertThat(bob.await("presence").get("state")).isEqualTo(json("{'name':'Ann'}"));
        // Clearing is always allowed.
        WsClient.ok(presence(ann, "room", null));
        assertThat(bob.await("presence").get("state").isNull()).isTrue();
    }

    // ---- subscriptions per connection ----------------------------------------------------------------

    @Test
    void subscriptionsOverTheLimitAreRefusedEndedOnesMakeRoomAndOtherConnectionsAreUnaffected() {
        start(new DataLimits(1_000_000, 10_000_000, 65536, 65536, 5));
        WsClient ann = client();
        ann.openOk("one");
        ann.openOk("two");
        List<Long> subs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            subs.add(WsClient.ok(ann.subscribe("one", "a" + i)).get("sub").asLong());
        }
        WsClient.ok(ann.subscribe("two", "b0"));
        WsClient.ok(ann.subscribe("two", "b1"));

        ObjectNode sixth = ann.frame("sub").put("doc", "one").put("path", "a9");
        JsonNode refused = error(ann.request(sixth), 4429);
        assertThat(refused.get("reason").asText()).isEqualTo("at most 5 subscriptions per connection");
        assertThat(refused.get("id").asLong()).isEqualTo(sixth.get("id").asLong());
        // The refused subscription gets nothing.
        WsClient writer = client();
        writer.openOk("one");
        WsClient.ok(writer.set("one", "a9", number(1)));
        assertThat(ann.collect(f -> is(f, "change") && f.path("path").asText().equals("a9"), QUIET)).isEmpty();

        // Another connection has its own count.
        for (int i = 0; i < 5; i++) {
            WsClient.ok(writer.subscribe("one", "w" + i));
        }

        // Ending one makes room for one.
        WsClient.ok(ann.request(ann.frame("unsub").put("doc", "one").put("sub", subs.get(0))));
        WsClient.ok(ann.subscribe("one", "a9"));
        error(ann.subscribe("one", "a10"), 4429);
        // A reused id is refused by the document and does not count.
        ObjectNode reused = ann.frame("sub").put("doc", "one").put("path", "a1");
        reused.put("id", subs.get(1));
        JsonNode unsub = WsClient.ok(ann.request(ann.frame("unsub").put("doc", "one").put("sub", subs.get(2))));
        assertThat(unsub.get("type").asText()).isEqualTo("ack");
        error(ann.request(reused), 4409);
        WsClient.ok(ann.subscribe("one", "a11"));
        // Leaving a document ends its subscriptions.
        ann.request(ann.frame("leave").put("doc", "two"));
        WsClient.ok(ann.subscribe("one", "a12"));
        WsClient.ok(ann.subscribe("one", "a13"));
        error(ann.subscribe("one", "a14"), 4429);
    }
}
