package dev.hookline.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Authenticate;
import dev.hookline.api.payload.DocumentLoaded;
import dev.hookline.api.payload.Join;
import dev.hookline.api.payload.Leave;
import dev.hookline.api.payload.LoadDocument;
import dev.hookline.api.payload.StoreDocument;
import dev.hookline.api.payload.Subscribe;
import dev.hookline.api.payload.TokenSync;
import dev.hookline.api.payload.Update;
import dev.hookline.server.testsupport.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Document session hooks over real sockets: authenticate, token sync, join/leave, load. */
class DocumentHooksTest extends LiveServerSupport {

    private static String connectionOf(HookContext context) {
        return context.connection().map(c -> c.id()).orElse("none");
    }

    // ---- onAuthenticate ---------------------------------------------------------------------------

    @Test
    void authenticateSeesDocAndTokenAndItsAttributesReachLaterHooksOfTheConnection() {
        start(new ServerHooks() {
            @Override
            public Authenticate onAuthenticate(Authenticate auth, HookContext context) {
                events.add("auth " + auth.document() + " " + auth.token());
                return auth.withAttribute("user", "ann-" + auth.token());
            }

            @Override
            public void onJoin(Join join, HookContext context) {
                events.add("join sees " + context.connection().orElseThrow().attributes().get("user"));
            }

            @Override
            public Update onUpdate(Update update, HookContext context) {
                events.add("update sees " + context.connection().orElseThrow().attributes().get("user"));
                return null;
            }
        });
        WsClient ann = client();

        WsClient.ok(ann.open("board", "t0k3n"));
        WsClient.ok(ann.set("board", "x", number(1)));

        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(events).containsExactly(
                "auth board t0k3n", "join sees ann-t0k3n", "update sees ann-t0k3n"));
    }

    @Test
    void authenticateCanMakeTheSessionReadOnly() {
        start(new ServerHooks() {
            @Override
            public Authenticate onAuthenticate(Authenticate auth, HookContext context) {
                return auth.withReadOnly(auth.token().equals("reader"));
            }
        });
        WsClient ann = client();
        WsClient.ok(ann.open("board", "reader"));
        WsClient.ok(ann.open("notes", "writer"));

        error(ann.set("board", "x", number(1)), 4403);
        error(delete(ann, "board", "x"), 4403);
        error(write(ann, "merge", "board", "", json("{'a':1}")), 4403);
        // Read-only is per document session: the other document of the same socket writes.
        WsClient.ok(ann.set("notes", "x", number(1)));
        // And reading stays allowed.
        WsClient.ok(ann.subscribe("board", ""));
        assertThat(ann.await("snapshot").get("value")).isEqualTo(json("{}"));
    }

    @Test
    void authenticateRejectDeniesThatDocumentButTheSocketStaysOpen() {
        start(new ServerHooks() {
            @Override
            public Authenticate onAuthenticate(Authenticate auth, HookContext context) {
                if (auth.token().equals("bad")) {
                    throw new Reject(4403, "not your board");
                }
                return null;
            }
        });
        WsClient ann = client();

        JsonNode denied = error(ann.open("board", "bad"), 4403);
        assertThat(denied.get("reason").asText()).isEqualTo("not your board");
        assertThat(denied.get("doc").asText()).isEqualTo("board");

        // Nothing was opened: a write to the denied document is a 4404.
        error(ann.set("board", "x", number(1)), 4404);
        // The same socket opens another document, and may retry the denied one.
        WsClient.ok(ann.open("notes", "good"));
        WsClient.ok(ann.set("notes", "x", number(1)));
        WsClient.ok(ann.open("board", "good"));
        assertThat(ann.isClosed()).isFalse();
    }

    // ---- onTokenSync ----------------------------------------------------------------------------------

    @Test
    void tokenSyncRewritesAttributesAndReadOnly() {
        start(new ServerHooks() {
            @Override
            public TokenSync onTokenSync(TokenSync sync, HookContext context) {
                events.add("sync " + sync.document() + " " + sync.token());
                return sync.withAttribute("role", "viewer").withReadOnly(true);
            }

            @Override
            public Subscribe onSubscribe(Subscribe subscribe, HookContext context) {
                events.add("role " + context.connection().orElseThrow().attributes().get("role"));
                return null;
            }
        });
        WsClient ann = client();
        WsClient.ok(ann.openOk("board"));
        WsClient.ok(ann.set("board", "x", number(1)));

        WsClient.ok(ann.request(ann.frame("token").put("doc", "board").put("token", "fresh")));

        error(ann.set("board", "x", number(2)), 4403);
        WsClient.ok(ann.subscribe("board", "x"));
        assertThat(events).containsExactly("sync board fresh", "role viewer");
    }

    @Test
    void tokenSyncRejectClosesThatDocumentSessionWith4401() {
        start(new ServerHooks() {
            @Override
            public TokenSync onTokenSync(TokenSync sync, HookContext context) {
                throw new Reject(4403, "token revoked");
            }

            @Override
            public void onLeave(Leave leave, HookContext context) {
                events.add("leave " + leave.document());
            }
        });
        WsClient ann = client();
        WsClient.ok(ann.openOk("board"));
        WsClient.ok(ann.openOk("notes"));

        ann.send(ann.frame("token").put("doc", "board").put("token", "stale"));

        JsonNode closed = ann.await("closed");
        assertThat(closed.get("doc").asText()).isEqualTo("board");
        assertThat(closed.get("code").asInt()).isEqualTo(4401);
        assertThat(closed.get("reason").asText()).isEqualTo("token revoked");
        error(ann.set("board", "x", number(1)), 4404);
        await().atMost(Duration.ofSeconds(3)).until(() -> events.contains("leave board"));
        // Only that document: the socket and the other session live on.
        WsClient.ok(ann.set("notes", "x", number(1)));
        assertThat(ann.isClosed()).isFalse();
    }

    // ---- onJoin / onLeave -------------------------------------------------------------------------

    @Test
    void joinAndLeaveFireAfterJoiningAndLeavingAndOnDisconnect() {
        start(new ServerHooks() {
            @Override
            public void onJoin(Join join, HookContext context) {
                events.add("join " + join.document() + " " + connectionOf(context));
            }

            @Override
            public void onLeave(Leave leave, HookContext context) {
                events.add("leave " + leave.document() + " " + connectionOf(context));
            }
        });
        WsClient ann = client();
        String id = id(ann);

        WsClient.ok(ann.openOk("board"));
        await().atMost(Duration.ofSeconds(3)).until(() -> events.contains("join board " + id));
        WsClient.ok(ann.openOk("notes"));
        WsClient.ok(ann.request(ann.frame("leave").put("doc", "board")));
        // Leave fired for board only (after the leave was acknowledged: it already ran when the ack came).
        await().atMost(Duration.ofSeconds(3)).until(() -> events.contains("leave board " + id));
        assertThat(events).doesNotContain("leave notes " + id);

        ann.close();
        await().atMost(Duration.ofSeconds(3)).until(() -> events.contains("leave notes " + id));
        assertThat(events).containsExactly("join board " + id, "join notes " + id, "leave board " + id,
                "leave notes " + id);
    }

    // ---- onLoadDocument / afterLoadDocument --------------------------------------------------------------

    @Test
    void loadRunsOnceForConcurrentOpensAndItsStateIsWhatSubscribersSee() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        start(new ServerHooks() {
            @Override
            public LoadDocument onLoadDocument(LoadDocument load, HookContext context) throws Exception {
                loads.incrementAndGet();
                Thread.sleep(300); // the other opens arrive while this one loads
                return load.withState(json("{'title':'from storage','cards':{'1':'a'}}")).withVersion(7);
            }
        });
        List<WsClient> five = clients(5);
        for (JsonNode ack : openConcurrently(five, "board")) {
            assertThat(ack.get("type").asText()).as("answer %s", ack).isEqualTo("ack");
            assertThat(ack.get("version").asLong()).isEqualTo(7);
        }
        assertThat(loads).hasValue(1);
        assertThat(server.documentCount()).isEqualTo(1);

        WsClient.ok(five.get(0).subscribe("board", ""));
        JsonNode snapshot = five.get(0).await("snapshot");
        assertThat(snapshot.get("value")).isEqualTo(json("{'title':'from storage','cards':{'1':'a'}}"));
        assertThat(snapshot.get("version").asLong()).isEqualTo(7);
        assertThat(WsClient.ok(five.get(1).set("board", "title", text("new"))).get("version").asLong()).isEqualTo(8);
    }

    @Test
    void loadRejectDeniesEveryPendingOpenAndCreatesNothing() {
        AtomicInteger loads = new AtomicInteger();
        AtomicInteger authenticated = new AtomicInteger();
        AtomicBoolean storageDown = new AtomicBoolean(true);
        start(new ServerHooks() {
            @Override
            public Authenticate onAuthenticate(Authenticate auth, HookContext context) {
                authenticated.incrementAndGet();
                return null;
            }

            @Override
            public LoadDocument onLoadDocument(LoadDocument load, HookContext context) throws Exception {
                loads.incrementAndGet();
                if (storageDown.get()) {
                    // Let all five opens queue up behind this load before it fails.
                    await().atMost(Duration.ofSeconds(3)).until(() -> authenticated.get() >= 5);
                    Thread.sleep(200);
                    throw new Reject(4503, "storage unavailable");
                }
                return load.withState(json("{'real':'data'}"));
            }

            @Override
            public void onStoreDocument(StoreDocument store, HookContext context) {
                events.add("store " + store.state());
            }
        });
        List<WsClient> five = clients(5);
        for (JsonNode answer : openConcurrently(five, "board")) {
            error(answer, 4503);
            assertThat(answer.get("reason").asText()).isEqualTo("storage unavailable");
        }
        assertThat(loads).hasValue(1);
        assertThat(server.documentCount()).isZero();
        error(five.get(0).set("board", "x", number(1)), 4404);

        // Not cached as failed: the next open loads again, and gets the real data.
        storageDown.set(false);
        WsClient.ok(five.get(0).open("board", ""));
        assertThat(loads).hasValue(2);
        WsClient.ok(five.get(0).subscribe("board", ""));
        assertThat(five.get(0).await("snapshot").get("value")).isEqualTo(json("{'real':'data'}"));
        assertThat(events).isEmpty(); // nothing was ever stored over the real data
    }

    @Test
    void afterLoadFiresAndItsRejectFailsTheOpen() {
        AtomicBoolean veto = new AtomicBoolean(true);
        start(new ServerHooks() {
            @Override
            public LoadDocument onLoadDocument(LoadDocument load, HookContext context) {
                return load.withVersion(3);
            }

            @Override
            public void afterLoadDocument(DocumentLoaded loaded, HookContext context) {
                events.add("after " + loaded.document() + " v" + loaded.version());
                if (veto.get()) {
                    throw new Reject(4423, "locked");
                }
            }
        });
        WsClient ann = client();

        JsonNode denied = error(ann.open("board", ""), 4423);
        assertThat(denied.get("reason").asText()).isEqualTo("locked");
        assertThat(server.documentCount()).isZero();

        veto.set(false);
        WsClient.ok(ann.open("board", ""));
        assertThat(events).containsExactly("after board v3", "after board v3");
        assertThat(server.documentCount()).isEqualTo(1);
    }

    private List<WsClient> clients(int count) {
        List<WsClient> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clients.add(client());
        }
        return clients;
    }

    /** Sends an open from every client at once, then returns each client's answer, in order. */
    private static List<JsonNode> openConcurrently(List<WsClient> clients, String doc) {
        List<Long> ids = new ArrayList<>();
        for (WsClient c : clients) {
            var open = c.frame("open").put("doc", doc).put("token", "");
            ids.add(open.get("id").asLong());
            c.send(open);
        }
        List<JsonNode> answers = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            long id = ids.get(i);
            answers.add(clients.get(i).await(f -> f.path("id").asLong(-1) == id, "answer to open"));
        }
        return answers;
    }
}
