package dev.hookline.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Change;
import dev.hookline.api.payload.Delete;
import dev.hookline.api.payload.Update;
import dev.hookline.server.testsupport.WsClient;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** onUpdate, onDelete and onChange over real sockets: rewrites take effect, rejects apply nothing. */
class WriteHooksTest extends LiveServerSupport {

    /** Ann writes, Bob watches the whole document; both have "board" open. */
    private WsClient ann;
    private WsClient bob;

    private void annAndBob() {
        ann = client();
        bob = client();
        ann.openOk("board");
        bob.openOk("board");
        WsClient.ok(bob.subscribe("board", ""));
        bob.await("snapshot");
    }

    private JsonNode snapshotOf(String path) {
        WsClient reader = client();
        reader.openOk("board");
        WsClient.ok(reader.subscribe("board", path));
        return reader.await("snapshot");
    }

    @Test
    void updateRewritesPathValueAndMeta() {
        start(new ServerHooks() {
            @Override
            public Update onUpdate(Update update, HookContext context) {
                if (update.path().startsWith("draft/")) {
                    return update.withPath("final/" + update.path().substring(6))
                            .withValue(text(update.value().asText().toUpperCase()))
                            .withMeta(json("{'by':'hook'}"));
                }
                return null;
            }
        });
        annAndBob();

        JsonNode ack = WsClient.ok(ann.set("board", "draft/title", text("hello")));

        JsonNode change = bob.await("change");
        assertThat(change.get("path").asText()).isEqualTo("final/title");
        assertThat(change.get("value").asText()).isEqualTo("HELLO");
        assertThat(change.get("meta")).isEqualTo(json("{'by':'hook'}"));
        assertThat(change.get("version").asLong()).isEqualTo(ack.get("version").asLong());
        assertThat(server.api().get("board", "final/title")).contains(text("HELLO"));
        assertThat(server.api().get("board", "draft")).isEmpty();
        JsonNode snapshot = snapshotOf("final");
        assertThat(snapshot.get("value")).isEqualTo(json("{'title':'HELLO'}"));
        assertThat(snapshot.get("meta")).isEqualTo(json("{'final/title':{'by':'hook'}}"));
    }

    @Test
    void updateRejectAppliesNothingAndOnlyTheSenderHearsOfIt() {
        start(new ServerHooks() {
            @Override
            public Update onUpdate(Update update, HookContext context) {
                if (update.path().startsWith("locked")) {
                    throw new Reject(4403, "locked is read-only");
                }
                return null;
            }
        });
        annAndBob();

        JsonNode denied = error(ann.set("board", "locked/x", number(1)), 4403);
        assertThat(denied.get("reason").asText()).isEqualTo("locked is read-only");
        error(write(ann, "merge", "board", "locked", json("{'x':1}")), 4403);

        assertThat(bob.collect(f -> is(f, "change") || is(f, "error"), QUIET)).isEmpty();
        assertThat(server.api().get("board", "locked")).isEmpty();
        // No version was used up by the rejected writes.
        assertThat(WsClient.ok(ann.set("board", "open", number(1))).get("version").asLong()).isEqualTo(1);
        assertThat(bob.await("change").get("path").asText()).isEqualTo("open");
    }

    @Test
    void deleteRewritesThePathAndItsRejectAppliesNothing() {
        start(new ServerHooks() {
            @Override
            public Delete onDelete(Delete delete, HookContext context) {
                if (delete.path().equals("keep")) {
                    throw Reject.forbidden("keep stays");
                }
                return delete.path().equals("alias") ? delete.withPath("real") : null;
            }
        });
        annAndBob();
        WsClient.ok(ann.set("board", "real", number(1)));
        WsClient.ok(ann.set("board", "keep", number(2)));
        bob.await(f -> isChange(f, "real"), "set real");
        bob.await(f -> isChange(f, "keep"), "set keep");

        WsClient.ok(delete(ann, "board", "alias"));
        JsonNode change = bob.await("change");
        assertThat(change.get("op").asText()).isEqualTo("delete");
        assertThat(change.get("path").asText()).isEqualTo("real");
        assertThat(server.api().get("board", "real")).isEmpty();

        JsonNode denied = error(delete(ann, "board", "keep"), 4403);
        assertThat(denied.get("reason").asText()).isEqualTo("keep stays");
        assertThat(bob.collect(f -> is(f, "change"), QUIET)).isEmpty();
        assertThat(server.api().get("board", "keep")).contains(number(2));
    }

