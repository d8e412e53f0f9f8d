package dev.hookline.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Subscribe;
import dev.hookline.server.config.ServerConfig;
import dev.hookline.server.testsupport.WsClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Subscriptions: the onSubscribe hook, whole-segment matching, keys, and resume after a reconnect. */
class SubscriptionTest extends LiveServerSupport {

    private static boolean isData(JsonNode frame) {
        return is(frame, "change") || is(frame, "snapshot") || is(frame, "keys");
    }

    @Test
    void subscribeRewriteMovesTheSubscriptionToTheRewrittenPath() {
        start(new ServerHooks() {
            @Override
            public Subscribe onSubscribe(Subscribe subscribe, HookContext context) {
                events.add(subscribe.document() + " " + subscribe.path() + " " + subscribe.kind());
                return subscribe.path().equals("me") ? subscribe.withPath("users/ann") : null;
            }
        });
        WsClient ann = client();
        WsClient bob = client();
        ann.openOk("board");
        bob.openOk("board");
        WsClient.ok(bob.set("board", "users/ann", json("{'name':'Ann'}")));

        JsonNode ack = WsClient.ok(ann.subscribe("board", "me"));
        assertThat(ack.get("path").asText()).isEqualTo("users/ann");
        JsonNode snapshot = ann.await("snapshot");
        assertThat(snapshot.get("path").asText()).isEqualTo("users/ann");
        assertThat(snapshot.get("value")).isEqualTo(json("{'name':'Ann'}"));

        WsClient.ok(bob.set("board", "me", number(1)));
        WsClient.ok(bob.set("board", "users/bob", number(2)));
        WsClient.ok(bob.set("board", "users/ann/age", number(30)));
        JsonNode change = ann.await("change");
        assertThat(change.get("path").asText()).isEqualTo("users/ann/age");
        assertThat(ann.collect(SubscriptionTest::isData, QUIET)).isEmpty();
        assertThat(events).containsExactly("board me VALUE");
    }

    @Test
    void subscribeRejectDeniesTheReadAndSubscribesNothing() {
        start(new ServerHooks() {
            @Override
            public Subscribe onSubscribe(Subscribe subscribe, HookContext context) {
                if (subscribe.path().startsWith("secrets")) {
                    throw new Reject(4403, "no reading secrets");
                }
                return null;
            }
        });
        WsClient ann = client();
        WsClient bob = client();
        ann.openOk("board");
        bob.openOk("board");

        JsonNode denied = error(ann.subscribe("board", "secrets"), 4403);
        assertThat(denied.get("reason").asText()).isEqualTo("no reading secrets");
        error(subscribeKeys(ann, "board", "secrets/keys"), 4403);
        WsClient.ok(bob.set("board", "secrets/pin", number(1234)));
        WsClient.ok(bob.set("board", "secrets", json("{'all':1}")));

        assertThat(ann.collect(SubscriptionTest::isData, QUIET)).isEmpty();
    }

    @Test
    void aSubscriberHearsOnlyItsWholeSegmentSubtreeAndItsAncestors() {
        start();
        WsClient ann = client();
        WsClient bob = client();
        ann.openOk("game");
        bob.openOk("game");
        WsClient.ok(ann.subscribe("game", "players/1"));
        assertThat(ann.await("snapshot").get("value").isNull()).isTrue();

        WsClient.ok(bob.set("game", "players/10", json("{'n':10}")));
        WsClient.ok(bob.set("game", "players/1/name", text("one")));
        WsClient.ok(bob.set("game", "players/10/name", text("ten")));
        WsClient.ok(bob.set("game", "players/2", text("two")));
        WsClient.ok(delete(bob, "game", "players/10"));
        WsClient.ok(delete(bob, "game", "players"));

        JsonNode name = ann.await("change");
        assertThat(name.get("path").asText()).isEqualTo("players/1/name");
        assertThat(name.get("value").asText()).isEqualTo("one");
        JsonNode gone = ann.await("change");
        assertThat(gone.get("path").asText()).isEqualTo("players");
        assertThat(gone.get("op").asText()).isEqualTo("delete");
        assertThat(gone.get("version").asLong()).isEqualTo(6);
        assertThat(ann.collect(SubscriptionTest::isData, QUIET)).isEmpty();
    }

    @Test
    void keysSubscriptionsGetTheKeysAddedAndRemoved() {
        start();
        WsClient ann = client();
        WsClient bob = client();
        ann.openOk("game");
        bob.openOk("game");
        WsClient.ok(bob.set("game", "players/a", number(1)));
        JsonNode ack = WsClient.ok(subscribeKeys(ann, "game", "players"));
        assertThat(ack.get("keys").asBoolean()).isTrue();
        assertThat(ann.await("snapshot").get("keys")).isEqualTo(json("['a']"));

        WsClient.ok(bob.set("game", "players/b", number(2)));
        JsonNode added = ann.await("keys");
        assertThat(added.get("path").asText()).isEqualTo("players");
        assertThat(added.get("added")).isEqualTo(json("['b']"));
        assertThat(added.get("removed")).isEqualTo(json("[]"));

        WsClient.ok(bob.set("game", "players/b", number(3))); // same keys: no frame
        WsClient.ok(bob.set("game", "other/c", number(3))); // elsewhere: no frame
        WsClient.ok(delete(bob, "game", "players/a"));
        JsonNode removed = ann.await("keys");
        assertThat(removed.get("added")).isEqualTo(json("[]"));
        assertThat(removed.get("removed")).isEqualTo(json("['a']"));

        WsClient.ok(bob.set("game", "players", json("{'x':1,'b':2}")));
        JsonNode replaced = ann.await("keys");
        assertThat(replaced.get("added")).isEqualTo(json("['x']"));
        assertThat(replaced.get("removed")).isEqualTo(json("[]"));
        assertThat(ann.collect(SubscriptionTest::isData, QUIET)).isEmpty();
    }

