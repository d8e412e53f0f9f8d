package dev.hookline.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.BroadcastStateless;
import dev.hookline.api.payload.Change;
import dev.hookline.api.payload.Delete;
import dev.hookline.api.payload.LoadDocument;
import dev.hookline.api.payload.StoreDocument;
import dev.hookline.api.payload.Update;
import dev.hookline.server.testsupport.WsClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The server API: writes through the same chains with origin SERVER, reads, stateless broadcasts. */
class ServerApiTest extends LiveServerSupport {

    private final AtomicInteger loads = new AtomicInteger();

    private final ServerHooks hooks = new ServerHooks() {
        @Override
        public LoadDocument onLoadDocument(LoadDocument load, HookContext context) {
            loads.incrementAndGet();
            return load.document().equals("stored") ? load.withState(json("{'title':'from disk'}")) : null;
        }

        @Override
        public Update onUpdate(Update update, HookContext context) {
            events.add("update " + update.operation() + " " + update.path() + " " + update.origin().kind()
                    + " conn=" + context.connection().isPresent());
            if (update.path().equals("forbidden")) {
                throw new Reject(4403, "not there");
            }
            return update.path().equals("alias") ? update.withPath("real") : null;
        }

        @Override
        public Delete onDelete(Delete delete, HookContext context) {
            events.add("delete " + delete.path() + " " + delete.origin().kind());
            return null;
        }

        @Override
        public void onChange(Change change, HookContext context) {
            events.add("change " + change.operation() + " " + change.path() + " v" + change.version() + " "
                    + change.origin().kind());
        }

        @Override
        public void onStoreDocument(StoreDocument store, HookContext context) {
            events.add("store " + store.document() + " " + store.state());
        }

        @Override
        public BroadcastStateless beforeBroadcastStateless(BroadcastStateless broadcast, HookContext context) {
            events.add("broadcast " + broadcast.origin().kind());
            if (broadcast.payload().has("veto")) {
                throw new Reject(4429, "vetoed");
            }
            ObjectNode payload = broadcast.payload().deepCopy();
            payload.put("via", "hook");
            return broadcast.withPayload(payload);
        }
    };

    @Test
    void writesRunTheHooksWithOriginServerAndReachSubscribers() {
        start(hooks);
        WsClient ann = client();
        ann.openOk("board");
        WsClient.ok(ann.subscribe("board", ""));
        ann.await("snapshot");

        assertThat(server.api().set("board", "alias", text("x"))).isEqualTo(1);
        assertThat(server.api().merge("board", "m", json("{'a':1}"))).isEqualTo(2);
        assertThat(server.api().delete("board", "real")).isEqualTo(3);

        JsonNode set = ann.await("change");
        assertThat(set.get("path").asText()).isEqualTo("real");
        assertThat(set.get("origin").asText()).isEqualTo("server");
        JsonNode merge = ann.await("change");
        assertThat(merge.get("op").asText()).isEqualTo("merge");
        assertThat(merge.get("origin").asText()).isEqualTo("server");
        JsonNode delete = ann.await("change");
        assertThat(delete.get("op").asText()).isEqualTo("delete");
        assertThat(delete.get("origin").asText()).isEqualTo("server");
        assertThat(events).containsExactly(
                "update SET alias SERVER conn=false", "change SET real v1 SERVER",
                "update MERGE m SERVER conn=false", "change MERGE m v2 SERVER",
                "delete real SERVER", "change DELETE real v3 SERVER");
        assertThat(server.api().get("board", "")).contains(json("{'m':{'a':1}}"));
    }

    @Test
    void aRejectedWriteThrowsTheRejectAndAppliesNothing() {
        start(hooks);
        WsClient ann = client();
        ann.openOk("board");
        WsClient.ok(ann.subscribe("board", ""));
        ann.await("snapshot");

        assertThatThrownBy(() -> server.api().set("board", "forbidden", number(1)))
                .isInstanceOfSatisfying(Reject.class, r -> {
                    assertThat(r.code()).isEqualTo(4403);
                    assertThat(r.reason()).isEqualTo("not there");
                });
        assertThatThrownBy(() -> server.api().merge("board", "x", number(1)))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.code()).isEqualTo(4400));
        assertThat(ann.collect(f -> is(f, "change"), QUIET)).isEmpty();
        assertThat(server.api().get("board", "forbidden")).isEmpty();
        assertThat(server.api().set("board", "ok", number(1))).isEqualTo(1);
    }

    @Test
    void getLoadsADocumentThatIsNotInMemoryAndLetsItGoAgain() {
        start(hooks);

        assertThat(server.api().get("stored", "title")).contains(text("from disk"));
        assertThat(server.api().get("stored", "")).contains(json("{'title':'from disk'}"));
        assertThat(server.api().get("stored", "nothing/here")).isEmpty();
        assertThat(loads.get()).isBetween(1, 3);
        await().atMost(Duration.ofSeconds(3)).until(() -> server.documentCount() == 0);
        assertThat(events).noneMatch(e -> e.startsWith("store")); // only read: nothing to store
    }

    @Test
    void aWriteToADocumentNobodyHasOpenIsStoredAndUnloaded() {
        start(hooks);

        server.api().set("stored", "n", number(1));

        await().atMost(Duration.ofSeconds(3)).until(() -> events.stream().anyMatch(e -> e.startsWith("store")));
        assertThat(events).contains("store stored {\"title\":\"from disk\",\"n\":1}");
        await().atMost(Duration.ofSeconds(3)).until(() -> server.documentCount() == 0);
    }

    @Test
    void broadcastStatelessReachesEveryMemberThroughItsHook() {
        start(hooks);
        WsClient ann = client();
        WsClient bob = client();
        WsClient other = client();
        ann.openOk("board");
        bob.openOk("board");
        other.openOk("elsewhere");

        server.api().broadcastStateless("board", json("{'notice':'deploy'}"));

        for (WsClient member : new WsClient[] {ann, bob}) {
            JsonNode got = member.await("stateless");
            assertThat(got.get("doc").asText()).isEqualTo("board");
            assertThat(got.get("payload")).isEqualTo(json("{'notice':'deploy','via':'hook'}"));
        }
        assertThat(events).containsExactly("broadcast SERVER");

        assertThatThrownBy(() -> server.api().broadcastStateless("board", json("{'veto':true}")))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.code()).isEqualTo(4429));
        assertThat(ann.collect(f -> is(f, "stateless"), QUIET)).isEmpty();
        assertThat(bob.collect(f -> is(f, "stateless"), Duration.ZERO)).isEmpty();
        assertThat(other.collect(f -> is(f, "stateless"), Duration.ZERO)).isEmpty();
    }
}
