package dev.hookline.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Awareness;
import dev.hookline.api.payload.AwarenessUpdate;
import dev.hookline.api.payload.BroadcastStateless;
import dev.hookline.api.payload.Stateless;
import dev.hookline.server.testsupport.WsClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Presence (awareness) and stateless messages between the members of a document. */
class PresenceAndStatelessTest extends LiveServerSupport {

    private static boolean isPresence(JsonNode frame) {
        return is(frame, "presence");
    }

    @Test
    void presenceReachesTheOthersAndNewcomersAndIsClearedOnLeave() {
        start(new ServerHooks() {
            @Override
            public void onAwarenessUpdate(AwarenessUpdate update, HookContext context) {
                events.add(update.document() + " " + update.connectionId() + " " + update.state());
            }
        });
        WsClient ann = client();
        WsClient bob = client();
        WsClient other = client();
        ann.openOk("board");
        bob.openOk("board");
        other.openOk("elsewhere");

        WsClient.ok(presence(ann, "board", json("{'cursor':3}")));

        JsonNode seen = bob.await("presence");
        assertThat(seen.get("doc").asText()).isEqualTo("board");
        assertThat(seen.get("conn").asText()).isEqualTo(id(ann));
        assertThat(seen.get("state")).isEqualTo(json("{'cursor':3}"));
        assertThat(ann.collect(PresenceAndStatelessTest::isPresence, QUIET)).isEmpty();
        assertThat(other.collect(PresenceAndStatelessTest::isPresence, Duration.ZERO)).isEmpty();
        assertThat(events).containsExactly("board " + id(ann) + " {\"cursor\":3}");

        // A newcomer gets the states already there when it opens.
        WsClient cid = client();
        cid.openOk("board");
        JsonNode existing = cid.await("presence");
        assertThat(existing.get("conn").asText()).isEqualTo(id(ann));
        assertThat(existing.get("state")).isEqualTo(json("{'cursor':3}"));

        // Leaving clears it for the others, and the hook hears state null.
        ann.close();
        JsonNode cleared = bob.await(f -> isPresence(f) && f.get("conn").asText().equals(id(ann)), "presence cleared");
        assertThat(cleared.get("state").isNull()).isTrue();
        assertThat(cid.await("presence").get("state").isNull()).isTrue();
        await().atMost(Duration.ofSeconds(3)).until(() -> events.contains("board " + id(ann) + " null"));
    }

    @Test
    void beforeHandleAwarenessRewritesTheStateAndItsRejectDropsTheUpdate() {
        start(new ServerHooks() {
            @Override
            public Awareness beforeHandleAwareness(Awareness awareness, HookContext context) {
                if (awareness.state() != null && awareness.state().has("secret")) {
                    throw new Reject(4403, "no secrets");
                }
                ObjectNode stamped = awareness.state().deepCopy();
                stamped.put("user", context.connection().orElseThrow().id());
                return awareness.withState(stamped);
            }

            @Override
            public void onAwarenessUpdate(AwarenessUpdate update, HookContext context) {
                events.add(String.valueOf(update.state()));
            }
        });
        WsClient ann = client();
        WsClient bob = client();
        ann.openOk("board");
        bob.openOk("board");

        WsClient.ok(presence(ann, "board", json("{'cursor':1}")));
        assertThat(bob.await("presence").get("state")).isEqualTo(json("{'cursor':1,'user':'" + id(ann) + "'}"));

        JsonNode denied = error(presence(ann, "board", json("{'secret':1}")), 4403);
        assertThat(denied.get("reason").asText()).isEqualTo("no secrets");
        assertThat(bob.collect(PresenceAndStatelessTest::isPresence, QUIET)).isEmpty();
        assertThat(events).containsExactly("{\"cursor\":1,\"user\":\"" + id(ann) + "\"}");
        // The state a newcomer gets is still the accepted one.
        WsClient cid = client();
        cid.openOk("board");
        assertThat(cid.await("presence").get("state")).isEqualTo(json("{'cursor':1,'user':'" + id(ann) + "'}"));
    }

    @Test
    void statelessReachesTheOtherMembersNotTheSender() {
        start();
        WsClient ann = client();
        WsClient bob = client();
        WsClient cid = client();
        WsClient other = client();
        ann.openOk("board");
        bob.openOk("board");
        cid.openOk("board");
        other.openOk("elsewhere");

        WsClient.ok(stateless(ann, "board", json("{'ping':1}")));

        for (WsClient member : new WsClient[] {bob, cid}) {
            JsonNode got = member.await("stateless");
            assertThat(got.get("doc").asText()).isEqualTo("board");
            assertThat(got.get("payload")).isEqualTo(json("{'ping':1}"));
        }
        assertThat(ann.collect(f -> is(f, "stateless"), QUIET)).isEmpty();
        assertThat(other.collect(f -> is(f, "stateless"), Duration.ZERO)).isEmpty();
    }

    @Test
    void statelessHooksRewriteThePayloadAndTheBroadcastHookCanVetoIt() {
        start(new ServerHooks() {
            @Override
            public Stateless onStateless(Stateless stateless, HookContext context) {
                if (stateless.payload().has("bad")) {
                    throw new Reject(4400, "bad payload");
                }
                ObjectNode payload = stateless.payload().deepCopy();
                payload.put("seen", "onStateless");
                return stateless.withPayload(payload);
            }

            @Override
            public BroadcastStateless beforeBroadcastStateless(BroadcastStateless broadcast, HookContext context) {
                events.add("broadcast " + broadcast.payload() + " " + broadcast.origin().kind());
                if (broadcast.payload().has("muted")) {
                    throw new Reject(4429, "muted");
                }
                ObjectNode payload = broadcast.payload().deepCopy();
                payload.put("stamp", 42);
                return broadcast.withPayload(payload);
            }
        });
        WsClient ann = client();
        WsClient bob = client();
        ann.openOk("board");
        bob.openOk("board");

        WsClient.ok(stateless(ann, "board", json("{'msg':'hi'}")));
        assertThat(bob.await("stateless").get("payload")).isEqualTo(json("{'msg':'hi','seen':'onStateless','stamp':42}"));
        assertThat(events).containsExactly("broadcast {\"msg\":\"hi\",\"seen\":\"onStateless\"} CONNECTION");

        JsonNode vetoed = error(stateless(ann, "board", json("{'muted':true}")), 4429);
        assertThat(vetoed.get("reason").asText()).isEqualTo("muted");
        JsonNode refused = error(stateless(ann, "board", json("{'bad':true}")), 4400);
        assertThat(refused.get("reason").asText()).isEqualTo("bad payload");
        assertThat(bob.collect(f -> is(f, "stateless"), QUIET)).isEmpty();
        assertThat(events).hasSize(2); // the onStateless reject stopped before the broadcast hook
    }
}