    @Test
    void unsubscribeStopsTheChanges() {
        start();
        WsClient ann = client();
        ann.openOk("game");
        JsonNode ack = WsClient.ok(ann.subscribe("game", "score"));
        ann.await("snapshot");
        WsClient.ok(ann.request(ann.frame("unsub").put("doc", "game").put("sub", ack.get("sub").asLong())));
        WsClient.ok(ann.set("game", "score", number(1)));
        assertThat(ann.collect(SubscriptionTest::isData, QUIET)).isEmpty();
        error(ann.request(ann.frame("unsub").put("doc", "game").put("sub", 999_999)), 4404);
    }

    // ---- resume ---------------------------------------------------------------------------------------

    /** Ann subscribes to players/1 and disconnects; returns the version she saw. */
    private long subscribeAndDisconnect(WsClient ann) {
        ann.openOk("game");
        WsClient.ok(ann.subscribe("game", "players/1"));
        long seen = ann.await("snapshot").get("version").asLong();
        ann.close();
        return seen;
    }

    @Test
    void aReconnectingClientGetsExactlyTheMissedChangesUnderItsPath() {
        start();
        WsClient bob = client();
        bob.openOk("game");
        WsClient.ok(bob.set("game", "players/1", json("{'name':'one'}")));
        long v = subscribeAndDisconnect(client());
        assertThat(v).isEqualTo(1);

        WsClient.ok(bob.set("game", "players/1/name", text("uno")));   // v2, under
        WsClient.ok(bob.set("game", "players/10", text("ten")));       // v3, not
        WsClient.ok(bob.set("game", "players/1/score", number(5)));    // v4, under

        WsClient ann = client();
        ann.openOk("game");
        JsonNode ack = WsClient.ok(subscribeSince(ann, "game", "players/1", v));
        assertThat(ack.get("resume").asText()).isEqualTo("replay");
        assertThat(ack.get("version").asLong()).isEqualTo(4);
        JsonNode first = ann.await("change");
        JsonNode second = ann.await("change");
        assertThat(List.of(first.get("version").asLong(), second.get("version").asLong())).containsExactly(2L, 4L);
        assertThat(first.get("path").asText()).isEqualTo("players/1/name");
        assertThat(second.get("path").asText()).isEqualTo("players/1/score");
        assertThat(ann.collect(SubscriptionTest::isData, QUIET)).isEmpty();

        // And it is live again afterwards.
        WsClient.ok(bob.set("game", "players/1/name", text("eins")));
        assertThat(ann.await("change").get("version").asLong()).isEqualTo(5);
    }

    @Test
    void aClientThatMissedMoreThanTheLogHoldsGetsAResetSnapshot() {
        start(ServerConfig.DEFAULTS.withAddress("127.0.0.1", 0).withChangeLogSize(2));
        WsClient bob = client();
        bob.openOk("game");
        long v = subscribeAndDisconnect(client());
        for (int i = 1; i <= 5; i++) {
            WsClient.ok(bob.set("game", "players/1/n", number(i)));
        }

        WsClient ann = client();
        ann.openOk("game");
        JsonNode ack = WsClient.ok(subscribeSince(ann, "game", "players/1", v));
        assertThat(ack.get("resume").asText()).isEqualTo("reset");
        JsonNode snapshot = ann.await(f -> is(f, "snapshot"), "the reset snapshot");
        assertThat(snapshot.get("reset").asBoolean()).isTrue();
        assertThat(snapshot.get("version").asLong()).isEqualTo(5);
        assertThat(snapshot.get("value")).isEqualTo(json("{'n':5}"));
        assertThat(ann.collect(SubscriptionTest::isData, QUIET)).isEmpty();
    }

    @Test
    void aClientThatIsUpToDateGetsAnEmptyReplay() {
        start();
        WsClient bob = client();
        bob.openOk("game");
        WsClient.ok(bob.set("game", "players/1", number(1)));
        WsClient.ok(bob.set("game", "players/2", number(2)));
        long v = subscribeAndDisconnect(client());

        WsClient ann = client();
        ann.openOk("game");
        JsonNode ack = WsClient.ok(subscribeSince(ann, "game", "players/1", v));
        assertThat(ack.get("resume").asText()).isEqualTo("replay");
        assertThat(ack.get("version").asLong()).isEqualTo(v);
        assertThat(ann.collect(SubscriptionTest::isData, QUIET)).isEmpty();
    }

    @Test
    void aPlainSubscriptionGetsASnapshotNotAReset() {
        start();
        WsClient ann = client();
        ann.openOk("game");
        JsonNode ack = WsClient.ok(ann.subscribe("game", ""));
        assertThat(ack.get("resume").asText()).isEqualTo("snapshot");
        assertThat(ann.await("snapshot").get("reset").asBoolean()).isFalse();
    }
}