    @Test
    void changeFiresAfterApplyWithTheNewVersionAndTheConnectionOrigin() {
        start(new ServerHooks() {
            @Override
            public void onChange(Change change, HookContext context) {
                Optional<JsonNode> applied = context.server().get(change.document(), change.path());
                events.add(change.operation() + " " + change.path() + " v" + change.version() + " "
                        + change.origin().kind() + " " + change.origin().source() + " conn="
                        + context.connection().map(c -> c.id()).orElse("none") + " state=" + applied.orElse(null));
            }
        });
        annAndBob();
        String id = id(ann);

        WsClient.ok(ann.set("board", "a", number(1)));
        WsClient.ok(write(ann, "merge", "board", "", json("{'b':2}")));
        WsClient.ok(delete(ann, "board", "a"));

        assertThat(events).containsExactly(
                "SET a v1 CONNECTION " + id + " conn=" + id + " state=1",
                "MERGE  v2 CONNECTION " + id + " conn=" + id + " state={\"a\":1,\"b\":2}",
                "DELETE a v3 CONNECTION " + id + " conn=" + id + " state=null");
    }

    @Test
    void changeRejectRevertsTheChangeAndDoesNotBroadcastIt() {
        start(new ServerHooks() {
            @Override
            public void onChange(Change change, HookContext context) {
                if (change.value() != null && change.value().asText().equals("bad")) {
                    throw new Reject(4409, "journal refused it");
                }
            }
        });
        annAndBob();
        WsClient keys = client();
        keys.openOk("board");
        WsClient.ok(subscribeKeys(keys, "board", "cards"));
        keys.await("snapshot");
        WsClient.ok(ann.set("board", "cards/1", text("old")));
        bob.await("change");
        keys.await("keys");

        JsonNode denied = error(ann.set("board", "cards/1", text("bad")), 4409);
        assertThat(denied.get("reason").asText()).isEqualTo("journal refused it");
        error(ann.set("board", "cards/2", text("bad")), 4409);

        assertThat(bob.collect(f -> is(f, "change"), QUIET)).isEmpty();
        assertThat(keys.collect(f -> is(f, "keys"), Duration.ZERO)).isEmpty();
        JsonNode snapshot = snapshotOf("cards");
        assertThat(snapshot.get("value")).isEqualTo(json("{'1':'old'}"));
        assertThat(snapshot.get("version").asLong()).isEqualTo(1);
        assertThat(WsClient.ok(ann.set("board", "cards/3", text("good"))).get("version").asLong()).isEqualTo(2);
        assertThat(bob.await("change").get("path").asText()).isEqualTo("cards/3");
    }

    @Test
    void writesToADocumentNotOpenAreNotFound() {
        start();
        WsClient ann = client();
        error(ann.set("board", "x", number(1)), 4404);
        error(delete(ann, "board", "x"), 4404);
        error(write(ann, "merge", "board", "", json("{}")), 4404);
        assertThat(server.documentCount()).isZero();
    }

    @Test
    void mergeDeepMergesAndSubscribersSeeThePatch() {
        start();
        annAndBob();
        WsClient.ok(ann.set("board", "p", json("{'a':1,'b':{'c':2},'gone':{'x':1}}")));
        bob.await("change");

        WsClient.ok(write(ann, "merge", "board", "p", json("{'b':{'d':3},'e':4,'gone':5}")));

        JsonNode change = bob.await("change");
        assertThat(change.get("op").asText()).isEqualTo("merge");
        assertThat(change.get("path").asText()).isEqualTo("p");
        assertThat(change.get("value")).isEqualTo(json("{'b':{'d':3},'e':4,'gone':5}"));
        assertThat(snapshotOf("p").get("value")).isEqualTo(json("{'a':1,'b':{'c':2,'d':3},'e':4,'gone':5}"));
        // Merging into a path that does not exist yet creates it.
        WsClient.ok(write(ann, "merge", "board", "q/r", json("{'s':1}")));
        assertThat(bob.await("change").get("path").asText()).isEqualTo("q/r");
        assertThat(server.api().get("board", "q")).contains(json("{'r':{'s':1}}"));
    }
}
